import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { NameList } from "../../src/waves/name-list.js";
import { planWaves } from "../../src/waves/plan.js";
import { waveSizes } from "../../src/waves/settings.js";
import { productSeed, SAMPLE_PRODUCT_ID, startEmulator } from "../emulator/index.js";
import { answer, startStandIn } from "../support/hostile/api-stand-in.js";
import { runAction, type ActionRun } from "../support/run-action.js";
import { sampleInputs } from "../support/sample-inputs.js";

// The runner cancels a step with SIGINT, then SIGTERM, then SIGKILL. Whatever the step is doing
// when the signals come, the job summary and the `status` output are written before the process
// ends: here at each phase (creating, uploading, polling, pausing, cancelling), against peers
// that never answer the request in flight. No test bounds the process by time: each waits for
// what the step logs, and the step ends because of the signals.
const KEYS = { "secret-id": "AKIDstandin", "secret-key": "stand-in-key-123" };
const EMPTY = () => ({ TaskInfos: [], Total: 0 });
const NEVER = () => new Promise<undefined>(() => undefined);

/** Resolves once `done()` holds; a step that never gets there fails the test by its timeout. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await sleep(20);
}

interface Cancelled {
  run: ActionRun;
  summary: string;
}

/**
 * Runs the action in a fresh workspace (with `files`), sends SIGINT once `reached()`, then
 * SIGTERM (unless `sigtermToo` is false) once the first signal's line is logged.
 */
async function cancelAt(options: {
  inputs: Record<string, string>;
  reached: (stdout: string) => boolean;
  files?: Record<string, string>;
  sigtermToo?: boolean;
}): Promise<Cancelled> {
  const dir = await mkdtemp(join(tmpdir(), "cancel-summary-"));
  try {
    for (const [name, text] of Object.entries(options.files ?? {}))
      await writeFile(join(dir, name), text);
    await writeFile(join(dir, "summary.md"), "");
    let child: ChildProcess | undefined;
    let stdout = () => "";
    const running = runAction({
      inputs: options.inputs,
      cwd: dir,
      env: { GITHUB_STEP_SUMMARY: join(dir, "summary.md") },
      onSpawn: (c, out) => ((child = c), (stdout = out)),
    });
    const ended = () =>
      child !== undefined && (child.exitCode !== null || child.signalCode !== null);
    await until(() => child !== undefined && (ended() || options.reached(stdout())));
    child?.kill("SIGINT");
    await until(() => ended() || stdout().includes("cancelled (SIGINT)"));
    if (options.sigtermToo !== false && !ended()) child?.kill("SIGTERM");
    const run = await running;
    return { run, summary: await readFile(join(dir, "summary.md"), "utf8") };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A failed step whose summary, written once, says it was cancelled, and whose status says failed. */
function expectSummaryAndStatus({ run, summary }: Cancelled, line: string): void {
  // Not a success. (A run that winds down by itself may be past its last line when SIGTERM
  // lands, while Node tears the process down: then it dies of the signal, code null.)
  expect(run.code).not.toBe(0);
  expect(run.errors[0]).toContain(line);
  expect(run.outputs["status"]).toBe("failed");
  expect(summary.match(/^### /gm)).toEqual(["### "]);
  expect(summary).toMatch(/^### ❌ Firmware 2\.0\.0 rollout (failed|stopped)/);
  // The reason under the heading is the error, or the wait's numbers and then the error.
  const [, reason] = summary.split("\n");
  expect(summary.match(/^\*\*What failed:\*\* .*$/m)?.[0] ?? reason).toContain("cancelled");
}

describe.concurrent(
  "a step cancelled with SIGINT, then SIGTERM, writes its summary and status",
  () => {
    it("while BatchUpdateFirmware is in flight (creating)", async () => {
      const standIn = await startStandIn({
        DescribeFirmwareTasks: EMPTY,
        BatchUpdateFirmware: NEVER,
      });
      try {
        const cancelled = await cancelAt({
          inputs: {
            ...KEYS,
            "product-id": "P1",
            "firmware-version": "2.0.0",
            "device-names": "cam-1",
            endpoint: standIn.url,
          },
          reached: () => standIn.count("BatchUpdateFirmware") === 1,
        });
        expectSummaryAndStatus(cancelled, "while BatchUpdateFirmware was in flight");
        expect(cancelled.summary).toContain("may exist");
      } finally {
        await standIn.close();
      }
    });

    it("while the device list uploads (uploading)", async () => {
      const standIn = await startStandIn({
        DescribeFirmwareTasks: EMPTY,
        CreateTaskFileUrl: () => ({ Url: `${standIn.url}/upload`, FileName: "f1" }),
        // The upload carries no X-TC-Action: the stand-in takes it in and never answers.
        "": NEVER,
      });
      try {
        const cancelled = await cancelAt({
          inputs: {
            ...KEYS,
            "product-id": "P1",
            "firmware-version": "2.0.0",
            "device-list": "devices.txt",
            endpoint: standIn.url,
          },
          files: { "devices.txt": "cam-1\ncam-2\n" },
          reached: () => standIn.count("") === 1,
        });
        expectSummaryAndStatus(cancelled, "while the device list was uploading");
        expect(cancelled.run.outputs["device-count"]).toBeUndefined();
        expect(standIn.count("BatchUpdateFirmware")).toBe(0);
      } finally {
        await standIn.close();
      }
    });

    it.each([
      { name: "then SIGTERM", sigtermToo: true },
      { name: "alone: the wind-down ends the process", sigtermToo: false },
    ])("while a poll is in flight (polling), SIGINT $name", async ({ sigtermToo }) => {
      const standIn = await startStandIn({
        DescribeFirmwareTasks: EMPTY,
        BatchUpdateFirmware: (_call, res) => answer(res, { TaskId: 7 }),
        DescribeFirmwareTaskDistribution: NEVER,
      });
      try {
        const cancelled = await cancelAt({
          inputs: {
            ...KEYS,
            "product-id": "P1",
            "firmware-version": "2.0.0",
            "device-names": "cam-1",
            wait: "true",
            "request-timeout": "600",
            endpoint: standIn.url,
          },
          reached: () => standIn.count("DescribeFirmwareTaskDistribution") === 1,
          sigtermToo,
        });
        expectSummaryAndStatus(cancelled, "while following upgrade task 7");
        expect(cancelled.run.outputs["task-id"]).toBe("7");
        expect(cancelled.summary).toMatch(/\| Task \| 7 \|/);
      } finally {
        await standIn.close();
      }
    });
  },
);

// Waves, on the emulator: six devices in two waves, the first wave's planned from the names.
const DEVICES = Array.from({ length: 6 }, (_, i) => `dev-${String(i + 1).padStart(3, "0")}`);
const SPEC = "2, 100%";
const [FIRST = []] = planWaves(NameList.fromStrings(DEVICES), "2.0.0", waveSizes(SPEC)).map((w) =>
  w.names(),
);

describe.concurrent("a progressive rollout cancelled with SIGINT, then SIGTERM", () => {
  it("during wave-pause (pausing): says so, not 'following', and writes its summary", async () => {
    const emulator = await startEmulator({
      products: { [SAMPLE_PRODUCT_ID]: productSeed({ deviceCount: 6 }) },
      devicePlans: Object.fromEntries(DEVICES.map((name) => [name, "up-to-date"])),
      deviceStepMs: 1,
    });
    try {
      const cancelled = await cancelAt({
        inputs: sampleInputs(emulator, {
          "device-names": DEVICES.join(","),
          waves: SPEC,
          "wave-pause": "6h",
        }),
        reached: (stdout) => stdout.includes("Soaking for 6h00m (wave-pause 6h00m) before wave 2."),
      });
      expectSummaryAndStatus(cancelled, "during wave-pause, before wave 2 was created");
      expect(cancelled.run.errors.join("\n")).not.toContain("while following");
      expect(emulator.tasks).toHaveLength(1);
    } finally {
      await emulator.close();
    }
  });

  it("while cancelling a failed wave's devices (cancelling)", async () => {
    const emulator = await startEmulator({
      products: { [SAMPLE_PRODUCT_ID]: productSeed({ deviceCount: 6 }) },
      devicePlans: {
        ...Object.fromEntries(DEVICES.map((name) => [name, "up-to-date"])),
        [FIRST[0]!]: "fail-at-once",
        [FIRST[1]!]: "offline",
      },
      deviceStepMs: 1,
    });
    // The cancel of the device that has not started never gets its answer while the test runs.
    emulator.script("CancelDeviceFirmwareTask", { type: "slow", delayMs: 600_000 });
    try {
      const cancelled = await cancelAt({
        inputs: sampleInputs(emulator, {
          "device-names": DEVICES.join(","),
          waves: SPEC,
          "on-failure": "cancel",
        }),
        reached: () => emulator.requests.some((r) => r.action === "CancelDeviceFirmwareTask"),
      });
      expectSummaryAndStatus(
        cancelled,
        "while cancelling the not-started devices of wave 1 (task 1)",
      );
      expect(emulator.tasks).toHaveLength(1);
    } finally {
      await emulator.close();
    }
  });
});
