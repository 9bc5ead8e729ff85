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
      name: "two target forms",
      params: { ...BASE, FirmwareOriVersion: "1.0.0", DeviceNames: ["dev-001"] },
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
        status: 1,
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
    (emu.tasks[0] as { status: number }).status = 2; // any status but 1 counts as finished
    expect(errorCode(await update({ ...BASE, FirmwareOriVersion: "1.0.0" }))).toBeUndefined();
    expect(emu.tasks).toHaveLength(2);
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
