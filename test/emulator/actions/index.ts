import { BATCH_UPDATE_FIRMWARE } from "./batch-update-firmware.js";
import type { ActionDef } from "./context.js";
import { CREATE_TASK_FILE_URL } from "./create-task-file-url.js";
import { CANCEL_DEVICE_FIRMWARE_TASK, RETRY_DEVICE_FIRMWARE_TASK } from "./device-task.js";
import { DESCRIBE_FIRMWARE, GET_ALL_FIRMWARE_VERSION } from "./firmware-info.js";
import { DESCRIBE_FIRMWARE_TASK, DESCRIBE_FIRMWARE_TASKS } from "./firmware-tasks.js";
import {
  DESCRIBE_FIRMWARE_TASK_DEVICES,
  DESCRIBE_FIRMWARE_TASK_DISTRIBUTION,
} from "./task-progress.js";

export type { ActionContext, ActionDef } from "./context.js";

/** The IoT Video 2020-12-15 actions the emulator implements, by X-TC-Action name. */
export const ACTIONS: ReadonlyMap<string, ActionDef> = new Map([
  ["BatchUpdateFirmware", BATCH_UPDATE_FIRMWARE],
  ["CreateTaskFileUrl", CREATE_TASK_FILE_URL],
  ["DescribeFirmwareTasks", DESCRIBE_FIRMWARE_TASKS],
  ["DescribeFirmwareTask", DESCRIBE_FIRMWARE_TASK],
  ["DescribeFirmwareTaskDistribution", DESCRIBE_FIRMWARE_TASK_DISTRIBUTION],
  ["DescribeFirmwareTaskDevices", DESCRIBE_FIRMWARE_TASK_DEVICES],
  ["DescribeFirmware", DESCRIBE_FIRMWARE],
  ["GetAllFirmwareVersion", GET_ALL_FIRMWARE_VERSION],
  ["CancelDeviceFirmwareTask", CANCEL_DEVICE_FIRMWARE_TASK],
  ["RetryDeviceFirmwareTask", RETRY_DEVICE_FIRMWARE_TASK],
]);
