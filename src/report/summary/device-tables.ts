import { statusName, type NamedDevice } from "../../follow/device-findings.js";
import { resultCounts, type FollowResult } from "../../follow/follow-task.js";
import { undocumented } from "../../follow/progress.js";
import { cell } from "./cell.js";

/** Devices listed at most in one table. */
export const MAX_DEVICE_ROWS = 50;
/**
 * Device rows listed at most in the whole summary, over every table of every wave. A row is at
 * most ~1.7 KB (a 64-character name and a 200-character message, each character escaped to 6
 * bytes), so they stay near 340 KB, far below GitHub's 1 MiB for a step summary.
 */
export const MAX_SUMMARY_DEVICE_ROWS = 200;
/** Undocumented status codes listed at most in a state table; Tencent could send any number. */
export const MAX_CODE_ROWS = 10;
/** Tencent's device names are far shorter; a longer one from a server is cut. */
const MAX_NAME = 64;

/** How many device rows the summary may still list: its tables take from it in turn. */
export interface RowBudget {
  left: number;
}

/** A fresh budget for one summary. */
export function rowBudget(): RowBudget {
  return { left: MAX_SUMMARY_DEVICE_ROWS };
}

/** Pure: a task's devices by state, and what retry-failed-devices did. */
export function stateTable(result: FollowResult): string[] {
  const { counts, findings } = result;
  const outcome = resultCounts(result);
  const rows: Array<[string, number]> = [
    ["done", counts.done],
    ["already up to date", Math.min(findings.upToDate, counts.failed)],
    ["failed", outcome.failed - counts.timedOut],
    ["timed out", counts.timedOut],
    ["cancelled", outcome.cancelled],
    ["being retried", findings.retrying],
    ["pending", counts.pending],
    ["downloading", counts.downloading],
    ["flashing", counts.flashing],
    ["offline", counts.offline],
    ["awaiting confirmation", counts.awaiting],
  ];
  const codes = undocumented(counts);
  const moreCodes = codes.length - MAX_CODE_ROWS;
  const lines = [
    "| State | Devices |",
    "|---|---:|",
    ...rows.filter(([, n]) => n > 0).map(([state, n]) => `| ${state} | ${n} |`),
    ...codes.slice(0, MAX_CODE_ROWS).map((text) => `| ${cell(text)} | |`),
    ...(moreCodes > 0 ? [`| ${moreCodes} more undocumented status codes | |`] : []),
  ];
  if (result.retries.devices > 0) {
    lines.push(
      "",
      `retry-failed-devices: ${result.retries.devices} device(s) retried, ${result.retries.calls} RetryDeviceFirmwareTask call(s).`,
    );
  }
  return lines;
}

/** The tables of a task's failed, not upgraded and cancelled devices, within the budget. */
export function deviceTables(result: FollowResult, budget: RowBudget): string[] {
  const outcome = resultCounts(result);
  const { failed, pending, cancelled } = result.devices;
  return [
    ...deviceTable(["Failed device", "failed device(s)"], failed, outcome.failed, budget),
    ...deviceTable(["Not upgraded", "device(s) not upgraded"], pending, outcome.pending, budget),
    ...deviceTable(
      ["Cancelled device", "cancelled device(s)"],
      cancelled,
      outcome.cancelled,
      budget,
    ),
  ];
}

/**
 * One table of named devices with Tencent's status, return code and message: at most
 * MAX_DEVICE_ROWS, and no more than the budget has left; the rest are counted.
 */
export function deviceTable(
  [title, noun]: [string, string],
  devices: readonly NamedDevice[],
  total: number,
  budget: RowBudget,
): string[] {
  if (devices.length === 0) return [];
  const shown = devices.slice(0, Math.min(MAX_DEVICE_ROWS, budget.left));
  budget.left -= shown.length;
  const all = Math.max(total, devices.length);
  if (shown.length === 0) {
    return [
      "",
      `${all} ${noun}, not listed: the summary lists ${MAX_SUMMARY_DEVICE_ROWS} at most.`,
    ];
  }
  const more = all - shown.length;
  return [
    "",
    `| ${title} | Status | Return code | Tencent's message |`,
    "|---|---:|---:|---|",
    ...shown.map(
      (d) =>
        `| ${cell(d.name, MAX_NAME)} | ${statusName(d.status)} | ${d.retcode ?? ""} | ${cell(d.message)} |`,
    ),
    ...(more > 0 ? ["", `…and ${more} more.`] : []),
  ];
}
