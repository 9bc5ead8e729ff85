import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_PRODUCT_ID, startEmulator, type Emulator, type Fault } from "./emulator/index.js";
import { callApi } from "./emulator/test-client.js";
import { sampleInputs } from "./support/sample-inputs.js";
import { runAction, type ActionRun } from "./support/run-action.js";

// Exactly-once under faults, run against the bundled action: whatever goes wrong, the emulator
// ends with one task (or none, for a definite error) and task-id names it.
let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator();
});
afterEach(async () => {
  await emulator.close();
});

function rollout(extra: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    inputs: sampleInputs(emulator, {
      "firmware-original-version": "1.0.0",
      "request-timeout": "1",
      ...extra,
    }),
  });
}

function calls(action: string): number {
  return emulator.requests.filter((r) => r.action === action).length;
}

function expectOneTask(run: ActionRun): void {
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
  ])("$name", async ({ fault }) => {
    emulator.script("BatchUpdateFirmware", fault);
    const run = await rollout();
    expectOneTask(run);
    expect(calls("BatchUpdateFirmware")).toBe(2);
    expect(run.stdout).toMatch(
      /BatchUpdateFirmware: attempt 1\/5 failed: .*RequestLimitExceeded.*; retrying in \d+\.\d s\./,
    );
  });
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
  ])("$name", async ({ fault, acted }) => {
    emulator.script("BatchUpdateFirmware", fault);
    const run = await rollout();
    expectOneTask(run);
    expect(calls("BatchUpdateFirmware")).toBe(acted ? 1 : 2);
    expect(run.stdout).toContain("looking for the task before trying again");
    if (acted) expect(run.stdout).toContain(`task ${emulator.tasks[0]?.taskId} was created by it`);
    else expect(run.stdout).toContain("No task of this run appeared after that failure");
  });
});

describe("definite errors: one attempt, no task", () => {
  it.each([
    {
      name: "firmware not registered",
      extra: { "firmware-version": "9.9.9" },
      code: "ResourceNotFound.FirmwareNotExist",
    },
    {
      name: "wrong key",
      extra: { "secret-key": "wrong-key" },
      code: "AuthFailure.SignatureFailure",
    },
    {
      name: "unknown device",
      extra: { "firmware-original-version": "", "device-names": "nobody" },
      code: "InvalidParameterValue",
    },
  ])("$name", async ({ extra, code }) => {
    const run = await rollout(extra);
    expect(run.code).toBe(1);
    expect(emulator.tasks).toHaveLength(0);
    expect(calls("BatchUpdateFirmware")).toBeLessThanOrEqual(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(code);
    expect(run.outputs["task-id"]).toBeUndefined();
  });
});

describe("bounded when the API keeps refusing", () => {
  it("gives up after max-attempts with one error line and no task", async () => {
    emulator.script("BatchUpdateFirmware", ...Array<Fault>(3).fill({ type: "rate-limit" }));
    const run = await rollout({ "max-attempts": "3" });
    expect(run.code).toBe(1);
    expect(emulator.tasks).toHaveLength(0);
    expect(calls("BatchUpdateFirmware")).toBe(3);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(
      "gave up on BatchUpdateFirmware after 3 attempts: max-attempts",
    );
  });

  it("says the outcome is unknown when the lookup cannot be made either", async () => {
    emulator.script("BatchUpdateFirmware", { type: "lost-after-process" });
    // The first DescribeFirmwareTasks (before creating) succeeds; every lookup after it fails.
    emulator.script(
      "DescribeFirmwareTasks",
      { type: "slow", delayMs: 0 },
      ...Array<Fault>(2).fill({ type: "rate-limit" }),
    );
    const run = await rollout({ "max-attempts": "2" });
    expect(run.code).toBe(1);
    expect(emulator.tasks).toHaveLength(1);
    expect(calls("BatchUpdateFirmware")).toBe(1);
    expect(run.outputs["task-id"]).toBeUndefined();
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain("a task may or may not exist");
  });
});

describe("clock skew", () => {
  it("still finds the task of a lost answer when the runner's clock is 20 minutes ahead", async () => {
    emulator.setClockSkew(-1200);
    emulator.script("BatchUpdateFirmware", { type: "lost-after-process" });
    const run = await rollout();
    expectOneTask(run);
    expect(calls("BatchUpdateFirmware")).toBe(1);
    expect(run.stdout).toContain(`task ${emulator.tasks[0]?.taskId} was created by it`);
  });

  it("signs again with the server's Date once, and says so", async () => {
    emulator.setClockSkew(-1200);
    const run = await rollout();
    expectOneTask(run);
    expect(run.stdout).toMatch(/::warning::The runner's clock is -?\d+ s off Tencent's/);
  });
});

describe("a task another rollout created meanwhile", () => {
  it("is not taken for this run's: the lookup checks how the task targets devices", async () => {
    emulator.script("BatchUpdateFirmware", { type: "reset-before" });
    const run = rollout({ "firmware-original-version": "", "device-names": "dev-001" });
    // While this run waits to look, another rollout of the same version starts, by version.
    await until(() => emulator.requests.some((r) => r.action === "BatchUpdateFirmware"));
    const other = await callApi(emulator, "BatchUpdateFirmware", {
      ProductID: SAMPLE_PRODUCT_ID,
      FirmwareVersion: "2.0.0",
      FirmwareOriVersion: "1.1.0",
    });
    expect(other.response?.["TaskId"]).toBe(1);
    const finished = await run;
    expect(finished.code).toBe(0);
    expect(emulator.tasks.map((t) => t.taskId)).toEqual([1, 2]);
    expect(finished.outputs["task-id"]).toBe("2");
    expect(emulator.tasks[1]?.deviceNames).toEqual(["dev-001"]);
    expect(finished.stdout).toContain("No task of this run appeared");
  });
});

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(done()).toBe(true);
}
