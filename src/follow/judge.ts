import type { FailureThreshold } from "../inputs/values.js";
import { active, type Counts } from "./progress.js";

/**
 * What the device rows add to the distribution's counts. Tencent reports a device already on
 * the version, and (as we read it) a cancelled one, as failed (5): only the rows tell them apart.
 */
export interface Findings {
  /** Failed rows that say the device already runs the version: upgraded, not failed. */
  upToDate: number;
  /** Failed rows that say the device's upgrade was cancelled: neither upgraded nor failed. */
  cancelled: number;
  /** Failed devices just put back to the start by retry-failed-devices: not failures yet. */
  retrying: number;
}

export const NO_FINDINGS: Findings = { upToDate: 0, cancelled: 0, retrying: 0 };

/** What a task must show to pass. */
export interface Gate {
  maxFailed: FailureThreshold;
  /**
   * How many must have upgraded (done or already up to date), of the task's devices less those
   * cancelled; none for a plain wait. A wave sets it: it never passes with no device upgraded.
   */
  success?: FailureThreshold;
  /** How many devices the task holds, when known: a distribution with fewer is not known yet. */
  expected?: number;
}

/** What a task amounts to, per device. */
export interface Outcome {
  total: number;
  succeeded: number;
  failed: number;
  /** Not finished: upgrading, offline, awaiting confirmation, or in a status Tencent does not document. */
  pending: number;
  cancelled: number;
}

/** Pure: the outcome of the counts once the rows' findings are known. */
export function outcome(counts: Counts, findings: Findings): Outcome {
  const alreadyThere = Math.min(findings.upToDate, counts.failed);
  const cancelled = Math.min(findings.cancelled, counts.failed - alreadyThere);
  const retrying = Math.min(findings.retrying, counts.failed - alreadyThere - cancelled);
  return {
    total: counts.total,
    succeeded: counts.done + alreadyThere,
    failed: counts.failed - alreadyThere - cancelled - retrying + counts.timedOut,
    pending: active(counts) + counts.offline + counts.awaiting + counts.other + retrying,
    cancelled,
  };
}

/** How many failed devices the threshold allows for a task of `total` devices. */
export function allowedFailures(threshold: FailureThreshold, total: number): number {
  return "count" in threshold
    ? threshold.count
    : Math.floor((threshold.percent * total) / 100 + 1e-9);
}

/** How many of `size` devices a success threshold asks for: never more than `size`, never 0 (unless `size` is). */
export function neededSuccesses(threshold: FailureThreshold, size: number): number {
  const wanted =
    "count" in threshold ? threshold.count : Math.ceil((threshold.percent * size) / 100 - 1e-9);
  return Math.min(Math.max(0, size), Math.max(1, wanted));
}

/** What to do after a poll, and why. */
export type Decision =
  | { kind: "continue" }
  | { kind: "succeeded" }
  | { kind: "failed"; allowed: number; why: "failures" | "unreachable" }
  | { kind: "timed-out"; why: "upgrading" | "not-enough" | "unknown" };

/**
 * Pure: the decision after a poll. A distribution that is empty, unreadable or short of the
 * task's devices is not known yet: never success. Failures over the threshold end it at once.
 * It passes once no device is actively upgrading and enough have upgraded; it fails early when
 * enough can no longer upgrade; otherwise it waits until the time is up.
 */
export function judge(
  counts: Counts,
  findings: Findings,
  gate: Gate,
  elapsedMs: number,
  timeoutMs: number,
): Decision {
  const timeUp = elapsedMs >= timeoutMs;
  if (!known(counts, gate)) return timeUp ? { kind: "timed-out", why: "unknown" } : continueOn;
  const result = outcome(counts, findings);
  const allowed = allowedFailures(gate.maxFailed, gate.expected ?? counts.total);
  if (result.failed > allowed) return { kind: "failed", allowed, why: "failures" };
  const needed = neededOf(gate, counts, result);
  if (result.succeeded + result.pending < needed) {
    return { kind: "failed", allowed, why: "unreachable" };
  }
  const moving = active(counts) + findings.retrying;
  if (moving === 0 && result.succeeded >= needed) return { kind: "succeeded" };
  if (!timeUp) return continueOn;
  return { kind: "timed-out", why: moving > 0 ? "upgrading" : "not-enough" };
}

const continueOn: Decision = { kind: "continue" };

/** Devices the gate asks for: a share of those not cancelled (a cancelled device left the wave). */
function neededOf(gate: Gate, counts: Counts, result: Outcome): number {
  if (gate.success === undefined) return 0;
  // Never 0: a wave whose devices were all cancelled has proved nothing.
  return Math.max(
    1,
    neededSuccesses(gate.success, (gate.expected ?? counts.total) - result.cancelled),
  );
}

/** Whether the counts say anything: some devices, no unreadable entry, none missing. */
function known(counts: Counts, gate: Gate): boolean {
  if (counts.total === 0 || counts.unreadable > 0) return false;
  return gate.expected === undefined || counts.total >= gate.expected;
}

/** Pure: the gate's conditions in numbers, e.g. "412 of 500 upgraded, 475 needed; 3 failed, 5 allowed". */
export function describeGate(counts: Counts, findings: Findings, gate: Gate): string {
  const total = gate.expected ?? counts.total;
  if (!known(counts, gate)) {
    return `Tencent did not yet report ${gate.expected === undefined ? "the task's devices" : `all ${total} devices`} (${counts.total} reported${counts.unreadable > 0 ? `, ${counts.unreadable} unreadable entries` : ""})`;
  }
  const result = outcome(counts, findings);
  const allowed = allowedFailures(gate.maxFailed, total);
  const needed = gate.success === undefined ? "" : `, ${neededOf(gate, counts, result)} needed`;
  return `${result.succeeded} of ${total} upgraded${needed}; ${result.failed} failed, ${allowed} allowed`;
}
