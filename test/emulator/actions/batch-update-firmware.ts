import { ApiError, invalidValue } from "../api-error.js";
import type { EmulatorState } from "../state.js";
import type { ProductSeed, TaskRecord } from "../types.js";
import type { ActionContext, ActionDef } from "./context.js";

interface Params {
  ProductID: string;
  FirmwareVersion: string;
  FirmwareOriVersion?: string;
  UpgradeMethod?: number;
  FileName?: string;
  FileMd5?: string;
  FileSize?: number;
  DeviceNames?: string[];
}

/** How a request chose devices; names may come with an original version that narrows them. */
type Target =
  | { mode: "devicenames"; deviceNames: string[]; originalVersion?: string }
  | { mode: "originalVersion"; originalVersion: string }
  | { mode: "filename"; fileName: string; md5: string; size: number };

function targetOf(p: Params): Target {
  const fileParts = [p.FileName, p.FileMd5, p.FileSize].filter((v) => v !== undefined).length;
  if (fileParts !== 0 && fileParts !== 3) {
    throw invalidValue("FileName, FileMd5 and FileSize must be given together.");
  }
  if (p.FileName !== undefined && p.FileMd5 !== undefined && p.FileSize !== undefined) {
    if (p.DeviceNames !== undefined || p.FirmwareOriVersion !== undefined) {
      throw invalidValue(
        "A device-list file cannot be combined with DeviceNames or FirmwareOriVersion.",
      );
    }
    return { mode: "filename", fileName: p.FileName, md5: p.FileMd5, size: p.FileSize };
  }
  if (p.DeviceNames !== undefined) {
    const target: Extract<Target, { mode: "devicenames" }> = {
      mode: "devicenames",
      deviceNames: p.DeviceNames,
    };
    if (p.FirmwareOriVersion !== undefined) target.originalVersion = p.FirmwareOriVersion;
    return target;
  }
  if (p.FirmwareOriVersion !== undefined) {
    return { mode: "originalVersion", originalVersion: p.FirmwareOriVersion };
  }
  throw invalidValue(
    "Give DeviceNames, FirmwareOriVersion (or both), or FileName with FileMd5 and FileSize.",
  );
}

function namedDevices(names: string[], product: ProductSeed): string[] {
  if (names.length === 0) throw invalidValue("DeviceNames is empty.");
  // ASSUMPTION: Tencent documents no code for names the product lacks.
  const strangers = names.filter((name) => !Object.hasOwn(product.devices, name));
  if (strangers.length > 0) {
    throw invalidValue(
      `DeviceNames has devices the product lacks: ${strangers.slice(0, 5).join(", ")}.`,
    );
  }
  return names;
}

function fileDevices(
  t: Extract<Target, { mode: "filename" }>,
  productId: string,
  state: EmulatorState,
) {
  const upload = state.uploads.get(t.fileName);
  if (!upload || state.slots.get(t.fileName)?.productId !== productId) {
    throw invalidValue(
      `FileName ${t.fileName} names no uploaded device list of product ${productId}.`,
    );
  }
  // An unhashed upload (hashUploads: false) takes the client's word.
  if (upload.md5 === "") upload.md5 = t.md5;
  if (upload.md5.toLowerCase() !== t.md5.toLowerCase()) {
    throw invalidValue(`FileMd5 ${t.md5} does not match the uploaded file's MD5 ${upload.md5}.`);
  }
  if (upload.size !== t.size) {
    throw invalidValue(
      `FileSize ${t.size} does not match the uploaded file's ${upload.size} bytes.`,
    );
  }
  if (upload.size === 0) throw invalidValue(`The device list ${t.fileName} is empty.`);
  // Names are known only for small files; a big file's devices are not checked for clashes.
  return state.fileDeviceNames.get(t.fileName) ?? [];
}

function devicesOf(target: Target, productId: string, state: EmulatorState): string[] {
  const product = state.product(productId);
  const onVersion = (version: string) => (name: string) =>
    Object.hasOwn(product.devices, name) && product.devices[name]?.version === version;
  switch (target.mode) {
    case "devicenames": {
      const named = namedDevices(target.deviceNames, product);
      // ASSUMPTION (NAMES_WITH_VERSION_MODE): with an original version, only names on it.
      const version = target.originalVersion;
      return version === undefined ? named : named.filter(onVersion(version));
    }
    case "originalVersion":
      return Object.keys(product.devices).filter(onVersion(target.originalVersion));
    case "filename":
      return fileDevices(target, productId, state);
  }
}

function taskFields(p: Params, target: Target, ctx: ActionContext) {
  const fields: Omit<TaskRecord, "taskId" | "status"> = {
    productId: p.ProductID,
    firmwareVersion: p.FirmwareVersion,
    upgradeMethod: p.UpgradeMethod ?? 0,
    createTime: ctx.clock.nowSeconds(),
  };
  if (target.mode === "devicenames") fields.deviceNames = [...target.deviceNames];
  if (target.mode !== "filename" && target.originalVersion !== undefined) {
    fields.originalVersion = target.originalVersion;
  }
  if (target.mode === "filename") fields.fileName = target.fileName;
  return fields;
}

function batchUpdateFirmware(raw: Record<string, unknown>, ctx: ActionContext) {
  const p = raw as unknown as Params;
  const product = ctx.state.product(p.ProductID);
  if (!product.firmwareVersions.includes(p.FirmwareVersion)) {
    throw new ApiError(
      "ResourceNotFound.FirmwareNotExist",
      `Firmware ${p.FirmwareVersion} does not exist.`,
    );
  }
  if (p.UpgradeMethod !== undefined && p.UpgradeMethod !== 0 && p.UpgradeMethod !== 1) {
    throw invalidValue(`UpgradeMethod must be 0 or 1, not ${p.UpgradeMethod}.`);
  }
  const target = targetOf(p);
  const devices = devicesOf(target, p.ProductID, ctx.state);
  const busy = ctx.state.busyDevices(p.ProductID);
  const clashing = devices.filter((name) => busy.has(name));
  if (clashing.length > 0) {
    throw new ApiError(
      "FailedOperation.DeviceIsUpdating",
      `Devices are already updating: ${clashing.slice(0, 5).join(", ")}.`,
    );
  }
  const task = ctx.state.addTask(taskFields(p, target, ctx), [...new Set(devices)]);
  return { TaskId: task.taskId };
}

/** BatchUpdateFirmware: create a firmware task for names, an original version (or both), or a file. */
export const BATCH_UPDATE_FIRMWARE: ActionDef = {
  schema: {
    ProductID: { type: "string", required: true },
    FirmwareVersion: { type: "string", required: true },
    FirmwareOriVersion: { type: "string" },
    UpgradeMethod: { type: "integer" },
    FileName: { type: "string" },
    FileMd5: { type: "string" },
    FileSize: { type: "integer" },
    DeviceNames: { type: "string[]" },
  },
  run: batchUpdateFirmware,
};
