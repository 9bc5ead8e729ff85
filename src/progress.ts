import type { FailureThreshold } from "./input-values.js";
import type { StatusCount } from "./tencent/task-status.js";

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
  /** Codes Tencent does not document: taken as still upgrading, so they hold the wait. */
  other: number;
  total: number;
}

const STATE_OF: Record<number, keyof Omit<Counts, "total">> = {
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
export function tally(infos: readonly StatusCount[]): Counts {
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
    total: 0,
  };
  for (const { status, total } of infos) {
    counts[STATE_OF[status] ?? "other"] += total;
    counts.total += total;
  }
  return counts;
}

/** Devices still moving toward a result; offline ones and those awaiting confirmation are not. */
export function active(counts: Counts): number {
  return counts.pending + counts.downloading + counts.flashing + counts.other;
}

/** What the rollout amounts to, once failed rows that are really "already up to date" are known. */
export interface Outcome {
  total: number;
  succeeded: number;
  failed: number;
  pending: number;
}

/** Pure: the outcome, counting `upToDate` of the failed devices as succeeded. */
export function outcome(counts: Counts, upToDate: number): Outcome {
  const alreadyThere = Math.min(upToDate, counts.failed);
  return {
    total: counts.total,
    succeeded: counts.done + alreadyThere,
    failed: counts.failed - alreadyThere + counts.timedOut,
    pending: active(counts) + counts.offline + counts.awaiting,
  };
}

/** How many failed devices the threshold allows for a task of `total` devices. */
export function allowedFailures(threshold: FailureThreshold, total: number): number {
  return "count" in threshold
    ? threshold.count
    : Math.floor((threshold.percent * total) / 100 + 1e-9);
}

/** What to do after a poll. */
export type Decision =
  | { kind: "continue" }
  | { kind: "succeeded" }
  | { kind: "failed"; allowed: number }
  | { kind: "timed-out" };

/**
 * Pure: the wait's decision. Failures over the threshold end it at once, even while devices are
 * still upgrading; it succeeds once nothing is actively upgrading (offline devices and those
 * awaiting confirmation do not hold it); it times out when the time is up.
 */
export function judge(
  counts: Counts,
  upToDate: number,
  threshold: FailureThreshold,
  elapsedMs: number,
  timeoutMs: number,
): Decision {
  const allowed = allowedFailures(threshold, counts.total);
  if (outcome(counts, upToDate).failed > allowed) return { kind: "failed", allowed };
  if (active(counts) === 0) return { kind: "succeeded" };
  return elapsedMs >= timeoutMs ? { kind: "timed-out" } : { kind: "continue" };
}

/** Pure: one progress line for the log. */
export function progressLine(
  taskId: number,
  elapsedMs: number,
  counts: Counts,
  upToDate: number,
): string {
  const parts = [
    `${counts.pending} pending`,
    `${counts.downloading} downloading`,
    `${counts.flashing} flashing`,
    `${counts.done} done`,
    `${counts.failed - Math.min(upToDate, counts.failed)} failed`,
    `${counts.timedOut} timed out`,
    `${counts.offline} offline`,
    `${counts.awaiting} awaiting confirmation`,
  ];
  if (upToDate > 0) parts.push(`${upToDate} already up to date`);
  if (counts.other > 0) parts.push(`${counts.other} in other states`);
  return `Task ${taskId} after ${clock(elapsedMs)}: ${parts.join(", ")} (of ${counts.total}).`;
}

/** 75000 → "1m15s" */
export function clock(ms: number): string {
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
