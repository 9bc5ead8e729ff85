// The two actions that follow a task's devices: counts by status, and one row per device.
import { DEFAULT_DEVICE_PAGE, MAX_DEVICE_PAGE } from "../assumptions.js";
import { invalidValue } from "../api-error.js";
import type { TaskDeviceRecord } from "../types.js";
import type { ActionContext, ActionDef } from "./context.js";
import {
  findTask,
  newestFirst,
  ONE_TASK_SCHEMA,
  requireFirmware,
  type OneParams,
} from "./firmware-tasks.js";

interface DevicesParams {
  ProductID: string;
  FirmwareVersion?: string;
  Offset?: number;
  Limit?: number;
}

function describeFirmwareTaskDistribution(raw: Record<string, unknown>, ctx: ActionContext) {
  const task = findTask(ctx, raw as unknown as OneParams);
  // The poll itself moves the task on (unless steps follow the clock): see EmulatorOptions.
  ctx.state.poll(task);
  const totals = new Map<number, number>();
  for (const device of ctx.state.deviceRecords(task.taskId)) {
    totals.set(device.status, (totals.get(device.status) ?? 0) + 1);
  }
  const StatusInfos = [...totals]
    .sort(([a], [b]) => a - b)
    .map(([Status, Total]) => ({ Status, Total }));
  return { StatusInfos };
}

function row(device: TaskDeviceRecord) {
  return {
    DeviceName: device.deviceName,
    LastProcessTime: device.lastProcessTime,
    Status: device.status,
    ErrMsg: device.errMsg,
    Retcode: device.retcode,
    DstVersion: device.dstVersion,
    Percent: device.percent,
    OriVersion: device.oriVersion,
    TaskId: device.taskId,
  };
}

function describeFirmwareTaskDevices(raw: Record<string, unknown>, ctx: ActionContext) {
  const p = raw as unknown as DevicesParams;
  if (p.FirmwareVersion === undefined) ctx.state.product(p.ProductID);
  else requireFirmware(ctx, p.ProductID, p.FirmwareVersion);
  const limit = p.Limit ?? DEFAULT_DEVICE_PAGE;
  if (limit < 1 || limit > MAX_DEVICE_PAGE) {
    throw invalidValue(`Limit must be between 1 and ${MAX_DEVICE_PAGE}, not ${limit}.`);
  }
  // No TaskId parameter, and Filters keys are undocumented (type-checked, not applied): every
  // task's rows come back, and a client must pick its task's rows by TaskId.
  const rows = ctx.state.tasks
    .filter((t) => t.productId === p.ProductID)
    .filter((t) => p.FirmwareVersion === undefined || t.firmwareVersion === p.FirmwareVersion)
    .sort(newestFirst)
    .flatMap((t) => ctx.state.deviceRecords(t.taskId));
  const offset = p.Offset ?? 0;
  return { Total: rows.length, Devices: rows.slice(offset, offset + limit).map(row) };
}

/** DescribeFirmwareTaskDistribution: a task's devices counted by status (zero counts left out). */
export const DESCRIBE_FIRMWARE_TASK_DISTRIBUTION: ActionDef = {
  schema: ONE_TASK_SCHEMA,
  run: describeFirmwareTaskDistribution,
};

/** DescribeFirmwareTaskDevices: device rows of every task of a product (and version), paged. */
export const DESCRIBE_FIRMWARE_TASK_DEVICES: ActionDef = {
  schema: {
    ProductID: { type: "string", required: true },
    FirmwareVersion: { type: "string" },
    Filters: { type: "keywords" },
    Offset: { type: "integer" },
    Limit: { type: "integer" },
  },
  run: describeFirmwareTaskDevices,
};
