// The two single-device actions of a task: cancel a device that has not finished, and retry one
// that failed. When each error applies is an ASSUMPTION written out in assumptions.ts.
import {
  DEVICE_RUNNING_OTHER_TASK,
  DEVICE_TASK_ALREADY_DONE,
  DEVICE_TASK_NOT_EXIST,
  RETRY_UNFINISHED_CODE,
} from "../assumptions.js";
import { ApiError, invalidValue } from "../api-error.js";
import type { ParamSchema } from "../params.js";
import { DEVICE_STATUS, isTerminal } from "../progress.js";
import type { TaskDeviceRecord, TaskRecord } from "../types.js";
import type { ActionContext, ActionDef } from "./context.js";

interface Params {
  ProductID: string;
  DeviceName: string;
  FirmwareVersion: string;
  TaskId: number;
}

/** The task named and the device's row in it, or the error for a bad value or a missing pair. */
function deviceInTask(p: Params, ctx: ActionContext): [TaskRecord, TaskDeviceRecord] {
  const empty = (["ProductID", "DeviceName", "FirmwareVersion"] as const).find((k) => p[k] === "");
  if (empty !== undefined) throw invalidValue(`${empty} must not be empty.`);
  if (p.TaskId === 0) throw invalidValue("TaskId must be a task's id, not 0.");
  ctx.state.product(p.ProductID);
  const task = ctx.state.tasks.find(
    (t) =>
      t.taskId === p.TaskId &&
      t.productId === p.ProductID &&
      t.firmwareVersion === p.FirmwareVersion,
  );
  const device = task && ctx.state.deviceRecord(task.taskId, p.DeviceName);
  if (!task || !device) {
    throw new ApiError(
      DEVICE_TASK_NOT_EXIST,
      `Device ${p.DeviceName} is in no firmware task ${p.TaskId} of firmware ${p.FirmwareVersion}.`,
    );
  }
  return [task, device];
}

/** RunningOtherOtaTask when the device is not yet terminal in another task of the product. */
function refuseIfElsewhere(task: TaskRecord, name: string, ctx: ActionContext): void {
  const other = ctx.state.unfinishedElsewhere(task, name);
  if (other) {
    throw new ApiError(
      DEVICE_RUNNING_OTHER_TASK,
      `Device ${name} is upgrading in another task, ${other.taskId}.`,
    );
  }
}

function alreadyDone(device: TaskDeviceRecord): ApiError {
  return new ApiError(
    DEVICE_TASK_ALREADY_DONE,
    `Device ${device.deviceName} has already finished task ${device.taskId} (status ${device.status}).`,
  );
}

function cancelDeviceFirmwareTask(raw: Record<string, unknown>, ctx: ActionContext) {
  const p = raw as unknown as Params;
  const [task, device] = deviceInTask(p, ctx);
  if (isTerminal(device.status)) {
    refuseIfElsewhere(task, p.DeviceName, ctx);
    throw alreadyDone(device);
  }
  ctx.state.cancelDevice(task, p.DeviceName);
  return {};
}

function retryDeviceFirmwareTask(raw: Record<string, unknown>, ctx: ActionContext) {
  const p = raw as unknown as Params;
  const [task, device] = deviceInTask(p, ctx);
  if (device.status === DEVICE_STATUS.done) throw alreadyDone(device);
  if (!isTerminal(device.status)) {
    throw new ApiError(
      RETRY_UNFINISHED_CODE,
      `Device ${p.DeviceName} is still upgrading in task ${p.TaskId} (status ${device.status}); only a failed (5) or timed-out (10) device can be retried.`,
    );
  }
  refuseIfElsewhere(task, p.DeviceName, ctx);
  ctx.state.retryDevice(task, p.DeviceName);
  return {};
}

const SCHEMA: ParamSchema = {
  ProductID: { type: "string", required: true },
  DeviceName: { type: "string", required: true },
  FirmwareVersion: { type: "string", required: true },
  TaskId: { type: "integer", required: true },
};

/** CancelDeviceFirmwareTask: stops one device that has not finished a task (it then reports 5). */
export const CANCEL_DEVICE_FIRMWARE_TASK: ActionDef = {
  schema: SCHEMA,
  run: cancelDeviceFirmwareTask,
};

/** RetryDeviceFirmwareTask: puts one failed (5) or timed-out (10) device of a task back to the start. */
export const RETRY_DEVICE_FIRMWARE_TASK: ActionDef = {
  schema: SCHEMA,
  run: retryDeviceFirmwareTask,
};
