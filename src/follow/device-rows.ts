import type { TencentClient } from "../tencent/client.js";
import { retryUnlessDefinite, withRetries, type RetryPolicy } from "../http/retry.js";
import { describeFirmwareTaskDevices, type DeviceRow } from "../tencent/iotvideo/task-devices.js";
import { PAGE_SIZE } from "../tencent/assumptions.js";

/**
 * Pages through DescribeFirmwareTaskDevices for a firmware version (every task's devices: the
 * API takes no TaskId, and its Filters keys are undocumented), handing each row to `visit`.
 * As for the task list, neither Total nor a short page alone ends the listing. Returns whether
 * every row was read within `maxPages`.
 */
export async function eachDeviceRow(
  client: TencentClient,
  version: { productId: string; firmwareVersion: string },
  policy: RetryPolicy,
  maxPages: number,
  visit: (row: DeviceRow) => void,
): Promise<boolean> {
  let offset = 0;
  let previous = "";
  for (let page = 0; page < maxPages; page++) {
    const { rows, returned, total } = await withRetries(
      "DescribeFirmwareTaskDevices",
      policy,
      () =>
        describeFirmwareTaskDevices(
          client,
          version.productId,
          version.firmwareVersion,
          offset,
          PAGE_SIZE,
        ),
      retryUnlessDefinite,
    );
    // A server that ignores Offset answers the same page again: the listing can never be whole.
    const ends = rows.length === 0 ? "" : `${key(rows[0]!)}\n${key(rows[rows.length - 1]!)}`;
    if (page > 0 && ends !== "" && ends === previous) return false;
    previous = ends;
    rows.forEach(visit);
    offset += returned;
    if (returned === 0 || (returned < PAGE_SIZE && offset >= total)) return offset >= total;
  }
  return false;
}

function key(row: DeviceRow): string {
  return `${row.taskId}/${row.deviceName}`;
}
