// Parameter checks: unknown names, missing ones and wire types, per action.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_PRODUCT_ID, startEmulator, type Emulator } from "./index.js";
import { callApi } from "./test-client.js";

const BASE = { ProductID: SAMPLE_PRODUCT_ID, FirmwareVersion: "2.0.0" };

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

interface Case {
  name: string;
  action?: string;
  params: Record<string, unknown>;
  code: string;
  mentions?: string;
}

const cases: Case[] = [
  {
    name: "TimeoutInterval (other versions only)",
    params: { ...BASE, FirmwareOriVersion: "1.0.0", TimeoutInterval: 60 },
    code: "UnknownParameter",
    mentions: "TimeoutInterval",
  },
  {
    name: "Type",
    params: { ...BASE, FirmwareOriVersion: "1.0.0", Type: 1 },
    code: "UnknownParameter",
    mentions: "Type",
  },
  {
    name: "OverrideMode",
    params: { ...BASE, FirmwareOriVersion: "1.0.0", OverrideMode: 1 },
    code: "UnknownParameter",
    mentions: "OverrideMode",
  },
  {
    name: "ProductId spelled the CreateTaskFileUrl way",
    params: { ProductId: SAMPLE_PRODUCT_ID, FirmwareVersion: "2.0.0" },
    code: "UnknownParameter",
    mentions: "ProductId",
  },
  {
    name: "no ProductID",
    params: { FirmwareVersion: "2.0.0", FirmwareOriVersion: "1.0.0" },
    code: "MissingParameter",
    mentions: "ProductID",
  },
  {
    name: "no FirmwareVersion",
    params: { ProductID: SAMPLE_PRODUCT_ID, FirmwareOriVersion: "1.0.0" },
    code: "MissingParameter",
    mentions: "FirmwareVersion",
  },
  {
    name: "UpgradeMethod as a string",
    params: { ...BASE, FirmwareOriVersion: "1.0.0", UpgradeMethod: "0" },
    code: "InvalidParameter",
    mentions: "UpgradeMethod",
  },
  {
    name: "UpgradeMethod 2",
    params: { ...BASE, FirmwareOriVersion: "1.0.0", UpgradeMethod: 2 },
    code: "InvalidParameterValue",
  },
  {
    name: "FileSize as a string",
    params: { ...BASE, FileName: "f", FileMd5: "0", FileSize: "12" },
    code: "InvalidParameter",
    mentions: "FileSize",
  },
  {
    name: "FileSize negative",
    params: { ...BASE, FileName: "f", FileMd5: "0", FileSize: -1 },
    code: "InvalidParameter",
    mentions: "FileSize",
  },
  {
    name: "FileSize fractional",
    params: { ...BASE, FileName: "f", FileMd5: "0", FileSize: 1.5 },
    code: "InvalidParameter",
    mentions: "FileSize",
  },
  {
    name: "DeviceNames as a string",
    params: { ...BASE, DeviceNames: "dev-001" },
    code: "InvalidParameter",
    mentions: "DeviceNames",
  },
  {
    name: "DeviceNames with a number",
    params: { ...BASE, DeviceNames: ["dev-001", 2] },
    code: "InvalidParameter",
    mentions: "DeviceNames",
  },
  {
    name: "ProductID as a number",
    params: { ...BASE, ProductID: 7, FirmwareOriVersion: "1.0.0" },
    code: "InvalidParameter",
    mentions: "ProductID",
  },
  {
    name: "FirmwareOriVersion null",
    params: { ...BASE, FirmwareOriVersion: null },
    code: "InvalidParameter",
    mentions: "FirmwareOriVersion",
  },
  {
    name: "TaskId as a string",
    action: "DescribeFirmwareTask",
    params: { ...BASE, TaskId: "1" },
    code: "InvalidParameter",
    mentions: "TaskId",
  },
  {
    name: "no TaskId",
    action: "DescribeFirmwareTask",
    params: BASE,
    code: "MissingParameter",
    mentions: "TaskId",
  },
  {
    name: "Filters in the AWS shape",
    action: "DescribeFirmwareTasks",
    params: { ...BASE, Filters: [{ Name: "x", Values: ["y"] }] },
    code: "UnknownParameter",
    mentions: "Filters.0.Name",
  },
  {
    name: "Limit 101",
    action: "DescribeFirmwareTasks",
    params: { ...BASE, Limit: 101 },
    code: "InvalidParameterValue",
  },
  {
    name: "ProductID on CreateTaskFileUrl",
    action: "CreateTaskFileUrl",
    params: { ProductID: SAMPLE_PRODUCT_ID },
    code: "UnknownParameter",
    mentions: "ProductID",
  },
];

describe("parameter checks", () => {
  it.each(cases)("$name → $code", async ({ action, params, code, mentions }) => {
    const result = await callApi(emu, action ?? "BatchUpdateFirmware", params);
    expect(result.response?.Error?.Code).toBe(code);
    expect(result.response?.Error?.Message ?? "").toContain(mentions ?? "");
    expect(emu.tasks).toEqual([]);
  });

  it("accepts Filters of Tencent's SearchKeyword shape", async () => {
    const params = { ...BASE, Filters: [{ Key: "Status", Value: "1" }] };
    const result = await callApi(emu, "DescribeFirmwareTasks", params);
    expect(result.response).toMatchObject({ Total: 0, TaskInfos: [] });
  });
});
