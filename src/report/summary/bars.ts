import type { Outcome } from "../../follow/judge.js";

/** Cells of a progress bar: one per tenth. */
export const BAR_CELLS = 10;
const FULL = "▓";
const EMPTY = "░";

/**
 * Pure: "▓▓▓▓▓▓▓░░░ 70%", the share of `total` devices that upgraded. Both round down, so a
 * full bar and 100% mean every device, never 99.6% of them. No devices: the empty bar alone.
 */
export function progressBar(upgraded: number, total: number): string {
  if (total <= 0) return EMPTY.repeat(BAR_CELLS);
  const share = Math.min(1, Math.max(0, upgraded / total));
  const cells = Math.floor(share * BAR_CELLS);
  const percent = Math.floor(share * 100);
  return `${FULL.repeat(cells)}${EMPTY.repeat(BAR_CELLS - cells)} ${percent}%`;
}

/** Pure: "7 upgraded, 1 failed, 2 pending", with the cancelled when there are any. */
export function outcomeNumbers(counts: Outcome): string {
  const cancelled = counts.cancelled > 0 ? `, ${counts.cancelled} cancelled` : "";
  return `${counts.succeeded} upgraded, ${counts.failed} failed, ${counts.pending} pending${cancelled}`;
}

/** Pure: a wave's or a task's progress, the bar then the numbers: "▓▓▓▓▓░░░░░ 50%: 5 upgraded, …". */
export function progressCell(counts: Outcome | undefined, total: number): string {
  if (counts === undefined) return progressBar(0, 0);
  return `${progressBar(counts.succeeded, total)}: ${outcomeNumbers(counts)}`;
}
