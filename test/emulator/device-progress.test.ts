// Devices move through their plan's statuses: one step per DescribeFirmwareTaskDistribution
// call by default, or by the clock with deviceStepMs; finished devices are on the new version.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  SAMPLE_PRODUCT_ID,
  startEmulator,
  type DeviceOutcome,
  type Emulator,
  type EmulatorOptions,
} from "./index.js";
import { callApi, errorCode } from "./test-client.js";

const BASE = { ProductID: SAMPLE_PRODUCT_ID, FirmwareVersion: "2.0.0" };

interface Row {
  DeviceName: string;
  TaskId: number;
  Status: number;
  ErrMsg: string;
  Retcode: number;
  Percent: number;
  OriVersion: string;
  DstVersion: string;
  LastProcessTime: number;
}

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(() => emu.close());

async function restart(options: EmulatorOptions) {
  await emu.close();
  emu = await startEmulator(options);
}

async function create(params: Record<string, unknown>): Promise<number> {
  const result = await callApi(emu, "BatchUpdateFirmware", { ...BASE, ...params });
  expect(errorCode(result)).toBeUndefined();
  return result.response?.["TaskId"] as number;
}

/** One poll: the task's counts by status, as "status×total" strings. */
async function poll(taskId: number): Promise<string[]> {
  const result = await callApi(emu, "DescribeFirmwareTaskDistribution", {
    ...BASE,
    TaskId: taskId,
  });
  expect(errorCode(result)).toBeUndefined();
  const infos = result.response?.["StatusInfos"] as { Status: number; Total: number }[];
  return infos.map((i) => `${i.Status}×${i.Total}`);
}

/** The device's row in a task (DescribeFirmwareTaskDevices takes no step). */
async function row(taskId: number, name: string): Promise<Row | undefined> {
  const result = await callApi(emu, "DescribeFirmwareTaskDevices", { ...BASE, Limit: 100 });
  const rows = result.response?.["Devices"] as Row[];
  return rows.find((r) => r.TaskId === taskId && r.DeviceName === name);
}

async function taskStatus(taskId: number): Promise<unknown> {
  const result = await callApi(emu, "DescribeFirmwareTask", { ...BASE, TaskId: taskId });
  return result.response?.["Status"];
}

/** The statuses one device shows: on creation, then after each of `polls` polls. */
async function sequence(outcome: DeviceOutcome, polls: number): Promise<number[]> {
  emu.planDevices({ "dev-001": outcome });
  const taskId = await create({ DeviceNames: ["dev-001"] });
  const seen = [(await row(taskId, "dev-001"))?.Status ?? -1];
  for (let i = 0; i < polls; i++) {
    const [only] = await poll(taskId);
    seen.push(Number(only?.split("×")[0]));
  }
  return seen;
}

describe("each outcome's statuses, one step per poll", () => {
  it.each<[DeviceOutcome, number[]]>([
    ["succeed", [1, 3, 4, 6, 6]],
    ["fail", [1, 3, 5, 5]],
    ["time-out", [1, 3, 10, 10]],
    ["offline", [0, 0, 0, 0]],
    ["await-confirmation", [1, 8, 8, 8]],
    ["up-to-date", [5, 5]],
    ["stall", [1, 3, 3, 3, 3, 3, 3]],
  ])("%s: %j", async (outcome, expected) => {
    expect(await sequence(outcome, expected.length - 1)).toEqual(expected);
  });

  it("reports what a finished device says: ErrMsg, Retcode, Percent, versions", async () => {
    emu.planDevices({
      "dev-002": "fail",
      "dev-003": "time-out",
      "dev-004": { outcome: "fail", errMsg: "flash error", retcode: 7 },
      "dev-005": "up-to-date",
    });
    const names = ["dev-001", "dev-002", "dev-003", "dev-004", "dev-005"];
    const taskId = await create({ DeviceNames: names });
    expect(await row(taskId, "dev-001")).toMatchObject({ Status: 1, Percent: 0, ErrMsg: "" });
    for (let i = 0; i < 3; i++) await poll(taskId);
    const rows = await Promise.all(names.map((name) => row(taskId, name)));
    const common = { OriVersion: "1.0.0", DstVersion: "2.0.0", TaskId: taskId };
    expect(rows).toMatchObject([
      { ...common, Status: 6, ErrMsg: "", Retcode: 0, Percent: 100 },
      { ...common, Status: 5, ErrMsg: "download failed", Retcode: -1, Percent: 50 },
      { ...common, Status: 10, ErrMsg: "upgrade timed out", Retcode: -1, Percent: 50 },
      { ...common, Status: 5, ErrMsg: "flash error", Retcode: 7, Percent: 50 },
      { ...common, Status: 5, ErrMsg: "firmware no need update.", Retcode: 0, Percent: 0 },
    ]);
    const now = Math.floor(Date.now() / 1000);
    for (const r of rows) expect(Math.abs((r?.LastProcessTime ?? 0) - now)).toBeLessThanOrEqual(2);
  });

  it("takes no step on the clock alone, nor on other reads", async () => {
    const taskId = await create({ DeviceNames: ["dev-001"] });
    await new Promise((resolve) => setTimeout(resolve, 30));
    await taskStatus(taskId);
    await row(taskId, "dev-001");
    expect(emu.taskDevices(taskId)[0]?.status).toBe(1);
    expect(await poll(taskId)).toEqual(["3×1"]);
  });
});

describe("tasks and their devices over time", () => {
  it("counts a mixed task by status; Status stays 1 while any device is not terminal", async () => {
    emu.planDevices({
      "dev-002": "fail",
      "dev-003": "offline",
      "dev-004": "await-confirmation",
      "dev-005": "stall",
    });
    const taskId = await create({ FirmwareOriVersion: "1.0.0" });
    expect(await poll(taskId)).toEqual(["0×1", "3×3", "8×1"]);
    expect(await poll(taskId)).toEqual(["0×1", "3×1", "4×1", "5×1", "8×1"]);
    expect(await poll(taskId)).toEqual(["0×1", "3×1", "5×1", "6×1", "8×1"]);
    expect(await taskStatus(taskId)).toBe(1);
  });

  it("finishes a task (Status 2) once every device is terminal", async () => {
    emu.planDevices({ "dev-002": "fail", "dev-003": "time-out", "dev-004": "up-to-date" });
    const taskId = await create({ FirmwareOriVersion: "1.0.0" });
    await poll(taskId);
    await poll(taskId);
    expect(await taskStatus(taskId)).toBe(1);
    expect(await poll(taskId)).toEqual(["5×2", "6×2", "10×1"]);
    expect(await taskStatus(taskId)).toBe(2);
    const list = await callApi(emu, "DescribeFirmwareTasks", BASE);
    expect(list.response).toMatchObject({ TaskInfos: [{ TaskId: taskId, Status: 2 }] });
  });

  it("puts a device that finished on the new version; a device already on it is up to date", async () => {
    const first = await create({ DeviceNames: ["dev-001"] });
    emu.advance(first, 3);
    expect(emu.products.get(SAMPLE_PRODUCT_ID)?.devices["dev-001"]?.version).toBe("2.0.0");
    const byVersion = await create({ FirmwareOriVersion: "1.0.0" });
    expect(emu.taskDevices(byVersion).map((d) => d.deviceName)).not.toContain("dev-001");
    const again = await create({ FirmwareVersion: "2.0.0", DeviceNames: ["dev-001"] });
    expect(emu.taskDevices(again)).toMatchObject([
      { status: 5, errMsg: "firmware no need update.", oriVersion: "2.0.0" },
    ]);
  });

  it("leaves failed devices on their version", async () => {
    emu.planDevices({ "dev-001": "fail" });
    emu.advance(await create({ DeviceNames: ["dev-001"] }), 5);
    expect(emu.products.get(SAMPLE_PRODUCT_ID)?.devices["dev-001"]?.version).toBe("1.0.0");
  });

  it("gives a listed plan's outcomes to successive tasks, the last one repeating", async () => {
    emu.planDevices({ "dev-001": ["fail", "time-out", "succeed"] });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const taskId = await create({ DeviceNames: ["dev-001"] });
      emu.advance(taskId, 3);
      statuses.push(emu.taskDevices(taskId)[0]?.status ?? -1);
    }
    // A plan overrides "up-to-date": the fourth task succeeds again on a device already on 2.0.0.
    expect(statuses).toEqual([5, 10, 6, 6]);
  });

  it("keeps a task's plans when planDevices changes them later", async () => {
    const taskId = await create({ DeviceNames: ["dev-001"] });
    emu.planDevices({ "dev-001": "fail" });
    emu.advance(taskId, 3);
    expect(emu.taskDevices(taskId)[0]?.status).toBe(6);
  });

  it("refuses plans it does not know", () => {
    expect(() => emu.planDevices({ "dev-001": "explode" as DeviceOutcome })).toThrow(/explode/);
    expect(() => emu.planDevices({ "dev-001": [] })).toThrow(/dev-001/);
    expect(() => emu.advance(99)).toThrow(/no task 99/);
  });
});

describe("DeviceIsUpdating follows the devices", () => {
  it.each<DeviceOutcome>(["offline", "await-confirmation", "stall"])(
    "a device that stays %s is still in its task",
    async (outcome) => {
      emu.planDevices({ "dev-001": outcome });
      emu.advance(await create({ DeviceNames: ["dev-001"] }), 10);
      const again = await callApi(emu, "BatchUpdateFirmware", {
        ...BASE,
        DeviceNames: ["dev-001"],
      });
      expect(errorCode(again)).toBe("FailedOperation.DeviceIsUpdating");
    },
  );

  it("a device that failed may be sent again while the rest of its task runs", async () => {
    emu.planDevices({ "dev-001": "fail", "dev-002": "stall" });
    const taskId = await create({ DeviceNames: ["dev-001", "dev-002"] });
    await poll(taskId);
    const early = await callApi(emu, "BatchUpdateFirmware", { ...BASE, DeviceNames: ["dev-001"] });
    expect(errorCode(early)).toBe("FailedOperation.DeviceIsUpdating");
    await poll(taskId);
    emu.planDevices({ "dev-001": "succeed" });
    expect(await create({ DeviceNames: ["dev-001"] })).toBe(taskId + 1);
    const stalled = await callApi(emu, "BatchUpdateFirmware", {
      ...BASE,
      DeviceNames: ["dev-002"],
    });
    expect(errorCode(stalled)).toBe("FailedOperation.DeviceIsUpdating");
  });
});

describe("steps by the clock (deviceStepMs)", () => {
  it("moves devices on with the clock, and polls take no steps", async () => {
    // Date alone is faked (sockets and timers stay real): the clock moves only when the test
    // moves it, so however slowly a busy machine serves the polls, they fall in the first step.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      await restart({ deviceStepMs: 500, devicePlans: { "dev-002": "fail" } });
      const taskId = await create({ DeviceNames: ["dev-001", "dev-002"] });
      expect(await poll(taskId)).toEqual(["1×2"]);
      expect(await poll(taskId)).toEqual(["1×2"]);
      vi.advanceTimersByTime(1700);
      expect(await poll(taskId)).toEqual(["5×1", "6×1"]);
      expect(emu.tasks[0]?.status).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("still takes extra steps on advance", async () => {
    await restart({ deviceStepMs: 60_000 });
    const taskId = await create({ DeviceNames: ["dev-001"] });
    emu.advance(taskId, 2);
    expect(await poll(taskId)).toEqual(["4×1"]);
  });

  it("refuses a step that is not a positive number of ms", async () => {
    await expect(startEmulator({ deviceStepMs: 0 })).rejects.toThrow(/deviceStepMs/);
  });
});
