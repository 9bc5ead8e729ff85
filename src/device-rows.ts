import type { TencentClient } from "./tencent/client.js";
import { retryUnlessDefinite, withRetries, type RetryPolicy } from "./tencent/retry.js";
import { describeFirmwareTaskDevices, type DeviceRow } from "./tencent/task-status.js";

const PAGE_SIZE = 100;

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
    rows.forEach(visit);
    offset += returned;
    if (returned === 0 || (returned < PAGE_SIZE && offset >= total)) return offset >= total;
  }
  return false;
}
