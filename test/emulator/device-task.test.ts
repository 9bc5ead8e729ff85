// CancelDeviceFirmwareTask and RetryDeviceFirmwareTask: one device of one task, stopped or
// started again; how a cancelled device reports, and which error each refusal answers.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  SAMPLE_PRODUCT_ID,
  startEmulator,
  type DeviceOutcome,
  type Emulator,
  type EmulatorOptions,
} from "./index.js";
import { callApi, errorCode } from "./test-client.js";

const BASE = { ProductID: SAMPLE_PRODUCT_ID, FirmwareVersion: "2.0.0" };
const ALREADY_DONE = "FailedOperation.DeviceFirmwareTaskAlreadDone";
const RUNNING_OTHER = "FailedOperation.DeviceRunningOtherOtaTask";
const NOT_EXIST = "ResourceNotFound.DeviceFirmwareTaskNotExist";

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(() => emu.close());

async function restart(options: EmulatorOptions) {
  await emu.close();
  emu = await startEmulator(options);
}

async function create(names: string[]): Promise<number> {
  const result = await callApi(emu, "BatchUpdateFirmware", { ...BASE, DeviceNames: names });
  expect(errorCode(result)).toBeUndefined();
  return result.response?.["TaskId"] as number;
}

/** One device's task with the device `steps` steps along its plan. */
async function deviceAt(outcome: DeviceOutcome, steps: number): Promise<number> {
  emu.planDevices({ "dev-001": outcome });
  const taskId = await create(["dev-001"]);
  emu.advance(taskId, steps);
  return taskId;
}

const cancel = (taskId: number, name = "dev-001", params: Record<string, unknown> = {}) =>
  callApi(emu, "CancelDeviceFirmwareTask", {
    ...BASE,
    DeviceName: name,
    TaskId: taskId,
    ...params,
  });
const retry = (taskId: number, name = "dev-001", params: Record<string, unknown> = {}) =>
  callApi(emu, "RetryDeviceFirmwareTask", { ...BASE, DeviceName: name, TaskId: taskId, ...params });

/** The device's row as DescribeFirmwareTaskDevices answers it (which takes no step). */
async function row(taskId: number, name = "dev-001") {
  const result = await callApi(emu, "DescribeFirmwareTaskDevices", { ...BASE, Limit: 100 });
  const rows = result.response?.["Devices"] as { TaskId: number; DeviceName: string }[];
  return rows.find((r) => r.TaskId === taskId && r.DeviceName === name);
}

/** One poll: the task's counts by status, as "status×total" strings. */
async function poll(taskId: number): Promise<string[]> {
  const params = { ...BASE, TaskId: taskId };
  const result = await callApi(emu, "DescribeFirmwareTaskDistribution", params);
  const infos = result.response?.["StatusInfos"] as { Status: number; Total: number }[];
  return infos.map((i) => `${i.Status}×${i.Total}`);
}

const taskStatus = (taskId: number) => emu.tasks.find((t) => t.taskId === taskId)?.status;
const version = (name: string) => emu.products.get(SAMPLE_PRODUCT_ID)?.devices[name]?.version;

describe("CancelDeviceFirmwareTask", () => {
  it.each<{ name: string; outcome: DeviceOutcome; steps: number; before: number; percent: number }>(
    [
      { name: "pending", outcome: "succeed", steps: 0, before: 1, percent: 0 },
      { name: "offline", outcome: "offline", steps: 3, before: 0, percent: 0 },
      {
        name: "awaiting confirmation",
        outcome: "await-confirmation",
        steps: 3,
        before: 8,
        percent: 0,
      },
      { name: "downloading", outcome: "stall", steps: 3, before: 3, percent: 50 },
    ],
  )("cancels a $name device: 5, ErrMsg cancelled, and it moves no more", async (c) => {
    const taskId = await deviceAt(c.outcome, c.steps);
    expect(emu.taskDevices(taskId)[0]?.status).toBe(c.before);
    const result = await cancel(taskId);
    expect(errorCode(result)).toBeUndefined();
    expect(Object.keys(result.response ?? {})).toEqual(["RequestId"]);
    emu.advance(taskId, 5);
    expect(await poll(taskId)).toEqual(["5×1"]);
    expect(await row(taskId)).toMatchObject({
      Status: 5,
      ErrMsg: "cancelled",
      Retcode: -1,
      Percent: c.percent,
    });
    expect(emu.taskDevices(taskId)[0]).toMatchObject({ cancelled: true, retries: 0 });
    expect(emu.taskDevices(taskId)[0]?.history.at(-1)).toBe(5);
    expect(taskStatus(taskId)).toBe(2);
    expect(version("dev-001")).toBe("1.0.0");
  });

  it.each<{ name: string; outcome: DeviceOutcome; steps: number }>([
    { name: "done (6)", outcome: "succeed", steps: 3 },
    { name: "failed (5)", outcome: "fail", steps: 2 },
    { name: "timed out (10)", outcome: "time-out", steps: 2 },
    { name: "up to date (5)", outcome: "up-to-date", steps: 0 },
  ])("refuses a device that is $name with AlreadDone", async ({ outcome, steps }) => {
    const taskId = await deviceAt(outcome, steps);
    const before = emu.taskDevices(taskId);
    expect(errorCode(await cancel(taskId))).toBe(ALREADY_DONE);
    expect(emu.taskDevices(taskId)).toEqual(before);
  });

  it("refuses a second cancel of the same device with AlreadDone", async () => {
    const taskId = await deviceAt("stall", 1);
    expect(errorCode(await cancel(taskId))).toBeUndefined();
    expect(errorCode(await cancel(taskId))).toBe(ALREADY_DONE);
  });

  it.each([
    { name: "a device the task lacks", device: "dev-002", params: {} },
    { name: "a device the product lacks", device: "ghost", params: {} },
    { name: "a task that does not exist", device: "dev-001", params: { TaskId: 99 } },
    { name: "another version's task", device: "dev-001", params: { FirmwareVersion: "1.1.0" } },
    { name: "an unregistered version", device: "dev-001", params: { FirmwareVersion: "9.9.9" } },
  ])("refuses $name with DeviceFirmwareTaskNotExist", async ({ device, params }) => {
    const taskId = await create(["dev-001"]);
    expect(errorCode(await cancel(taskId, device, params))).toBe(NOT_EXIST);
    expect(errorCode(await retry(taskId, device, params))).toBe(NOT_EXIST);
    expect(emu.taskDevices(taskId)[0]?.status).toBe(1);
  });

  it("refuses a TaskId that is not the device's unfinished task with RunningOtherOtaTask", async () => {
    emu.planDevices({ "dev-001": ["fail", "stall"] });
    const first = await create(["dev-001"]);
    emu.advance(first, 2);
    const second = await create(["dev-001"]);
    expect(errorCode(await cancel(first))).toBe(RUNNING_OTHER);
    expect(errorCode(await retry(first))).toBe(RUNNING_OTHER);
    // In its current task the cancel goes through; then the first task's device is simply done.
    expect(errorCode(await cancel(second))).toBeUndefined();
    expect(errorCode(await cancel(first))).toBe(ALREADY_DONE);
  });

  it("frees a cancelled device for a new task", async () => {
    const taskId = await deviceAt("stall", 1);
    const again = await callApi(emu, "BatchUpdateFirmware", { ...BASE, DeviceNames: ["dev-001"] });
    expect(errorCode(again)).toBe("FailedOperation.DeviceIsUpdating");
    expect(errorCode(await cancel(taskId))).toBeUndefined();
    emu.planDevices({ "dev-001": "succeed" });
    const next = await create(["dev-001"]);
    emu.advance(next, 3);
    expect(emu.taskDevices(next)[0]).toMatchObject({ status: 6, oriVersion: "1.0.0" });
    expect(version("dev-001")).toBe("2.0.0");
  });

  it("counts cancelled devices under 5 in the distribution; the rest go on", async () => {
    emu.planDevices({ "dev-003": "offline", "dev-004": "await-confirmation", "dev-005": "fail" });
    const taskId = await create(["dev-001", "dev-002", "dev-003", "dev-004", "dev-005"]);
    expect(await poll(taskId)).toEqual(["0×1", "3×3", "8×1"]);
    for (const name of ["dev-002", "dev-003", "dev-004"]) {
      expect(errorCode(await cancel(taskId, name))).toBeUndefined();
    }
    expect(taskStatus(taskId)).toBe(1);
    expect(await poll(taskId)).toEqual(["4×1", "5×4"]);
    expect(await poll(taskId)).toEqual(["5×4", "6×1"]);
    expect(taskStatus(taskId)).toBe(2);
    const cancelled = emu.taskDevices(taskId).filter((d) => d.cancelled);
    expect(cancelled.map((d) => d.deviceName)).toEqual(["dev-002", "dev-003", "dev-004"]);
  });

  it("records each call in requests", async () => {
    const taskId = await deviceAt("succeed", 3);
    await cancel(taskId);
    const calls = emu.requests.filter((r) => r.action === "CancelDeviceFirmwareTask");
    expect(calls).toMatchObject([
      { params: { DeviceName: "dev-001", TaskId: taskId }, errorCode: ALREADY_DONE },
    ]);
  });
});

describe("RetryDeviceFirmwareTask", () => {
  it("puts a failed device back to pending; it follows its plan's next outcome", async () => {
    emu.planDevices({ "dev-001": ["fail", "succeed"], "dev-002": "stall" });
    const taskId = await create(["dev-001", "dev-002"]);
    await poll(taskId);
    expect(await poll(taskId)).toEqual(["3×1", "5×1"]);
    expect(errorCode(await retry(taskId))).toBeUndefined();
    expect(await row(taskId)).toMatchObject({ Status: 1, ErrMsg: "", Retcode: 0, Percent: 0 });
    expect(await poll(taskId)).toEqual(["3×2"]);
    expect(await poll(taskId)).toEqual(["3×1", "4×1"]);
    expect(await poll(taskId)).toEqual(["3×1", "6×1"]);
    expect(emu.taskDevices(taskId)[0]).toMatchObject({
      status: 6,
      retries: 1,
      cancelled: false,
      history: [1, 3, 5, 1, 3, 4, 6],
    });
    expect(version("dev-001")).toBe("2.0.0");
  });

  it("runs a finished task again, and a single outcome again", async () => {
    const taskId = await deviceAt({ outcome: "time-out", errMsg: "no answer" }, 2);
    expect(taskStatus(taskId)).toBe(2);
    expect(errorCode(await retry(taskId))).toBeUndefined();
    expect(taskStatus(taskId)).toBe(1);
    emu.advance(taskId, 2);
    expect(emu.taskDevices(taskId)[0]).toMatchObject({ status: 10, errMsg: "no answer" });
    expect(taskStatus(taskId)).toBe(2);
  });

  it("retries a cancelled device", async () => {
    const taskId = await deviceAt("stall", 1);
    expect(errorCode(await cancel(taskId))).toBeUndefined();
    emu.planDevices({ "dev-001": "succeed" });
    expect(errorCode(await retry(taskId))).toBeUndefined();
    expect(emu.taskDevices(taskId)[0]).toMatchObject({ status: 1, cancelled: false });
    emu.advance(taskId, 3);
    expect(emu.taskDevices(taskId)[0]?.history).toEqual([1, 3, 5, 1, 3, 4, 6]);
  });

  it.each<{ name: string; outcome: DeviceOutcome; steps: number; code: string }>([
    { name: "done", outcome: "succeed", steps: 3, code: ALREADY_DONE },
    { name: "pending", outcome: "succeed", steps: 0, code: "InvalidParameterValue" },
    { name: "offline", outcome: "offline", steps: 2, code: "InvalidParameterValue" },
    {
      name: "awaiting confirmation",
      outcome: "await-confirmation",
      steps: 2,
      code: "InvalidParameterValue",
    },
  ])("refuses a device that is $name with $code", async ({ outcome, steps, code }) => {
    const taskId = await deviceAt(outcome, steps);
    const before = emu.taskDevices(taskId);
    expect(errorCode(await retry(taskId))).toBe(code);
    expect(emu.taskDevices(taskId)).toEqual(before);
  });

  it("counts steps from the retry when steps follow the clock", async () => {
    await restart({ deviceStepMs: 60_000, devicePlans: { "dev-001": "fail" } });
    const taskId = await create(["dev-001"]);
    emu.advance(taskId, 2);
    expect(errorCode(await retry(taskId))).toBeUndefined();
    expect(emu.taskDevices(taskId)[0]?.status).toBe(1);
    emu.advance(taskId, 1);
    expect(emu.taskDevices(taskId)[0]?.status).toBe(3);
  });
});

describe("both actions' parameters", () => {
  it.each([
    { params: { DeviceName: undefined }, code: "MissingParameter" },
    { params: { TaskId: "1" }, code: "InvalidParameter" },
    { params: { TaskId: -1 }, code: "InvalidParameter" },
    { params: { DeviceNames: ["dev-001"] }, code: "UnknownParameter" },
    { params: { DeviceName: "" }, code: "InvalidParameterValue" },
    { params: { FirmwareVersion: "" }, code: "InvalidParameterValue" },
    { params: { TaskId: 0 }, code: "InvalidParameterValue" },
    { params: { ProductID: "NOPE" }, code: "ResourceNotFound.ProductNotExist" },
  ])("refuse $params with $code", async ({ params, code }) => {
    const taskId = await deviceAt("fail", 2);
    expect(errorCode(await cancel(taskId, "dev-001", params))).toBe(code);
    expect(errorCode(await retry(taskId, "dev-001", params))).toBe(code);
    expect(emu.taskDevices(taskId)[0]).toMatchObject({ status: 5, retries: 0 });
  });
});
