import type { TencentClient } from "../client.js";
import { count, isRecord } from "./fields.js";

/** How many of a task's devices are in one status (DescribeFirmwareTaskDistribution). */
export interface StatusCount {
  status: number;
  total: number;
}

/** One row of DescribeFirmwareTaskDevices. */
export interface DeviceRow {
  deviceName: string;
  status: number;
  taskId: number;
  errMsg: string;
  retcode?: number;
  /** When the device's row last changed (unix seconds), when Tencent says. */
  lastProcessTime?: number;
}

/** A task's distribution: the entries that could be read, and how many could not. */
export interface Distribution {
  infos: StatusCount[];
  /** Entries (or a missing StatusInfos list) that could not be read: the counts are incomplete. */
  unreadable: number;
}

/** The task's devices counted by status. */
export async function describeFirmwareTaskDistribution(
  client: TencentClient,
  productId: string,
  firmwareVersion: string,
  taskId: number,
): Promise<Distribution> {
  const { data } = await client.call("DescribeFirmwareTaskDistribution", {
    ProductID: productId,
    FirmwareVersion: firmwareVersion,
    TaskId: taskId,
  });
  const list = data["StatusInfos"];
  if (!Array.isArray(list)) return { infos: [], unreadable: list === undefined ? 0 : 1 };
  const infos: StatusCount[] = [];
  let unreadable = 0;
  for (const info of list as unknown[]) {
    const status = isRecord(info) ? count(info["Status"]) : undefined;
    const total = isRecord(info) ? count(info["Total"]) : undefined;
    if (status === undefined || total === undefined) unreadable++;
    else if (total > 0) infos.push({ status, total });
  }
  return { infos, unreadable };
}

/**
 * One page of device rows of the product's firmware version, of every task: the API takes no
 * TaskId, and its Filters keys are undocumented, so callers filter rows by TaskId themselves.
 */
export async function describeFirmwareTaskDevices(
  client: TencentClient,
  productId: string,
  firmwareVersion: string,
  offset: number,
  limit: number,
): Promise<{ rows: DeviceRow[]; returned: number; total: number }> {
  const { data } = await client.call("DescribeFirmwareTaskDevices", {
    ProductID: productId,
    FirmwareVersion: firmwareVersion,
    Offset: offset,
    Limit: limit,
  });
  const devices: unknown[] = Array.isArray(data["Devices"]) ? data["Devices"] : [];
  const rows = devices.flatMap((device): DeviceRow[] => {
    if (!isRecord(device)) return [];
    const { DeviceName, ErrMsg, Retcode } = device;
    const [status, taskId] = [count(device["Status"]), count(device["TaskId"])];
    if (typeof DeviceName !== "string" || status === undefined || taskId === undefined) return [];
    const processed = count(device["LastProcessTime"]);
    return [
      {
        deviceName: DeviceName,
        status,
        taskId,
        errMsg: typeof ErrMsg === "string" ? ErrMsg : "",
        ...(typeof Retcode === "number" ? { retcode: Retcode } : {}),
        ...(processed === undefined ? {} : { lastProcessTime: processed }),
      },
    ];
  });
  return { rows, returned: devices.length, total: count(data["Total"]) ?? 0 };
}

/** Cancels one device's upgrade in a task (it must not have finished). */
export async function cancelDeviceFirmwareTask(
  client: TencentClient,
  productId: string,
  firmwareVersion: string,
  taskId: number,
  deviceName: string,
): Promise<void> {
  await client.call("CancelDeviceFirmwareTask", {
    ProductID: productId,
    DeviceName: deviceName,
    FirmwareVersion: firmwareVersion,
    TaskId: taskId,
  });
}

/** Puts one failed or timed-out device of a task back to the start of its upgrade. */
export async function retryDeviceFirmwareTask(
  client: TencentClient,
  productId: string,
  firmwareVersion: string,
  taskId: number,
  deviceName: string,
): Promise<void> {
  await client.call("RetryDeviceFirmwareTask", {
    ProductID: productId,
    DeviceName: deviceName,
    FirmwareVersion: firmwareVersion,
    TaskId: taskId,
  });
}
