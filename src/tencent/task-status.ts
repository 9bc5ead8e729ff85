import type { TencentClient } from "./client.js";

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
}

/** The task's devices counted by status. */
export async function describeFirmwareTaskDistribution(
  client: TencentClient,
  productId: string,
  firmwareVersion: string,
  taskId: number,
): Promise<StatusCount[]> {
  const { data } = await client.call("DescribeFirmwareTaskDistribution", {
    ProductID: productId,
    FirmwareVersion: firmwareVersion,
    TaskId: taskId,
  });
  const infos: unknown[] = Array.isArray(data["StatusInfos"]) ? data["StatusInfos"] : [];
  return infos.flatMap((info) => {
    if (!isRecord(info)) return [];
    const { Status: status, Total: total } = info;
    return typeof status === "number" && typeof total === "number" && total > 0
      ? [{ status, total }]
      : [];
  });
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
    const { DeviceName, Status, TaskId, ErrMsg, Retcode } = device;
    if (typeof DeviceName !== "string" || typeof Status !== "number" || typeof TaskId !== "number")
      return [];
    return [
      {
        deviceName: DeviceName,
        status: Status,
        taskId: TaskId,
        errMsg: typeof ErrMsg === "string" ? ErrMsg : "",
        ...(typeof Retcode === "number" ? { retcode: Retcode } : {}),
      },
    ];
  });
  const total = data["Total"];
  return {
    rows,
    returned: devices.length,
    total: typeof total === "number" && Number.isSafeInteger(total) ? total : 0,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
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
