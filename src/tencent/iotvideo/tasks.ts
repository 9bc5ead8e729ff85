import { ActionError, requestIdNote, TransportError } from "../../run/errors.js";
import { forLog } from "../../report/outside-text.js";
import type { ApiResult, TencentClient } from "../client.js";
import { isRecord } from "./fields.js";

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
  const taskId = taskIdOf(result.data["TaskId"]);
  if (taskId === undefined) {
    // A success envelope means the server acted: the task exists, its id is what we lack.
    throw new TransportError(
      "BatchUpdateFirmware",
      "yes",
      `the answer's TaskId is not an integer that can be read exactly: ${shownValue(result.data["TaskId"])}${requestIdNote(result.requestId)}`,
    );
  }
  return { taskId, requestId: result.requestId };
}

/** A pre-signed upload URL for a device-list file and the FileName to pass on. */
export async function createTaskFileUrl(
  client: TencentClient,
  productId: string,
): Promise<{ url: string; fileName: string; requestId: string }> {
  // The API spells the parameter ProductId here, unlike ProductID everywhere else.
  const result = await client.call("CreateTaskFileUrl", { ProductId: productId });
  return {
    url: uploadUrl(stringField(result, "CreateTaskFileUrl", "Url"), result.requestId),
    fileName: stringField(result, "CreateTaskFileUrl", "FileName"),
    requestId: result.requestId,
  };
}

/**
 * The upload URL as the answer gave it, once it is one the upload can use: an http(s) URL with a
 * host. Anything else is the server's error, named as such: not retried, nothing uploaded. The
 * message shows the URL without its query, which holds the upload's signature.
 */
function uploadUrl(given: string, requestId: string): string {
  let url: URL | undefined;
  try {
    url = new URL(given);
  } catch {
    url = undefined;
  }
  if (url !== undefined && (url.protocol === "https:" || url.protocol === "http:") && url.host) {
    return given;
  }
  const shown = forLog(given.split("?")[0] ?? "", 200);
  throw new ActionError(
    `CreateTaskFileUrl answered an upload URL that cannot be used: '${shown}'${given.includes("?") ? " (query not shown)" : ""} is not an http(s) URL with a host${requestIdNote(requestId)}. Nothing was uploaded and no task was created.`,
  );
}

/** One page of a firmware version's tasks: the ids that could be read exactly, and Total. */
export async function describeFirmwareTasks(
  client: TencentClient,
  productId: string,
  firmwareVersion: string,
  offset: number,
  limit: number,
): Promise<{
  ids: number[];
  unreadable: number;
  total: number;
  requestId: string;
  /** Task id → CreateTime (unix s), for the tasks that carry a readable one. */
  created: Map<number, number>;
}> {
  const result = await client.call("DescribeFirmwareTasks", {
    ProductID: productId,
    FirmwareVersion: firmwareVersion,
    Offset: offset,
    Limit: limit,
  });
  const infos: unknown[] = Array.isArray(result.data["TaskInfos"]) ? result.data["TaskInfos"] : [];
  const ids: number[] = [];
  const created = new Map<number, number>();
  for (const info of infos) {
    const id = taskIdOf(isRecord(info) ? info["TaskId"] : undefined);
    if (id === undefined) continue;
    ids.push(id);
    const time = isRecord(info) ? info["CreateTime"] : undefined;
    if (typeof time === "number" && Number.isSafeInteger(time)) created.set(id, time);
  }
  const total = result.data["Total"];
  return {
    ids,
    unreadable: infos.length - ids.length,
    // A missing or odd Total says nothing; the pages themselves tell when the list ends.
    total: typeof total === "number" && Number.isSafeInteger(total) ? total : 0,
    requestId: result.requestId,
    created,
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

/** A TaskId as JSON gave it, when it is an integer JSON numbers carry exactly (up to 2^53). */
function taskIdOf(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function shownValue(value: unknown): string {
  return value === undefined ? "missing" : forLog(JSON.stringify(value), 40);
}

function stringField(result: ApiResult, action: string, field: string): string {
  const value = result.data[field];
  if (typeof value === "string" && value !== "") return value;
  throw new ActionError(`${action} answered without ${field}${requestIdNote(result.requestId)}`);
}
