import type { Findings } from "./judge.js";
import type { Distribution } from "../tencent/iotvideo/task-devices.js";

/**
 * A task's devices by state. Per-device status codes (documented for IoT Explorer; IoT Video's
 * examples use the same): 0 offline, 1 pending, 2 message delivered, 3 downloading, 4 flashing,
 * 5 failed, 6 done, 7 processing, 8 awaiting the user's confirmation, 10 timed out, 20 downloaded.
 */
export interface Counts {
  pending: number;
  downloading: number;
  flashing: number;
  done: number;
  failed: number;
  timedOut: number;
  offline: number;
  awaiting: number;
  /**
   * Codes Tencent does not document: not upgraded, not failed, and not upgrading either (so they
   * cannot hold a wait for ever); shown by their number in `codes`.
   */
  other: number;
  /** The undocumented codes seen, code → devices. */
  codes: Record<number, number>;
  /** Entries of the distribution that could not be read: the counts are not known yet. */
  unreadable: number;
  total: number;
}

type State = Exclude<keyof Counts, "total" | "codes" | "unreadable">;

const STATE_OF: Record<number, State> = {
  0: "offline",
  1: "pending",
  2: "pending",
  3: "downloading",
  20: "downloading",
  4: "flashing",
  7: "flashing",
  5: "failed",
  6: "done",
  8: "awaiting",
  10: "timedOut",
};

/** Pure: counts by state from DescribeFirmwareTaskDistribution's StatusInfos. */
export function tally({ infos, unreadable }: Distribution): Counts {
  const counts: Counts = {
    pending: 0,
    downloading: 0,
    flashing: 0,
    done: 0,
    failed: 0,
    timedOut: 0,
    offline: 0,
    awaiting: 0,
    other: 0,
    codes: {},
    unreadable,
    total: 0,
  };
  for (const { status, total } of infos) {
    const state = STATE_OF[status];
    if (state === undefined) counts.codes[status] = (counts.codes[status] ?? 0) + total;
    counts[state ?? "other"] += total;
    counts.total += total;
  }
  return counts;
}

/** Devices still moving toward a result; offline ones, those awaiting confirmation and undocumented codes are not. */
export function active(counts: Counts): number {
  return counts.pending + counts.downloading + counts.flashing;
}

/** Pure: one progress line for the log. */
export function progressLine(
  taskId: number,
  elapsedMs: number,
  counts: Counts,
  findings: Findings,
): string {
  const { upToDate, cancelled } = findings;
  const parts = [
    `${counts.pending} pending`,
    `${counts.downloading} downloading`,
    `${counts.flashing} flashing`,
    `${counts.done} done`,
    `${Math.max(0, counts.failed - upToDate - cancelled)} failed`,
    `${counts.timedOut} timed out`,
    `${counts.offline} offline`,
    `${counts.awaiting} awaiting confirmation`,
  ];
  if (upToDate > 0) parts.push(`${upToDate} already up to date`);
  if (cancelled > 0) parts.push(`${cancelled} cancelled`);
  if (findings.retrying > 0) parts.push(`${findings.retrying} being retried`);
  parts.push(...undocumented(counts));
  const unread = counts.unreadable > 0 ? `; ${counts.unreadable} unreadable entries` : "";
  return `Task ${taskId} after ${formatDuration(elapsedMs)}: ${parts.join(", ")} (of ${counts.total}${unread}).`;
}

/** "2 in status 9 (undocumented)", one per undocumented code seen. */
export function undocumented(counts: Counts): string[] {
  return Object.entries(counts.codes).map(([code, n]) => `${n} in status ${code} (undocumented)`);
}

/** 75000 → "1m15s" */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0
    ? `${h}h${String(m).padStart(2, "0")}m`
    : m > 0
      ? `${m}m${String(s).padStart(2, "0")}s`
      : `${s}s`;
}
