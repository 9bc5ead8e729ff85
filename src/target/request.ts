import type { Inputs } from "../inputs/read-inputs.js";
import { forLog } from "../report/outside-text.js";
import type { BatchUpdateFirmwareRequest } from "../tencent/iotvideo/tasks.js";

/** An uploaded device-list file, as BatchUpdateFirmware refers to it. */
export interface UploadedList {
  fileName: string;
  md5: string;
  size: number;
  deviceCount: number;
}

/** The BatchUpdateFirmware parameters for these inputs (and the uploaded list, for a file target). */
export function rolloutRequest(inputs: Inputs, list?: UploadedList): BatchUpdateFirmwareRequest {
  const base = {
    ProductID: inputs.productId,
    FirmwareVersion: inputs.firmwareVersion,
    UpgradeMethod: inputs.upgradeMethod,
  };
  const { target } = inputs;
  switch (target.kind) {
    case "devices":
      return {
        ...base,
        ...(target.originalVersion === undefined
          ? {}
          : { FirmwareOriVersion: target.originalVersion }),
        DeviceNames: target.deviceNames,
      };
    case "original-version":
      return { ...base, FirmwareOriVersion: target.originalVersion };
    case "file":
      if (list === undefined) throw new Error("a device-list rollout needs its uploaded file");
      return { ...base, FileName: list.fileName, FileMd5: list.md5, FileSize: list.size };
  }
}

/** A path is shown this long at most in the line below. */
const MAX_PATH = 300;

/** One line for the log saying which devices this rollout targets; a path by the log's rule. */
export function describeTarget(inputs: Inputs, listedDevices?: number): string {
  const { target } = inputs;
  switch (target.kind) {
    case "devices": {
      const count = `${target.deviceNames.length} device${target.deviceNames.length === 1 ? "" : "s"}`;
      return target.originalVersion === undefined
        ? count
        : `${count} now on ${target.originalVersion}`;
    }
    case "original-version":
      return `every device now on ${target.originalVersion}`;
    case "file":
      return `${listedDevices ?? "the"} devices listed in ${forLog(target.path, MAX_PATH)}`;
  }
}
