import { ActionError } from "../errors.js";
import type { ApiResult, TencentClient } from "./client.js";

/** BatchUpdateFirmware's parameters in 2020-12-15; the API takes these eight and no others. */
export interface BatchUpdateFirmwareRequest {
  ProductID: string;
  FirmwareVersion: string;
  FirmwareOriVersion?: string;
  UpgradeMethod?: number;
  FileName?: string;
  FileMd5?: string;
  FileSize?: number;
  DeviceNames?: string[];
}

/** A created task and the RequestId of the call that created (or found) it. */
export interface CreatedTask {
  taskId: number;
  requestId: string;
}

/** One entry of DescribeFirmwareTasks' TaskInfos. */
export interface TaskInfo {
  taskId: number;
}

/** What DescribeFirmwareTask says of one task's target. */
export interface TaskDetail {
  /** "originalVersion", "filename" or "devicenames"; undefined when not answered. */
  upgradeMode?: string;
  originalVersion?: string;
}

/** Starts a firmware upgrade task. */
export async function batchUpdateFirmware(
  client: TencentClient,
  request: BatchUpdateFirmwareRequest,
): Promise<CreatedTask> {
  const result = await client.call("BatchUpdateFirmware", request);
  return {
    taskId: integerField(result, "BatchUpdateFirmware", "TaskId"),
    requestId: result.requestId,
  };
}

/** A pre-signed upload URL for a device-list file and the FileName to pass on. */
export async function createTaskFileUrl(
  client: TencentClient,
  productId: string,
): Promise<{ url: string; fileName: string; requestId: string }> {
  // The API spells the parameter ProductId here, unlike ProductID everywhere else.
  const result = await client.call("CreateTaskFileUrl", { ProductId: productId });
  return {
    url: stringField(result, "CreateTaskFileUrl", "Url"),
    fileName: stringField(result, "CreateTaskFileUrl", "FileName"),
    requestId: result.requestId,
  };
}

/** One page of a firmware version's tasks. */
export async function describeFirmwareTasks(
  client: TencentClient,
  productId: string,
  firmwareVersion: string,
  offset: number,
  limit: number,
): Promise<{ tasks: TaskInfo[]; total: number; requestId: string }> {
  const action = "DescribeFirmwareTasks";
  const result = await client.call(action, {
    ProductID: productId,
    FirmwareVersion: firmwareVersion,
    Offset: offset,
    Limit: limit,
  });
  const infos = Array.isArray(result.data["TaskInfos"]) ? result.data["TaskInfos"] : [];
  const tasks = infos.map((info: unknown) => {
    const entry = { data: info as Record<string, unknown>, requestId: result.requestId };
    return {
      taskId: integerField(entry, action, "TaskId"),
    };
  });
  return {
    tasks,
    total: Number(result.data["Total"] ?? tasks.length),
    requestId: result.requestId,
  };
}

/** How one task targets its devices. */
export async function describeFirmwareTask(
  client: TencentClient,
  productId: string,
  firmwareVersion: string,
  taskId: number,
): Promise<TaskDetail> {
  const result = await client.call("DescribeFirmwareTask", {
    ProductID: productId,
    FirmwareVersion: firmwareVersion,
    TaskId: taskId,
  });
  const { UpgradeMode: mode, OriginalVersion: original } = result.data;
  return {
    ...(typeof mode === "string" && mode !== "" ? { upgradeMode: mode } : {}),
    ...(typeof original === "string" && original !== "" ? { originalVersion: original } : {}),
  };
}

function integerField(result: ApiResult, action: string, field: string): number {
  const value = result.data[field];
  if (typeof value === "number" && Number.isInteger(value)) return value;
  throw new ActionError(
    `${action} answered without an integer ${field} (RequestId: ${result.requestId})`,
  );
}

function stringField(result: ApiResult, action: string, field: string): string {
  const value = result.data[field];
  if (typeof value === "string" && value !== "") return value;
  throw new ActionError(`${action} answered without ${field} (RequestId: ${result.requestId})`);
}
