import type { FoundStatus } from "./github.js";

/**
 * The rollout's record in its deployment statuses. Each wave status starts "wave 3/5 · task
 * 1003 · ", so the statuses a run posts are also the ledger a later run reads its waves' tasks
 * from; the rest of the line is for people.
 */

/** GitHub refuses a status description longer than this. */
export const MAX_DESCRIPTION = 140;
const WAVE_LINE = /^wave (\d{1,4})\/(\d{1,4}) · task (\d+) · (.*)$/s;

/** What the ledger knows of one wave. */
export interface LedgerWave {
  taskId: number;
  /** When a status first said the wave passed (GitHub's time, ms). */
  passedAt?: number;
}

/** A wave status line, cut to GitHub's limit. */
export function waveLine(wave: number, waves: number, taskId: number, what: string): string {
  return fit(`wave ${wave}/${waves} · task ${taskId} · ${what}`);
}

/** A single task's status line, cut to GitHub's limit. */
export function taskLine(taskId: number, what: string): string {
  return fit(`task ${taskId} · ${what}`);
}

export function fit(text: string): string {
  const chars = [...text];
  return chars.length <= MAX_DESCRIPTION
    ? text
    : `${chars.slice(0, MAX_DESCRIPTION - 1).join("")}…`;
}

/**
 * Pure: the waves' tasks as the statuses record them, for a plan of `waves` waves. Undefined
 * when the statuses cannot be trusted as a whole: a different number of waves, or one wave
 * recorded with two tasks (then Tencent's rows decide, as without a ledger).
 */
export function readLedger(
  statuses: readonly FoundStatus[],
  waves: number,
): Map<number, LedgerWave> | undefined {
  const ledger = new Map<number, LedgerWave>();
  for (const status of statuses) {
    const match = WAVE_LINE.exec(status.description);
    if (match === null) continue;
    const [wave, total, taskId] = [match[1], match[2], match[3]].map(Number) as [
      number,
      number,
      number,
    ];
    if (total !== waves || wave < 1 || wave > waves || !Number.isSafeInteger(taskId)) {
      return undefined;
    }
    const entry = ledger.get(wave) ?? { taskId };
    if (entry.taskId !== taskId) return undefined;
    const passed = match[4]!.startsWith("passed") && Number.isFinite(status.createdAt);
    if (passed && (entry.passedAt === undefined || status.createdAt < entry.passedAt)) {
      entry.passedAt = status.createdAt;
    }
    ledger.set(wave, entry);
  }
  return ledger;
}

/** "4,100 of 5,000 upgraded" */
export function upgradedOf(succeeded: number, total: number): string {
  return `${count(succeeded)} of ${count(total)} upgraded`;
}

export function count(n: number): string {
  return n.toLocaleString("en");
}
