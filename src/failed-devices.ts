import type { TencentClient } from "./tencent/client.js";
import { retryUnlessDefinite, withRetries, type RetryPolicy } from "./tencent/retry.js";
import { describeFirmwareTaskDevices } from "./tencent/task-status.js";

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

const PAGE_SIZE = 100;
/** 5,000 rows: naming failures must never turn into a full scan of a huge fleet. */
export const MAX_PAGES = 50;
const FAILED = 5;
const TIMED_OUT = 10;
/** How Tencent reports a device already on the target version (a failed row, status 5). */
const UP_TO_DATE = /no need (to )?update/i;

/**
 * Pages through DescribeFirmwareTaskDevices for the version and keeps the failed rows of this
 * task. The API takes no TaskId and its Filters keys are undocumented, so rows are filtered here.
 */
export async function failedDevices(
  client: TencentClient,
  task: { productId: string; firmwareVersion: string; taskId: number },
  policy: RetryPolicy,
): Promise<FailureReport> {
  const report: FailureReport = { upToDate: 0, failed: [], complete: false };
  let offset = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { rows, returned, total } = await withRetries(
      "DescribeFirmwareTaskDevices",
      policy,
      () =>
        describeFirmwareTaskDevices(
          client,
          task.productId,
          task.firmwareVersion,
          offset,
          PAGE_SIZE,
        ),
      retryUnlessDefinite,
    );
    for (const row of rows) {
      if (row.taskId !== task.taskId) continue;
      if (row.status === FAILED && UP_TO_DATE.test(row.errMsg)) report.upToDate++;
      else if (row.status === FAILED || row.status === TIMED_OUT) {
        report.failed.push({
          name: row.deviceName,
          status: row.status,
          message: row.errMsg,
          ...(row.retcode === undefined ? {} : { retcode: row.retcode }),
        });
      }
    }
    offset += returned;
    // As for the task list, neither Total nor a short page alone ends the listing.
    if (returned === 0 || (returned < PAGE_SIZE && offset >= total)) {
      report.complete = offset >= total;
      break;
    }
  }
  return report;
}
