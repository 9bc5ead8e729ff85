import { ApiError } from "../errors.js";
import type { TencentClient } from "../tencent/client.js";
import { retryUnlessDefinite, withRetries, type RetryPolicy } from "../tencent/retry.js";
import { cancelDeviceFirmwareTask } from "../tencent/task-status.js";
import { eachDeviceRow } from "../device-rows.js";

/** Devices that have not started: offline, pending, message delivered, awaiting confirmation. */
const NOT_STARTED = new Set([0, 1, 2, 8]);
/** Answers that mean the device is past cancelling (done, in another task, or gone): not errors. */
const PAST_CANCELLING = new Set([
  "FailedOperation.DeviceFirmwareTaskAlreadDone",
  "FailedOperation.DeviceRunningOtherOtaTask",
  "ResourceNotFound.DeviceFirmwareTaskNotExist",
]);
/** Cancels at once, at most: bounded, far below the API's rate limit. */
const PARALLEL = 8;
const MAX_PAGES = 2000;

/** What cancelling a wave's not-started devices did. */
export interface CancelReport {
  cancelled: number;
  /** Already finished, moved on or gone by the time it was asked. */
  skipped: number;
  failed: number;
}

/** Cancels a task's devices that have not started, a few at a time. */
export async function cancelNotStarted(
  client: TencentClient,
  task: { productId: string; firmwareVersion: string; taskId: number },
  policy: RetryPolicy,
): Promise<CancelReport> {
  const names = await notStarted(client, task, policy);
  const report: CancelReport = { cancelled: 0, skipped: 0, failed: 0 };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < names.length; i = next++) {
      try {
        await withRetries(
          "CancelDeviceFirmwareTask",
          policy,
          () =>
            cancelDeviceFirmwareTask(
              client,
              task.productId,
              task.firmwareVersion,
              task.taskId,
              names[i]!,
            ),
          retryUnlessDefinite,
        );
        report.cancelled++;
      } catch (error) {
        if (error instanceof ApiError && PAST_CANCELLING.has(error.code)) report.skipped++;
        else report.failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, names.length) }, worker));
  return report;
}

async function notStarted(
  client: TencentClient,
  task: { productId: string; firmwareVersion: string; taskId: number },
  policy: RetryPolicy,
): Promise<string[]> {
  const names: string[] = [];
  await eachDeviceRow(client, task, policy, MAX_PAGES, (row) => {
    if (row.taskId === task.taskId && NOT_STARTED.has(row.status)) names.push(row.deviceName);
  });
  return names;
}
