import { eachDeviceRow } from "./device-rows.js";
import { forLog } from "../report/outside-text.js";
import type { TencentClient } from "../tencent/client.js";
import type { RetryPolicy } from "../http/retry.js";
import type { DeviceRow } from "../tencent/iotvideo/task-devices.js";
import type { Findings } from "./judge.js";

/** A device of the task named in the log and the summary, with what Tencent said of it. */
export interface NamedDevice {
  name: string;
  status: number;
  retcode?: number;
  message: string;
}

/** What the device rows told about the task's devices that did not simply upgrade. */
export interface DeviceFindings {
  /** Failed rows that say the device already runs the version: not failures. */
  upToDate: number;
  /** Devices whose upgrade was cancelled (by this action or anyone). */
  cancelled: NamedDevice[];
  /** Devices that failed or timed out. */
  failed: NamedDevice[];
  /** Devices not finished: offline, awaiting confirmation, still upgrading, undocumented codes. */
  pending: NamedDevice[];
  /** False when the rows were not all read (MAX_PAGES, or fewer distinct rows than devices). */
  complete: boolean;
}

/** 5,000 rows: naming devices must never turn into a full scan of a huge fleet. */
export const MAX_PAGES = 50;
const FAILED = 5;
const DONE = 6;
const TIMED_OUT = 10;
/** How Tencent reports a device already on the target version (a failed row, status 5). */
const UP_TO_DATE = /no need (to )?update/i;
/**
 * ASSUMPTION (Tencent documents no status for it): a cancelled device is a failed (5) row whose
 * ErrMsg speaks of a cancel. It is then neither upgraded nor failed.
 */
const CANCELLED = /cancel/i;

export const NO_DEVICE_FINDINGS: DeviceFindings = {
  upToDate: 0,
  cancelled: [],
  failed: [],
  pending: [],
  complete: true,
};

/**
 * The task's devices from the version's rows (filtered here by TaskId), one row per device:
 * a device listed twice (a repeated or shifted page, or an old row) counts once, its latest
 * row winning. `devices` is how many the task holds: fewer distinct rows mean an incomplete read.
 */
export async function findDevices(
  client: TencentClient,
  task: { productId: string; firmwareVersion: string; taskId: number },
  devices: number,
  policy: RetryPolicy,
): Promise<DeviceFindings> {
  const latest = new Map<string, DeviceRow>();
  const whole = await eachDeviceRow(client, task, policy, MAX_PAGES, (row) => {
    if (row.taskId !== task.taskId) return;
    const seen = latest.get(row.deviceName);
    if (seen === undefined || (row.lastProcessTime ?? 0) >= (seen.lastProcessTime ?? 0)) {
      latest.set(row.deviceName, row);
    }
  });
  const findings: DeviceFindings = {
    upToDate: 0,
    cancelled: [],
    failed: [],
    pending: [],
    complete: whole && latest.size >= devices,
  };
  for (const row of latest.values()) sort(row, findings);
  return findings;
}

function sort(row: DeviceRow, findings: DeviceFindings): void {
  if (row.status === DONE) return;
  if (row.status === FAILED && UP_TO_DATE.test(row.errMsg)) findings.upToDate++;
  else if (row.status === FAILED && CANCELLED.test(row.errMsg)) findings.cancelled.push(named(row));
  else if (row.status === FAILED || row.status === TIMED_OUT) findings.failed.push(named(row));
  else findings.pending.push(named(row));
}

function named(row: DeviceRow): NamedDevice {
  return {
    name: row.deviceName,
    status: row.status,
    message: row.errMsg,
    ...(row.retcode === undefined ? {} : { retcode: row.retcode }),
  };
}

/** The judge's view of the findings, with `retrying` devices just sent back to the start. */
export function findingsOf(devices: DeviceFindings, retrying: number): Findings {
  return { upToDate: devices.upToDate, cancelled: devices.cancelled.length, retrying };
}

/** Devices named in a log line at most; the job summary lists more. */
export const NAMED_IN_LOG = 5;

/**
 * Pure: "cam-7 (retcode 12: download failed), cam-9 (status 0)… and 38 more", for the log: each
 * name and message on one line, no workflow command.
 */
export function nameDevices(devices: readonly NamedDevice[], total: number): string {
  if (devices.length === 0) {
    return `${total} device(s), not named: their rows were not among those read`;
  }
  const shown = devices.slice(0, NAMED_IN_LOG).map((device) => {
    const said = device.message === "" ? "" : `: ${forLog(device.message, 80)}`;
    const failedWith = device.retcode !== undefined && device.retcode !== 0;
    const code = failedWith ? `retcode ${device.retcode}` : statusName(device.status);
    return `${forLog(device.name, 64)} (${code}${said})`;
  });
  const more = Math.max(total, devices.length) - shown.length;
  return `${shown.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
}

const STATUS_NAMES: Record<number, string> = {
  0: "offline",
  1: "pending",
  2: "pending",
  3: "downloading",
  4: "flashing",
  5: "failed",
  6: "done",
  7: "flashing",
  8: "awaiting confirmation",
  10: "timed out",
  20: "downloading",
};

/** Pure: a per-device status code in words; an undocumented one by its number. */
export function statusName(status: number): string {
  return STATUS_NAMES[status] ?? `status ${status} (undocumented)`;
}
