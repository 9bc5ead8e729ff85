// DescribeFirmwareTaskDevices (rows of every task, paged), DescribeFirmware and
// GetAllFirmwareVersion.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { productSeed, SAMPLE_PRODUCT_ID, startEmulator, type Emulator } from "./index.js";
import { callApi, errorCode } from "./test-client.js";

const BIG = "BIGPRODUCT";
const V2 = { ProductID: BIG, FirmwareVersion: "2.0.0" };
const names = (parity: 0 | 1) =>
  Array.from({ length: 125 }, (_, i) => `dev-${String(2 * i + 2 - parity).padStart(3, "0")}`);

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    products: {
      [BIG]: productSeed({ deviceCount: 250 }),
      [SAMPLE_PRODUCT_ID]: productSeed({
        firmwareMd5: { "1.1.0": "0123456789abcdef0123456789abcdef" },
      }),
    },
  });
  // Task 1 takes the odd devices, task 2 the even ones: same product, same version.
  for (const parity of [1, 0] as const) {
    const created = await callApi(emu, "BatchUpdateFirmware", {
      ...V2,
      DeviceNames: names(parity),
    });
    const code = errorCode(created);
    if (code !== undefined) throw new Error(`seeding task ${2 - parity} failed: ${code}`);
  }
});
afterAll(() => emu.close());

interface Row {
  DeviceName: string;
  TaskId: number;
}

async function page(params: Record<string, unknown>) {
  const result = await callApi(emu, "DescribeFirmwareTaskDevices", { ...V2, ...params });
  expect(errorCode(result)).toBeUndefined();
  return result.response as unknown as { Total: number; Devices: Row[] };
}

describe("DescribeFirmwareTaskDevices", () => {
  it("pages 250 rows of two tasks, newest task first; a client picks its task by TaskId", async () => {
    const pages = [];
    for (const Offset of [0, 100, 200]) pages.push(await page({ Offset, Limit: 100 }));
    expect(pages.map((p) => [p.Total, p.Devices.length])).toEqual([
      [250, 100],
      [250, 100],
      [250, 50],
    ]);
    // The middle page holds rows of both tasks.
    expect(new Set(pages[1]?.Devices.map((d) => d.TaskId))).toEqual(new Set([1, 2]));
    const rows = pages.flatMap((p) => p.Devices);
    expect(rows.slice(0, 125).every((d) => d.TaskId === 2)).toBe(true);
    const of = (taskId: number) => rows.filter((d) => d.TaskId === taskId).map((d) => d.DeviceName);
    expect(of(1)).toEqual(names(1));
    expect(of(2)).toEqual(names(0));
  });

  it("answers 50 rows by default, and none past the end", async () => {
    expect((await page({})).Devices).toHaveLength(50);
    expect(await page({ Offset: 250 })).toEqual(
      expect.objectContaining({ Total: 250, Devices: [] }),
    );
  });

  it("lists every version's rows without FirmwareVersion, and none of a version with no task", async () => {
    expect((await page({ FirmwareVersion: undefined })).Total).toBe(250);
    expect((await page({ FirmwareVersion: "1.1.0" })).Total).toBe(0);
  });

  it("type-checks Filters but does not apply them (their keys are undocumented)", async () => {
    expect((await page({ Filters: [{ Key: "TaskId", Value: "1" }] })).Total).toBe(250);
    const bad = await callApi(emu, "DescribeFirmwareTaskDevices", { ...V2, Filters: ["TaskId"] });
    expect(errorCode(bad)).toBe("InvalidParameter");
  });

  it.each([
    { params: { Limit: 101 }, code: "InvalidParameterValue" },
    { params: { Limit: 0 }, code: "InvalidParameterValue" },
    { params: { Offset: -1 }, code: "InvalidParameter" },
    { params: { TaskId: 1 }, code: "UnknownParameter" },
    { params: { FirmwareVersion: "9.9.9" }, code: "ResourceNotFound.FirmwareNotExist" },
    { params: { ProductID: "NOPE" }, code: "ResourceNotFound.ProductNotExist" },
  ])("refuses $params with $code", async ({ params, code }) => {
    const result = await callApi(emu, "DescribeFirmwareTaskDevices", { ...V2, ...params });
    expect(errorCode(result)).toBe(code);
  });
});

describe("DescribeFirmwareTaskDistribution", () => {
  it.each([
    { params: { TaskId: 99 }, code: "ResourceNotFound.FirmwareTaskNotExist" },
    {
      params: { TaskId: 1, FirmwareVersion: "1.1.0" },
      code: "ResourceNotFound.FirmwareTaskNotExist",
    },
    { params: { TaskId: 1, ProductID: "NOPE" }, code: "ResourceNotFound.ProductNotExist" },
    { params: {}, code: "MissingParameter" },
    { params: { TaskId: "1" }, code: "InvalidParameter" },
  ])("refuses $params with $code", async ({ params, code }) => {
    const result = await callApi(emu, "DescribeFirmwareTaskDistribution", { ...V2, ...params });
    expect(errorCode(result)).toBe(code);
  });
});

describe("DescribeFirmware and GetAllFirmwareVersion", () => {
  const md5 = (text: string) => createHash("md5").update(text).digest("hex");

  it("describes a registered version, with the MD5 of firmware-<version> by default", async () => {
    const result = await callApi(emu, "DescribeFirmware", V2);
    expect(result.response).toMatchObject({
      Version: "2.0.0",
      ProductId: BIG,
      ProductName: BIG,
      Name: expect.any(String),
      Description: expect.any(String),
      Md5sum: md5("firmware-2.0.0"),
      Createtime: expect.any(Number),
    });
  });

  it("answers the seed's MD5 where it gives one", async () => {
    const params = { ProductID: SAMPLE_PRODUCT_ID, FirmwareVersion: "1.1.0" };
    const result = await callApi(emu, "DescribeFirmware", params);
    expect(result.response?.["Md5sum"]).toBe("0123456789abcdef0123456789abcdef");
  });

  it.each([
    { params: { FirmwareVersion: "9.9.9" }, code: "ResourceNotFound.FirmwareNotExist" },
    { params: { ProductID: "NOPE" }, code: "ResourceNotFound.ProductNotExist" },
    { params: { FirmwareVersion: undefined }, code: "MissingParameter" },
  ])("refuses $params with $code", async ({ params, code }) => {
    expect(errorCode(await callApi(emu, "DescribeFirmware", { ...V2, ...params }))).toBe(code);
  });

  it("lists the product's versions", async () => {
    const result = await callApi(emu, "GetAllFirmwareVersion", { ProductID: BIG });
    expect(result.response?.["Version"]).toEqual(["1.0.0", "1.1.0", "2.0.0"]);
    const nope = await callApi(emu, "GetAllFirmwareVersion", { ProductID: "NOPE" });
    expect(errorCode(nope)).toBe("ResourceNotFound.ProductNotExist");
    const extra = await callApi(emu, "GetAllFirmwareVersion", V2);
    expect(errorCode(extra)).toBe("UnknownParameter");
  });
});
