import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NameList } from "../../src/waves/name-list.js";
import { planWaves } from "../../src/waves/plan.js";
import { waveSizes } from "../../src/waves/settings.js";
import {
  productSeed,
  SAMPLE_PRODUCT_ID,
  startEmulator,
  type DevicePlan,
  type Emulator,
} from "../emulator/index.js";
import { runAction, type ActionRun } from "../support/run-action.js";
import { sampleInputs } from "../support/sample-inputs.js";

// Progressive rollouts with the bundled action as a process. 20 devices in four waves; each
// device's outcome is scripted, and which wave a device falls in comes from the plan itself.
// Devices reach their result at once (already up to date, or failed), so no test depends on how
// soon the first poll comes.
const DEVICES = Array.from({ length: 20 }, (_, i) => `dev-${String(i + 1).padStart(3, "0")}`);
const SPEC = "2, 25%, 50%, 100%";
const WAVES = planWaves(NameList.fromStrings(DEVICES), "2.0.0", waveSizes(SPEC)).map((w) =>
  w.names(),
);

/** Every device at once up to date, but for the plans given. */
function fleet(plans: Record<string, DevicePlan> = {}): Record<string, DevicePlan> {
  return { ...Object.fromEntries(DEVICES.map((name) => [name, "up-to-date"])), ...plans };
}

async function withFleet<T>(
  plans: Record<string, DevicePlan>,
  body: (emulator: Emulator, dir: string) => Promise<T>,
  stepMs: number | "per-poll" = 1,
): Promise<T> {
  const emulator = await startEmulator({
    products: { [SAMPLE_PRODUCT_ID]: productSeed({ deviceCount: 20 }) },
    devicePlans: fleet(plans),
    ...(stepMs === "per-poll" ? {} : { deviceStepMs: stepMs }),
  });
  const dir = await mkdtemp(join(tmpdir(), "waves-"));
  await writeFile(join(dir, "summary.md"), "");
  try {
    return await body(emulator, dir);
  } finally {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function waves(
  emulator: Emulator,
  dir: string,
  extra: Record<string, string> = {},
  onSpawn?: (child: ChildProcess, stdout: () => string) => void,
): Promise<ActionRun> {
  return runAction({
    inputs: sampleInputs(emulator, { "device-names": DEVICES.join(","), waves: SPEC, ...extra }),
    cwd: dir,
    env: { GITHUB_STEP_SUMMARY: join(dir, "summary.md") },
    ...(onSpawn ? { onSpawn } : {}),
  });
}

const creates = (emulator: Emulator) =>
  emulator.requests.filter((r) => r.action === "BatchUpdateFirmware" && r.status === 200);

describe.concurrent("progressive rollouts", () => {
  it("four waves that pass: one task each, in plan order", () =>
    withFleet({}, async (emulator, dir) => {
      expect(WAVES.map((w) => w.length)).toEqual([2, 3, 5, 10]);
      const run = await waves(emulator, dir);
      expect(run.errors).toEqual([]);
      expect(run.code).toBe(0);
      expect(emulator.tasks.map((t) => t.deviceNames)).toEqual(WAVES);
      expect(run.outputs).toMatchObject({
        status: "succeeded",
        "task-ids": "1,2,3,4",
        "waves-completed": "4",
        "waves-total": "4",
        "devices-succeeded": "20",
      });
      const summary = await readFile(join(dir, "summary.md"), "utf8");
      expect(summary).toContain("| Wave | Devices | Task | Progress | Verdict | Gate |");
      expect(summary).toMatch(
        /\| 4 \| 10 \| 4 \| ▓{10} 100%: 10 upgraded, 0 failed, 0 pending \| ✅ passed after \d+s \| 10 of 10 upgraded, 10 needed; 0 failed, 0 allowed \|/,
      );
    }));

  it("a failing wave 2 stops the rollout: no wave-3 task exists afterwards", () =>
    withFleet({ [WAVES[1]![0]!]: "fail-at-once" }, async (emulator, dir) => {
      const run = await waves(emulator, dir);
      expect(run.code).toBe(1);
      expect(emulator.tasks).toHaveLength(2);
      expect(run.errors).toEqual([
        expect.stringContaining(
          "Wave 2 (task 2) stopped the rollout: 1 device(s) failed, more than max-failed-devices allows (0); 2 of 3 upgraded, 3 needed; 1 failed, 0 allowed. Failed: ",
        ),
      ]);
      expect(run.errors[0]).toContain(
        `Failed: ${WAVES[1]![0]!} (retcode -1: download failed). No further wave was created; 15 device(s) of later waves never got the firmware.`,
      );
      expect(run.outputs).toMatchObject({
        status: "failed",
        "task-ids": "1,2",
        "waves-completed": "1",
      });
      const summary = await readFile(join(dir, "summary.md"), "utf8");
      expect(summary).toMatch(
        /\| 2 \| 3 \| 2 \| [▓░]{10} \d+%: \d+ upgraded, 1 failed, \d+ pending \| ❌ failed after \d+s \|/,
      );
      expect(summary).toContain("no further wave was created");
    }));

  it("on-failure cancel cancels exactly the devices of the failing wave that had not started", () =>
    withFleet(
      {
        [WAVES[1]![0]!]: "fail",
        [WAVES[1]![1]!]: "offline",
        [WAVES[1]![2]!]: "offline",
        [WAVES[0]![0]!]: "offline",
      },
      async (emulator, dir) => {
        // Wave 1 passes with its offline device: it needs one of its two.
        const run = await waves(emulator, dir, { "on-failure": "cancel", "wave-success": "50%" });
        expect(run.code).toBe(1);
        const cancels = emulator.requests.filter((r) => r.action === "CancelDeviceFirmwareTask");
        expect(cancels.map((r) => [r.params?.["TaskId"], r.params?.["DeviceName"]]).sort()).toEqual(
          [WAVES[1]![1]!, WAVES[1]![2]!].map((name) => [2, name]).sort(),
        );
        expect(run.errors[0]).toContain("Cancelled 2 of its devices that had not started.");
        expect(emulator.tasks).toHaveLength(2);
      },
    ));

  it("waves-per-run 1, three runs: three waves, never a task twice", () =>
    withFleet({}, async (emulator, dir) => {
      for (const run of [1, 2, 3]) {
        const result = await waves(emulator, dir, { "waves-per-run": "1" });
        expect(result.code).toBe(0);
        expect(result.outputs["waves-completed"]).toBe(String(run));
      }
      expect(creates(emulator)).toHaveLength(3);
      expect(emulator.tasks.map((t) => t.deviceNames)).toEqual(WAVES.slice(0, 3));
    }));

  it("waves sent as uploaded lists (over 500 names) are found again by the next run", () =>
    withFleet({}, async (emulator, dir) => {
      const names = Array.from({ length: 1500 }, (_, i) => `cam-${String(i).padStart(5, "0")}`);
      // Up to date at once: the first poll ends each wave, whatever the machine's pace.
      emulator.planDevices(Object.fromEntries(names.map((name) => [name, "up-to-date"])));
      await writeFile(join(dir, "fleet.txt"), `${names.join("\n")}\n`);
      const planned = planWaves(NameList.fromStrings(names), "2.0.0", waveSizes("40%, 100%"));
      const inputs = { "device-list": "fleet.txt", waves: "40%, 100%", "waves-per-run": "1" };
      const run = (): Promise<ActionRun> =>
        runAction({ inputs: sampleInputs(emulator, inputs), cwd: dir });
      expect((await run()).outputs["waves-completed"]).toBe("1");
      const second = await run();
      expect(second.code).toBe(0);
      expect(second.stdout).toContain("Following wave 1's task 1, created by an earlier run.");
      expect(second.outputs).toMatchObject({ "task-ids": "1,2", "waves-completed": "2" });
      expect(creates(emulator)).toHaveLength(2);
      expect(emulator.tasks.map((t) => t.fileName === undefined)).toEqual([false, false]);
      const held = [1, 2].map((id) => emulator.taskDevices(id).map((d) => d.deviceName));
      expect(held).toEqual(planned.map((w) => w.names()));
    }));

  it("a job killed in the middle of wave 2 is resumed by the next run", () =>
    // Devices take a step per poll here; only wave 2's need more than one.
    withFleet(
      Object.fromEntries(
        DEVICES.map((name) => [name, WAVES[1]!.includes(name) ? "succeed" : "up-to-date"]),
      ),
      async (emulator, dir) => {
        const killed = await waves(emulator, dir, { "poll-interval": "5s" }, (child, stdout) => {
          const timer = setInterval(() => {
            if (stdout().includes("Following task 2")) {
              clearInterval(timer);
              child.kill("SIGKILL");
            }
          }, 20);
        });
        expect(killed.code).toBeNull();
        expect(creates(emulator)).toHaveLength(2);
        emulator.advance(2, 5);
        const resumed = await waves(emulator, dir);
        expect(resumed.code).toBe(0);
        expect(resumed.stdout).toContain("Following wave 2's task 2, created by an earlier run.");
        expect(creates(emulator)).toHaveLength(4);
        expect(resumed.outputs["task-ids"]).toBe("1,2,3,4");
      },
      "per-poll",
    ));

  it("dry run prints the plan and the waves that already have tasks, creating nothing", () =>
    withFleet({}, async (emulator, dir) => {
      await waves(emulator, dir, { "waves-per-run": "1" });
      const dry = await waves(emulator, dir, { "dry-run": "true" });
      expect(dry.code).toBe(0);
      expect(creates(emulator)).toHaveLength(1);
      expect(dry.stdout).toContain(
        `The rollout has 4 wave(s): 1: 2 device(s) (${WAVES[0]!.join(", ")})`,
      );
      expect(dry.stdout).toContain("Wave 1 already has task 1.");
      expect(dry.outputs).toMatchObject({ status: "dry-run", "waves-total": "4" });
    }));
});

describe("bad wave inputs", () => {
  it("waves need named devices", () =>
    withFleet({}, async (emulator, dir) => {
      const run = await runAction({
        inputs: sampleInputs(emulator, { "firmware-original-version": "1.0.0", waves: SPEC }),
        cwd: dir,
      });
      expect(run.code).toBe(1);
      expect(run.errors[0]).toContain("Invalid input 'waves'");
      expect(emulator.requests).toEqual([]);
    }));
});
