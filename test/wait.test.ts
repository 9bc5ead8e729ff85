import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  startEmulator,
  type DevicePlan,
  type Emulator,
  type EmulatorOptions,
  type RecordedRequest,
} from "./emulator/index.js";
import { runAction, type ActionRun, type RunOptions } from "./support/run-action.js";
import { sampleInputs } from "./support/sample-inputs.js";
import { until } from "./support/until.js";

// Seeing a rollout through, with the bundled action as a process. Devices move one status a
// millisecond (deviceStepMs), so the first poll already sees where they end.
const MUTATING = ["BatchUpdateFirmware", "CreateTaskFileUrl"];

async function withRun<T>(
  options: EmulatorOptions,
  body: (emulator: Emulator, dir: string) => Promise<T>,
): Promise<T> {
  const emulator = await startEmulator({ deviceStepMs: 1, ...options });
  const dir = await mkdtemp(join(tmpdir(), "wait-"));
  await writeFile(join(dir, "summary.md"), ""); // The runner creates it before the step.
  try {
    return await body(emulator, dir);
  } finally {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function rollout(
  emulator: Emulator,
  dir: string,
  extra: Record<string, string>,
  options: Partial<RunOptions> = {},
): Promise<ActionRun> {
  return runAction({
    inputs: sampleInputs(emulator, {
      "firmware-original-version": "1.0.0",
      wait: "true",
      ...extra,
    }),
    cwd: dir,
    env: { GITHUB_STEP_SUMMARY: join(dir, "summary.md"), ...options.env },
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
}

const summary = (dir: string) => readFile(join(dir, "summary.md"), "utf8");
const plans = (p: Record<string, DevicePlan>) => ({ devicePlans: p });

describe.concurrent("wait: the step's result follows the devices", () => {
  it("all done: succeeded, with counts and a summary", () =>
    withRun({}, async (emulator, dir) => {
      const run = await rollout(emulator, dir, {});
      expect(run.code).toBe(0);
      expect(run.outputs).toMatchObject({
        status: "succeeded",
        "task-id": "1",
        "devices-total": "5",
        "devices-succeeded": "5",
        "devices-failed": "0",
        "devices-pending": "0",
      });
      expect(run.stdout).toMatch(/Task 1 after \d+s: 0 pending, 0 downloading, 0 flashing, 5 done/);
      const text = await summary(dir);
      expect(text).toMatch(/^### ✅ Firmware 2\.0\.0 rolled out to 5 devices\n/);
      expect(text).toContain("| done | 5 |");
    }));

  it("failures over the count: fails, names the device, the task goes on", () =>
    withRun(plans({ "dev-002": "fail", "dev-003": "stall" }), async (emulator, dir) => {
      const run = await rollout(emulator, dir, { "max-failed-devices": "0" });
      expect(run.code).toBe(1);
      expect(run.outputs).toMatchObject({
        status: "failed",
        "task-id": "1",
        "devices-failed": "1",
      });
      expect(run.errors).toEqual([
        expect.stringContaining(
          "1 device(s) of task 1 failed to upgrade, more than max-failed-devices allows (0): dev-002 (retcode -1: download failed). Task 1 goes on upgrading the remaining devices",
        ),
      ]);
      const text = await summary(dir);
      expect(text).toMatch(/^### ❌ Firmware 2\.0\.0 rollout failed\n/);
      expect(text).toContain("| dev-002 | failed | -1 | download failed |");
      expect(text).toContain("**What failed:**");
    }));

  it("failures under a share pass", () =>
    withRun(plans({ "dev-002": "fail" }), async (emulator, dir) => {
      const run = await rollout(emulator, dir, { "max-failed-devices": "20%" });
      expect(run.code).toBe(0);
      expect(run.outputs).toMatchObject({
        status: "succeeded",
        "devices-failed": "1",
        "devices-succeeded": "4",
      });
    }));

  it("offline and awaiting-confirmation devices are pending, and do not hold the step", () =>
    withRun(
      plans({ "dev-001": "offline", "dev-002": "await-confirmation" }),
      async (emulator, dir) => {
        const run = await rollout(emulator, dir, {});
        expect(run.code).toBe(0);
        expect(run.outputs).toMatchObject({
          status: "succeeded",
          "devices-pending": "2",
          "devices-succeeded": "3",
        });
      },
    ));

  it("a device already up to date is no failure", () =>
    withRun(plans({ "dev-004": "up-to-date" }), async (emulator, dir) => {
      const run = await rollout(emulator, dir, {});
      expect(run.code).toBe(0);
      expect(run.outputs).toMatchObject({ "devices-failed": "0", "devices-succeeded": "5" });
    }));

  it("wait-timeout passes first: timed-out, and the task goes on", () => {
    // Timed at the emulator, when each poll's exchange ended: the polls span the wait-timeout
    // (2 s), not the poll-interval (20 s) a wait that overslept its deadline would take. The
    // slack is for a late timer on a busy machine; the process's start is no part of it.
    const polls: number[] = [];
    const onRequest = (request: RecordedRequest) => {
      if (request.action === "DescribeFirmwareTaskDistribution") polls.push(Date.now());
    };
    return withRun({ ...plans({ "dev-001": "stall" }), onRequest }, async (emulator, dir) => {
      const run = await rollout(emulator, dir, { "wait-timeout": "2s", "poll-interval": "20s" });
      // One poll at the start, the last at the deadline.
      expect(polls).toHaveLength(2);
      expect(polls[1]! - polls[0]!).toBeLessThan(2_000 + 5_000);
      expect(run.code).toBe(1);
      expect(run.outputs).toMatchObject({
        status: "timed-out",
        "task-id": "1",
        "devices-pending": "1",
      });
      expect(run.errors[0]).toContain(
        "Task 1 was still upgrading 1 device(s) when wait-timeout (2s) passed",
      );
      expect(await summary(dir)).toMatch(/^### ❌ Firmware 2\.0\.0 rollout timed out\n/);
    });
  });

  it("SIGTERM while waiting: stops at once, says the task goes on, writes the summary", () =>
    withRun(plans({ "dev-001": "stall" }), async (emulator, dir) => {
      let child: ChildProcess | undefined;
      let output = () => "";
      const running = rollout(
        emulator,
        dir,
        { "wait-timeout": "5m" },
        { onSpawn: (c, out) => ((child = c), (output = out)) },
      );
      expect(await until(() => output().includes("Following task"), running)).toBe(true);
      child?.kill("SIGTERM");
      const run = await running;
      expect(run.code).toBe(1);
      expect(run.errors[0]).toContain(
        "cancelled (SIGTERM) while following upgrade task 1: the wait stops, the task goes on",
      );
      expect(run.outputs["task-id"]).toBe("1");
      // "At once" without a stopwatch: a wait that did not wake up would be ended 2 s after
      // SIGTERM by the action's backstop, process.exit, and no summary would be written.
      expect(await summary(dir)).toContain("| Task | 1 |");
    }));
});

describe.concurrent("before anything is created", () => {
  it("dry run: reads, lists and checks, sends nothing that changes anything", () =>
    withRun({}, async (emulator, dir) => {
      await writeFile(join(dir, "devices.txt"), "dev-001\ndev-002\n");
      const run = await rollout(emulator, dir, {
        "dry-run": "true",
        "firmware-original-version": "",
        "device-list": "devices.txt",
        wait: "false",
      });
      expect(run.code).toBe(0);
      expect(
        emulator.requests.filter((r) => MUTATING.includes(r.action ?? "") || r.kind === "upload"),
      ).toEqual([]);
      expect(emulator.requests.map((r) => r.action)).toEqual([
        "DescribeFirmware",
        "DescribeFirmwareTasks",
      ]);
      expect(run.outputs).toEqual({
        status: "dry-run",
        "device-count": "2",
        "device-list-md5": createHash("md5").update("dev-001\ndev-002\n").digest("hex"),
        "device-list-size": "16",
      });
      const md5 = createHash("md5").update("dev-001\ndev-002\n").digest("hex");
      expect(run.stdout).toContain(`"FileMd5":"${md5}","FileSize":16`);
      expect(run.stdout).not.toMatch(/Authorization|TC3-HMAC/);
      expect(await summary(dir)).toMatch(
        /^### 📝 Dry run of firmware 2\.0\.0 to .*: nothing changed\n/,
      );
    }));

  it("the version comes from the release tag", () =>
    withRun({}, async (emulator, dir) => {
      const run = await rollout(
        emulator,
        dir,
        { "firmware-version": "", wait: "false" },
        { env: { GITHUB_REF: "refs/tags/v2.0.0" } },
      );
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("firmware-version 2.0.0 comes from the tag refs/tags/v2.0.0.");
      expect(emulator.tasks[0]?.firmwareVersion).toBe("2.0.0");
    }));

  it("a version that is not registered: nothing is created, the product's versions are listed", () =>
    withRun({}, async (emulator, dir) => {
      const run = await rollout(emulator, dir, { "firmware-version": "2.1.0", wait: "false" });
      expect(run.code).toBe(1);
      expect(emulator.requests.map((r) => r.action)).toEqual([
        "DescribeFirmware",
        "GetAllFirmwareVersion",
      ]);
      expect(run.errors).toEqual([
        expect.stringContaining(
          "Firmware 2.1.0 is not registered for product EMUPRODUCT1; it has 1.0.0, 1.1.0, 2.0.0.",
        ),
      ]);
      expect(await summary(dir)).toContain("No task was created by this step");
    }));

  it("a firmware file whose MD5 is not the registered one: nothing is created", () =>
    withRun({}, async (emulator, dir) => {
      await writeFile(join(dir, "fw.bin"), "another build");
      const run = await rollout(emulator, dir, { "firmware-file": "fw.bin", wait: "false" });
      expect(run.code).toBe(1);
      expect(emulator.tasks).toHaveLength(0);
      expect(run.errors[0]).toMatch(
        /firmware-file fw.bin has MD5 [0-9a-f]{32}, but firmware 2.0.0 of product \w+ is registered with MD5 [0-9a-f]{32}/,
      );
    }));

  it("a firmware file that is the registered build rolls out", () =>
    withRun({}, async (emulator, dir) => {
      // The emulator registers MD5("firmware-<version>") for each version.
      await writeFile(join(dir, "fw.bin"), "firmware-2.0.0");
      const run = await rollout(emulator, dir, { "firmware-file": "fw.bin", wait: "false" });
      expect(run.code).toBe(0);
      expect(emulator.tasks).toHaveLength(1);
    }));

  it("a re-run follows the task that is still running instead of creating another", () =>
    withRun(plans({ "dev-001": "stall" }), async (emulator, dir) => {
      const first = await rollout(emulator, dir, { wait: "false" });
      expect(first.code).toBe(0);
      const again = await rollout(emulator, dir, { wait: "false" });
      expect(again.code).toBe(0);
      expect(emulator.requests.filter((r) => r.action === "BatchUpdateFirmware")).toHaveLength(1);
      expect(again.outputs["task-id"]).toBe(first.outputs["task-id"]);
      expect(again.stdout).toContain(
        "is still running (a re-run?): following it instead of creating another",
      );
    }));
});
