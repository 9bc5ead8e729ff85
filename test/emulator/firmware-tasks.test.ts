// BatchUpdateFirmware's rules and the two Describe actions that follow a task.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_PRODUCT_ID, startEmulator, type Emulator } from "./index.js";
import { callApi, errorCode } from "./test-client.js";

const BASE = { ProductID: SAMPLE_PRODUCT_ID, FirmwareVersion: "2.0.0" };

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(() => emu.close());

const update = (params: Record<string, unknown>) => callApi(emu, "BatchUpdateFirmware", params);

describe("BatchUpdateFirmware", () => {
  it.each([
    {
      name: "unknown product",
      params: { ...BASE, ProductID: "NOPE", FirmwareOriVersion: "1.0.0" },
      code: "ResourceNotFound.ProductNotExist",
    },
    {
      name: "unregistered firmware",
      params: { ...BASE, FirmwareVersion: "9.9.9", FirmwareOriVersion: "1.0.0" },
      code: "ResourceNotFound.FirmwareNotExist",
    },
    { name: "no target form", params: BASE, code: "InvalidParameterValue" },
    {
      name: "a device-list file with names",
      params: { ...BASE, FileName: "x", FileMd5: "0".repeat(32), FileSize: 1, DeviceNames: ["a"] },
      code: "InvalidParameterValue",
    },
    {
      name: "a device-list file with an original version",
      params: {
        ...BASE,
        FileName: "x",
        FileMd5: "0".repeat(32),
        FileSize: 1,
        FirmwareOriVersion: "1.0.0",
      },
      code: "InvalidParameterValue",
    },
    {
      name: "names with an original version, one the product lacks",
      params: { ...BASE, FirmwareOriVersion: "1.0.0", DeviceNames: ["dev-001", "ghost"] },
      code: "InvalidParameterValue",
    },
    {
      name: "FileName without FileMd5/FileSize",
      params: { ...BASE, FileName: "x" },
      code: "InvalidParameterValue",
    },
    {
      name: "empty DeviceNames",
      params: { ...BASE, DeviceNames: [] },
      code: "InvalidParameterValue",
    },
    {
      name: "a device the product lacks",
      params: { ...BASE, DeviceNames: ["dev-001", "ghost"] },
      code: "InvalidParameterValue",
    },
  ])("refuses $name with $code", async ({ params, code }) => {
    expect(errorCode(await update(params))).toBe(code);
    expect(emu.tasks).toEqual([]);
  });

  it("records a task per target form with the server's clock", async () => {
    emu.setClockSkew(100);
    const t0 = Math.floor(Date.now() / 1000) + 100;
    await update({ ...BASE, DeviceNames: ["dev-001"], UpgradeMethod: 1 });
    await update({ ...BASE, FirmwareVersion: "1.1.0", FirmwareOriVersion: "1.0.5" });
    expect(emu.tasks).toEqual([
      {
        taskId: 1,
        productId: SAMPLE_PRODUCT_ID,
        firmwareVersion: "2.0.0",
        upgradeMethod: 1,
        createTime: expect.any(Number),
        deviceNames: ["dev-001"],
        status: 1,
      },
      {
        taskId: 2,
        productId: SAMPLE_PRODUCT_ID,
        firmwareVersion: "1.1.0",
        upgradeMethod: 0,
        createTime: expect.any(Number),
        originalVersion: "1.0.5",
        // No device is on 1.0.5: a task of no devices has nothing left to do.
        status: 2,
      },
    ]);
    expect(Math.abs((emu.tasks[0]?.createTime ?? 0) - t0)).toBeLessThanOrEqual(2);
  });

  it("answers DeviceIsUpdating while a device's task runs, and not once it finished", async () => {
    expect(errorCode(await update({ ...BASE, DeviceNames: ["dev-002"] }))).toBeUndefined();
    expect(errorCode(await update({ ...BASE, DeviceNames: ["dev-003", "dev-002"] }))).toBe(
      "FailedOperation.DeviceIsUpdating",
    );
    expect(errorCode(await update({ ...BASE, FirmwareOriVersion: "1.0.0" }))).toBe(
      "FailedOperation.DeviceIsUpdating",
    );
    emu.advance(1, 3); // pending → downloading → flashing → done
    expect(emu.tasks[0]?.status).toBe(2);
    // dev-002 is on 2.0.0 now, so "by original version" is the other four.
    expect(errorCode(await update({ ...BASE, FirmwareOriVersion: "1.0.0" }))).toBeUndefined();
    expect(emu.tasks).toHaveLength(2);
    expect(emu.taskDevices(2).map((d) => d.deviceName)).toEqual([
      "dev-001",
      "dev-003",
      "dev-004",
      "dev-005",
    ]);
  });

  it("with names and an original version, takes the named devices on that version", async () => {
    await emu.close();
    emu = await startEmulator({
      products: {
        P: {
          firmwareVersions: ["1.0.0", "1.1.0", "2.0.0"],
          devices: { a: { version: "1.0.0" }, b: { version: "1.1.0" }, c: { version: "1.0.0" } },
        },
      },
    });
    const both = { ProductID: "P", FirmwareVersion: "2.0.0", FirmwareOriVersion: "1.0.0" };
    expect(errorCode(await update({ ...both, DeviceNames: ["a", "b"] }))).toBeUndefined();
    expect(emu.taskDevices(1).map((d) => d.deviceName)).toEqual(["a"]);
    expect(emu.tasks[0]).toMatchObject({ deviceNames: ["a", "b"], originalVersion: "1.0.0" });
    const one = await callApi(emu, "DescribeFirmwareTask", {
      ProductID: "P",
      FirmwareVersion: "2.0.0",
      TaskId: 1,
    });
    expect(one.response).toMatchObject({ UpgradeMode: "devicenames", OriginalVersion: "1.0.0" });
    // b is on another version, so it is free; a is in task 1.
    expect(errorCode(await update({ ...both, DeviceNames: ["b"] }))).toBeUndefined();
    expect(emu.taskDevices(2)).toEqual([]);
    expect(emu.tasks[1]?.status).toBe(2);
    expect(errorCode(await update({ ...both, DeviceNames: ["c", "a"] }))).toBe(
      "FailedOperation.DeviceIsUpdating",
    );
  });

  it("uses a custom product seed", async () => {
    await emu.close();
    emu = await startEmulator({
      products: { P2: { firmwareVersions: ["3.0"], devices: { cam: { version: "2.9" } } } },
    });
    const result = await update({ ProductID: "P2", FirmwareVersion: "3.0", DeviceNames: ["cam"] });
    expect(result.response?.["TaskId"]).toBe(1);
    expect(errorCode(await update({ ...BASE, FirmwareOriVersion: "1.0.0" }))).toBe(
      "ResourceNotFound.ProductNotExist",
    );
  });
});

describe("DescribeFirmwareTasks and DescribeFirmwareTask", () => {
  beforeEach(async () => {
    for (const name of ["dev-001", "dev-002", "dev-003"])
      await update({ ...BASE, DeviceNames: [name] });
    await update({ ...BASE, FirmwareVersion: "1.1.0", DeviceNames: ["dev-004"] });
  });

  it("lists a version's tasks newest first, paged", async () => {
    const all = await callApi(emu, "DescribeFirmwareTasks", BASE);
    expect(all.response).toMatchObject({ Total: 3 });
    const ids = (all.response?.["TaskInfos"] as { TaskId: number }[]).map((t) => t.TaskId);
    expect(ids).toEqual([3, 2, 1]);
    const page = await callApi(emu, "DescribeFirmwareTasks", { ...BASE, Offset: 1, Limit: 1 });
    expect(page.response).toMatchObject({
      Total: 3,
      TaskInfos: [{ TaskId: 2, Status: 1, Type: 1, CreateTime: emu.tasks[1]?.createTime }],
    });
  });

  it("describes one task", async () => {
    const one = await callApi(emu, "DescribeFirmwareTask", { ...BASE, TaskId: 2 });
    expect(one.response).toMatchObject({
      TaskId: 2,
      Status: 1,
      Type: 1,
      ProductId: SAMPLE_PRODUCT_ID,
      ProductName: SAMPLE_PRODUCT_ID,
      UpgradeMode: "devicenames",
      OriginalVersion: null,
    });
  });

  it("answers FirmwareTaskNotExist for a task of another version or none", async () => {
    for (const params of [
      { ...BASE, TaskId: 99 },
      { ...BASE, FirmwareVersion: "1.1.0", TaskId: 1 },
    ]) {
      const result = await callApi(emu, "DescribeFirmwareTask", params);
      expect(errorCode(result)).toBe("ResourceNotFound.FirmwareTaskNotExist");
    }
  });
});
