import { statusName, type NamedDevice } from "../follow/device-findings.js";
import { resultCounts, type FollowResult } from "../follow/follow-task.js";
import { describeGate } from "../follow/judge.js";
import { formatDuration, undocumented } from "../follow/progress.js";

/** Devices listed at most in one table: the summary must stay far below GitHub's 1 MiB. */
export const MAX_DEVICE_ROWS = 50;

/** Outside text made safe for one table cell. */
type Cell = (text: string) => string;

/** Pure: how a wait ended, as Markdown: the gate, the states, the devices that did not upgrade. */
export function followTables(result: FollowResult, cell: Cell): string[] {
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
  const lines = [
    `After ${formatDuration(result.elapsedMs)}: ${describeGate(counts, findings, result.gate)}; ${outcome.pending} pending.`,
    "",
    "| State | Devices |",
    "|---|---:|",
    ...rows.filter(([, n]) => n > 0).map(([state, n]) => `| ${state} | ${n} |`),
    ...undocumented(counts).map((text) => `| ${cell(text)} | |`),
  ];
  if (result.retries.devices > 0) {
    lines.push(
      "",
      `retry-failed-devices: ${result.retries.devices} device(s) retried, ${result.retries.calls} RetryDeviceFirmwareTask call(s).`,
    );
  }
  const { failed, pending, cancelled } = result.devices;
  lines.push(...deviceTable("Failed device", failed, outcome.failed, cell));
  lines.push(...deviceTable("Not upgraded", pending, outcome.pending, cell));
  lines.push(...deviceTable("Cancelled device", cancelled, outcome.cancelled, cell));
  return lines;
}

/** Pure: one table of named devices with Tencent's status, return code and message. */
export function deviceTable(
  title: string,
  devices: readonly NamedDevice[],
  total: number,
  cell: Cell,
): string[] {
  if (devices.length === 0) return [];
  const shown = devices.slice(0, MAX_DEVICE_ROWS);
  const more = Math.max(total, devices.length) - shown.length;
  return [
    "",
    `| ${title} | Status | Return code | Tencent's message |`,
    "|---|---:|---:|---|",
    ...shown.map(
      (d) =>
        `| ${cell(d.name)} | ${statusName(d.status)} | ${d.retcode ?? ""} | ${cell(d.message)} |`,
    ),
    ...(more > 0 ? ["", `…and ${more} more.`] : []),
  ];
}
