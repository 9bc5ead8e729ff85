import { eachDeviceRow } from "./device-rows.js";
import type { TencentClient } from "./tencent/client.js";
import type { RetryPolicy } from "./tencent/retry.js";

/** A device of the task that ended failed or timed out. */
export interface FailedDevice {
  name: string;
  status: number;
  retcode?: number;
  message: string;
}

/** What the device rows told about the task's failed devices. */
export interface FailureReport {
  /** Failed rows that say the device already runs the version: not failures. */
  upToDate: number;
  failed: FailedDevice[];
  /** False when the rows were not all read (MAX_PAGES): unnamed failures stay failures. */
  complete: boolean;
}

/** 5,000 rows: naming failures must never turn into a full scan of a huge fleet. */
export const MAX_PAGES = 50;
const FAILED = 5;
const TIMED_OUT = 10;
/** How Tencent reports a device already on the target version (a failed row, status 5). */
const UP_TO_DATE = /no need (to )?update/i;

/** The failed rows of this task, from the version's device rows (filtered here by TaskId). */
export async function failedDevices(
  client: TencentClient,
  task: { productId: string; firmwareVersion: string; taskId: number },
  policy: RetryPolicy,
): Promise<FailureReport> {
  const report: FailureReport = { upToDate: 0, failed: [], complete: false };
  report.complete = await eachDeviceRow(client, task, policy, MAX_PAGES, (row) => {
    if (row.taskId !== task.taskId) return;
    if (row.status === FAILED && UP_TO_DATE.test(row.errMsg)) report.upToDate++;
    else if (row.status === FAILED || row.status === TIMED_OUT) {
      report.failed.push({
        name: row.deviceName,
        status: row.status,
        message: row.errMsg,
        ...(row.retcode === undefined ? {} : { retcode: row.retcode }),
      });
    }
  });
  return report;
}
