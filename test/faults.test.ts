import { describe, expect, it } from "vitest";
import { SAMPLE_PRODUCT_ID, startEmulator, type Emulator, type Fault } from "./emulator/index.js";
import { callApi } from "./emulator/test-client.js";
import { fakeClock, runInProcess } from "./support/in-process.js";
import { sampleInputs } from "./support/sample-inputs.js";
import type { ActionRun } from "./support/run-action.js";
import { until } from "./support/until.js";

// Exactly-once under faults: whatever goes wrong, the emulator ends with one task (or none, for
// a definite error) and task-id names it. The tables run the step in-process on a fake clock
// (a lookup window of request-timeout + 20 s passes at once); faults-real-time.test.ts runs a
// few cases through the bundled action as a process, in real time.

async function withEmulator(body: (emulator: Emulator) => Promise<void>): Promise<void> {
  const emulator = await startEmulator();
  try {
    await body(emulator);
  } finally {
    await emulator.close();
  }
}

function inputsFor(emulator: Emulator, extra: Record<string, string> = {}) {
  return sampleInputs(emulator, {
    "firmware-original-version": "1.0.0",
    "request-timeout": "1",
    ...extra,
  });
}

/** The step in-process, on a fake clock. */
function rollout(
  emulator: Emulator,
  extra: Record<string, string> = {},
  clock = fakeClock(),
): Promise<ActionRun> {
  return runInProcess(inputsFor(emulator, extra), clock);
}

function calls(emulator: Emulator, action: string): number {
  return emulator.requests.filter((r) => r.action === action).length;
}

function expectOneTask(emulator: Emulator, run: ActionRun): void {
  expect(run.errors).toEqual([]);
  expect(run.code).toBe(0);
  expect(emulator.tasks).toHaveLength(1);
  expect(run.outputs["task-id"]).toBe(String(emulator.tasks[0]?.taskId));
}

describe("retried without looking: the server did not act", () => {
  it.each<{ name: string; fault: Fault }>([
    { name: "RequestLimitExceeded", fault: { type: "rate-limit" } },
    {
      name: "RequestLimitExceeded.UinLimitExceeded",
      fault: { type: "rate-limit", code: "RequestLimitExceeded.UinLimitExceeded" },
    },
  ])("$name", ({ fault }) =>
    withEmulator(async (emulator) => {
      emulator.script("BatchUpdateFirmware", fault);
      const run = await rollout(emulator);
      expectOneTask(emulator, run);
      expect(calls(emulator, "BatchUpdateFirmware")).toBe(2);
      expect(run.stdout).toMatch(
        /BatchUpdateFirmware: attempt 1\/5 failed: .*RequestLimitExceeded.*; retrying in \d+\.\d s\./,
      );
    }),
  );
});

describe("outcome unknown: look for the task before retrying", () => {
  it.each<{ name: string; fault: Fault; acted: boolean }>([
    { name: "connection reset before processing", fault: { type: "reset-before" }, acted: false },
    {
      name: "503 before processing",
      fault: { type: "status", status: 503, body: "busy" },
      acted: false,
    },
    {
      name: "503 after the task was created",
      fault: { type: "status", status: 503, process: true },
      acted: true,
    },
    {
      name: "truncated JSON after the task was created",
      fault: { type: "truncated" },
      acted: true,
    },
    {
      name: "InternalError before processing",
      fault: { type: "error", code: "InternalError" },
      acted: false,
    },
    {
      name: "InternalError after the task was created",
      fault: { type: "error", code: "InternalError", process: true },
      acted: true,
    },
    {
      name: "ServiceUnavailable",
      fault: { type: "error", code: "ServiceUnavailable" },
      acted: false,
    },
    {
      name: "answer slower than request-timeout",
      fault: { type: "slow", delayMs: 2500 },
      acted: true,
    },
    {
      name: "answer lost after the task was created",
      fault: { type: "lost-after-process" },
      acted: true,
    },
  ])("$name", ({ fault, acted }) =>
    withEmulator(async (emulator) => {
      emulator.script("BatchUpdateFirmware", fault);
      const run = await rollout(emulator);
      expectOneTask(emulator, run);
      expect(calls(emulator, "BatchUpdateFirmware")).toBe(acted ? 1 : 2);
      expect(run.stdout).toContain("looking for the task 4 times over 21 s");
      expect(run.stdout).toContain(
        acted
          ? `Using upgrade task ${emulator.tasks[0]?.taskId}, which this run's BatchUpdateFirmware created`
          : "No task of this run appeared in 4 looks over 21 s after that failure; sending BatchUpdateFirmware again.",
      );
    }),
  );
});

describe("definite errors: one attempt, no task", () => {
  it.each([
    {
      name: "firmware not registered",
      extra: { "firmware-version": "9.9.9" },
      code: "Firmware 9.9.9 is not registered for product EMUPRODUCT1; it has 1.0.0, 1.1.0, 2.0.0",
      creates: 0,
    },
    {
      name: "wrong key",
      extra: { "secret-key": "wrong-key" },
      code: "AuthFailure.SignatureFailure",
      creates: 0,
    },
    {
      name: "unknown device",
      extra: { "firmware-original-version": "", "device-names": "nobody" },
      code: "InvalidParameterValue",
      creates: 1,
    },
  ])("$name", ({ extra, code, creates }) =>
    withEmulator(async (emulator) => {
      const run = await rollout(emulator, extra);
      expect(run.code).toBe(1);
      expect(emulator.tasks).toHaveLength(0);
      expect(calls(emulator, "BatchUpdateFirmware")).toBe(creates);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toContain(code);
      expect(run.outputs["task-id"]).toBeUndefined();
    }),
  );
});

describe("bounded when the API keeps refusing", () => {
  it("gives up after max-attempts with one error line and no task", () =>
    withEmulator(async (emulator) => {
      emulator.script("BatchUpdateFirmware", ...Array<Fault>(3).fill({ type: "rate-limit" }));
      const run = await rollout(emulator, { "max-attempts": "3" });
      expect(run.code).toBe(1);
      expect(emulator.tasks).toHaveLength(0);
      expect(calls(emulator, "BatchUpdateFirmware")).toBe(3);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toContain(
        "gave up on BatchUpdateFirmware after 3 attempts: max-attempts",
      );
      // Nothing is announced or waited for after the last attempt.
      expect(run.stdout).not.toContain("attempt 3/3 failed");
    }));

  it("says the task may exist when the lookup cannot be made either", () =>
    withEmulator(async (emulator) => {
      emulator.script("BatchUpdateFirmware", { type: "lost-after-process" });
      // The first DescribeFirmwareTasks (before creating) succeeds; every lookup after it fails.
      emulator.script(
        "DescribeFirmwareTasks",
        { type: "slow", delayMs: 0 },
        ...Array<Fault>(2).fill({ type: "error", code: "UnauthorizedOperation" }),
      );
      const run = await rollout(emulator, { "max-attempts": "2" });
      expect(run.code).toBe(1);
      expect(emulator.tasks).toHaveLength(1);
      expect(calls(emulator, "BatchUpdateFirmware")).toBe(1);
      expect(run.outputs["task-id"]).toBeUndefined();
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toContain(
        "looking for it failed: DescribeFirmwareTasks failed: UnauthorizedOperation",
      );
      expect(run.errors[0]).toContain("a task of firmware 2.0.0 may exist. Not sending it again");
    }));
});

describe("clock skew", () => {
  it("still finds the task of a lost answer when the runner's clock is 20 minutes ahead", () =>
    withEmulator(async (emulator) => {
      emulator.setClockSkew(-1200);
      emulator.script("BatchUpdateFirmware", { type: "lost-after-process" });
      const run = await rollout(emulator);
      expectOneTask(emulator, run);
      expect(calls(emulator, "BatchUpdateFirmware")).toBe(1);
      expect(run.stdout).toContain(`Using upgrade task ${emulator.tasks[0]?.taskId}`);
    }));

  it("signs again with the server's Date once, and says so", () =>
    withEmulator(async (emulator) => {
      emulator.setClockSkew(-1200);
      const run = await rollout(emulator);
      expectOneTask(emulator, run);
      expect(run.stdout).toMatch(/::warning::The runner's clock is -?\d+ s off Tencent's/);
    }));
});

describe("a task another rollout created meanwhile", () => {
  it("is not taken for this run's: the lookup checks how the task targets devices", () =>
    withEmulator(async (emulator) => {
      emulator.script("BatchUpdateFirmware", { type: "reset-before" });
      // The run's first wait (before it looks) holds until another rollout of the same version,
      // by version, has started.
      let otherStarted: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (otherStarted = resolve));
      const base = fakeClock();
      const clock = { ...base, sleep: async (ms: number) => (await gate, base.sleep(ms)) };
      const run = rollout(
        emulator,
        { "firmware-original-version": "", "device-names": "dev-001" },
        clock,
      );
      const created = () => emulator.requests.some((r) => r.action === "BatchUpdateFirmware");
      expect(await until(created, run)).toBe(true);
      const other = await callApi(emulator, "BatchUpdateFirmware", {
        ProductID: SAMPLE_PRODUCT_ID,
        FirmwareVersion: "2.0.0",
        FirmwareOriVersion: "1.1.0",
      });
      expect(other.response?.["TaskId"]).toBe(1);
      otherStarted();
      const finished = await run;
      expect(finished.code).toBe(0);
      expect(emulator.tasks.map((t) => t.taskId)).toEqual([1, 2]);
      expect(finished.outputs["task-id"]).toBe("2");
      expect(emulator.tasks[1]?.deviceNames).toEqual(["dev-001"]);
      expect(finished.stdout).toContain("No task of this run appeared");
    }));
});
