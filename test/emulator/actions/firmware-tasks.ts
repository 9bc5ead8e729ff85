import {
  DEFAULT_TASK_PAGE,
  MAX_TASK_PAGE,
  NAMES_WITH_VERSION_MODE,
  TASK_NOT_EXIST,
  TASK_TYPE,
} from "../assumptions.js";
import { ApiError, invalidValue } from "../api-error.js";
import type { ParamSchema } from "../params.js";
import type { TaskRecord } from "../types.js";
import type { ActionContext, ActionDef } from "./context.js";

interface ListParams {
  ProductID: string;
  FirmwareVersion: string;
  Offset?: number;
  Limit?: number;
}

/** The parameters that name one task. */
export interface OneParams {
  ProductID: string;
  FirmwareVersion: string;
  TaskId: number;
}

/** Throws FirmwareNotExist (or ProductNotExist) unless the product has registered `version`. */
export function requireFirmware(ctx: ActionContext, productId: string, version: string): void {
  if (!ctx.state.product(productId).firmwareVersions.includes(version)) {
    throw new ApiError("ResourceNotFound.FirmwareNotExist", `Firmware ${version} does not exist.`);
  }
}

/** The task a Describe call names, or FirmwareTaskNotExist (ProductNotExist first). */
export function findTask(ctx: ActionContext, p: OneParams): TaskRecord {
  ctx.state.product(p.ProductID);
  const task = ctx.state.tasks.find(
    (t) =>
      t.taskId === p.TaskId &&
      t.productId === p.ProductID &&
      t.firmwareVersion === p.FirmwareVersion,
  );
  if (!task) throw new ApiError(TASK_NOT_EXIST, `Firmware task ${p.TaskId} does not exist.`);
  return task;
}

/** Newest first, as Tencent's examples list tasks and their devices. */
export function newestFirst(a: TaskRecord, b: TaskRecord): number {
  return b.createTime - a.createTime || b.taskId - a.taskId;
}

function upgradeMode(task: TaskRecord): string {
  if (task.deviceNames !== undefined) {
    return task.originalVersion === undefined ? "devicenames" : NAMES_WITH_VERSION_MODE;
  }
  if (task.originalVersion !== undefined) return "originalVersion";
  return task.fileName !== undefined ? "filename" : "devicenames";
}

function describeFirmwareTasks(raw: Record<string, unknown>, ctx: ActionContext) {
  const p = raw as unknown as ListParams;
  requireFirmware(ctx, p.ProductID, p.FirmwareVersion);
  const limit = p.Limit ?? DEFAULT_TASK_PAGE;
  if (limit < 1 || limit > MAX_TASK_PAGE) {
    throw invalidValue(`Limit must be between 1 and ${MAX_TASK_PAGE}, not ${limit}.`);
  }
  // Filters are type-checked but not applied: which Keys Tencent accepts is undocumented.
  const matching = ctx.state.tasks
    .filter((t) => t.productId === p.ProductID && t.firmwareVersion === p.FirmwareVersion)
    .sort(newestFirst);
  const offset = p.Offset ?? 0;
  const TaskInfos = matching.slice(offset, offset + limit).map((t) => ({
    TaskId: t.taskId,
    Status: t.status,
    Type: TASK_TYPE,
    CreateTime: t.createTime,
  }));
  return { TaskInfos, Total: matching.length };
}

function describeFirmwareTask(raw: Record<string, unknown>, ctx: ActionContext) {
  const task = findTask(ctx, raw as unknown as OneParams);
  return {
    TaskId: task.taskId,
    Status: task.status,
    CreateTime: task.createTime,
    Type: TASK_TYPE,
    ProductName: task.productId,
    UpgradeMode: upgradeMode(task),
    ProductId: task.productId,
    // Tencent answers null for fields it has no value for.
    OriginalVersion: task.originalVersion ?? null,
  };
}

/** DescribeFirmwareTasks: a product version's tasks, newest first, paged. */
export const DESCRIBE_FIRMWARE_TASKS: ActionDef = {
  schema: {
    ProductID: { type: "string", required: true },
    FirmwareVersion: { type: "string", required: true },
    Offset: { type: "integer" },
    Limit: { type: "integer" },
    Filters: { type: "keywords" },
  },
  run: describeFirmwareTasks,
};

/** The schema of the actions that name one task. */
export const ONE_TASK_SCHEMA: ParamSchema = {
  ProductID: { type: "string", required: true },
  FirmwareVersion: { type: "string", required: true },
  TaskId: { type: "integer", required: true },
};

/** DescribeFirmwareTask: one task's details; Status is TASK_STATUS_RUNNING or TASK_STATUS_DONE. */
export const DESCRIBE_FIRMWARE_TASK: ActionDef = {
  schema: ONE_TASK_SCHEMA,
  run: describeFirmwareTask,
};
