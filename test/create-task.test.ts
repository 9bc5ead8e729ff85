import { describe, expect, it } from "vitest";
import { matchesRequest } from "../src/task/lookup.js";
import type { BatchUpdateFirmwareRequest, TaskDetail } from "../src/tencent/iotvideo/tasks.js";

const BASE = { ProductID: "P", FirmwareVersion: "2.0.0" };
const BY_VERSION: BatchUpdateFirmwareRequest = { ...BASE, FirmwareOriVersion: "1.0.0" };
const BY_NAMES: BatchUpdateFirmwareRequest = { ...BASE, DeviceNames: ["d1"] };
const BY_BOTH: BatchUpdateFirmwareRequest = { ...BY_NAMES, FirmwareOriVersion: "1.0.0" };
const BY_FILE: BatchUpdateFirmwareRequest = { ...BASE, FileName: "f", FileMd5: "m", FileSize: 1 };

// Which tasks found after a lost answer can be this run's, from what DescribeFirmwareTask says.
describe("matchesRequest", () => {
  it.each<{ name: string; detail: TaskDetail; request: BatchUpdateFirmwareRequest; ours: boolean }>(
    [
      { name: "no mode answered", detail: {}, request: BY_NAMES, ours: true },
      {
        name: "by version, same version",
        detail: { upgradeMode: "originalVersion", originalVersion: "1.0.0" },
        request: BY_VERSION,
        ours: true,
      },
      {
        name: "by version, other version",
        detail: { upgradeMode: "originalVersion", originalVersion: "1.1.0" },
        request: BY_VERSION,
        ours: false,
      },
      {
        name: "by version, task by names",
        detail: { upgradeMode: "devicenames" },
        request: BY_VERSION,
        ours: false,
      },
      {
        name: "by names, task by names",
        detail: { upgradeMode: "devicenames" },
        request: BY_NAMES,
        ours: true,
      },
      {
        name: "by names, task by version",
        detail: { upgradeMode: "originalVersion", originalVersion: "1.0.0" },
        request: BY_NAMES,
        ours: false,
      },
      {
        name: "names and version, task by names",
        detail: { upgradeMode: "devicenames" },
        request: BY_BOTH,
        ours: true,
      },
      {
        name: "names and version, task by version",
        detail: { upgradeMode: "originalVersion", originalVersion: "1.0.0" },
        request: BY_BOTH,
        ours: true,
      },
      {
        name: "by file, task by file",
        detail: { upgradeMode: "filename" },
        request: BY_FILE,
        ours: true,
      },
      {
        name: "by file, task by names",
        detail: { upgradeMode: "devicenames" },
        request: BY_FILE,
        ours: false,
      },
    ],
  )("$name → $ours", ({ detail, request, ours }) => {
    expect(matchesRequest(detail, request)).toBe(ours);
  });
});
