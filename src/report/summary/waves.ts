import { formatDuration } from "../../follow/progress.js";
import type { WaveReport } from "../run-report.js";
import { progressCell } from "./bars.js";
import { cell } from "./cell.js";
import { deviceTables, stateTable, type RowBudget } from "./device-tables.js";

/** Rows of the waves table at most: the first few, then the last, the stopping wave among them. */
export const MAX_WAVE_ROWS = 30;
const HEAD_ROWS = 5;
/** Waves whose devices are named at most: the stopping wave first, then passed ones with failures. */
export const MAX_DETAILED_WAVES = 5;

const VERDICTS: Record<WaveReport["verdict"], string> = {
  passed: "✅ passed",
  failed: "❌ failed",
  "timed-out": "❌ timed out",
  cancelled: "❌ cancelled",
  "not started": "not started",
  "next run": "⏳ next run",
};

/** One row of the table: a wave, or a run of waves that have no task yet. */
interface Row {
  waves: WaveReport[];
  text: string;
}

/**
 * Pure: a row per wave (Wave | Devices | Task | Progress | Verdict | Gate), the waves without a
 * task folded into ranges, and at most MAX_WAVE_ROWS rows, the left-out ones counted.
 */
export function wavesTable(waves: readonly WaveReport[]): string[] {
  let rows = foldRows(waves);
  if (rows.length > MAX_WAVE_ROWS) {
    const tail = rows.slice(rows.length - (MAX_WAVE_ROWS - HEAD_ROWS - 1));
    const left = rows.slice(HEAD_ROWS, rows.length - tail.length).flatMap((row) => row.waves);
    rows = [...rows.slice(0, HEAD_ROWS), leftOutRow(left), ...tail];
  }
  return [
    "| Wave | Devices | Task | Progress | Verdict | Gate |",
    "|---:|---:|---|---|---|---|",
    ...rows.map((row) => row.text),
  ];
}

function foldRows(waves: readonly WaveReport[]): Row[] {
  const rows: Row[] = [];
  for (const wave of waves) {
    const last = rows[rows.length - 1];
    const prev = last?.waves[last.waves.length - 1];
    const folds =
      prev !== undefined && untouched(prev) && untouched(wave) && prev.verdict === wave.verdict;
    if (last !== undefined && folds && !wave.canary) {
      rows[rows.length - 1] = rangeRow([...last.waves, wave]);
    } else {
      rows.push({ waves: [wave], text: waveRow(wave) });
    }
  }
  return rows;
}

function untouched(wave: WaveReport): boolean {
  return wave.taskId === undefined && wave.counts === undefined;
}

function waveRow(wave: WaveReport): string {
  const label = `${wave.number}${wave.canary ? " (canary)" : ""}`;
  const task =
    wave.taskId === undefined
      ? ""
      : `${wave.taskId}${wave.origin === "earlier run" ? " (earlier run)" : ""}`;
  const total = wave.follow?.gate.expected ?? wave.counts?.total ?? wave.devices;
  const after = wave.durationMs === undefined ? "" : ` after ${formatDuration(wave.durationMs)}`;
  const verdict = `${VERDICTS[wave.verdict]}${after}`;
  return `| ${label} | ${wave.devices} | ${task} | ${progressCell(wave.counts, total)} | ${verdict} | ${cell(wave.gate ?? "")} |`;
}

function rangeRow(waves: WaveReport[]): Row {
  const first = waves[0]!;
  const label = `${first.number}–${waves[waves.length - 1]!.number}`;
  const count = waves.reduce((sum, wave) => sum + wave.devices, 0);
  const text = `| ${label} | ${count} |  | ${progressCell(undefined, 0)} | ${VERDICTS[first.verdict]} |  |`;
  return { waves, text };
}

function leftOutRow(waves: WaveReport[]): Row {
  const count = waves.reduce((sum, wave) => sum + wave.devices, 0);
  const verdicts = new Map<string, number>();
  for (const wave of waves) verdicts.set(wave.verdict, (verdicts.get(wave.verdict) ?? 0) + 1);
  const which = [...verdicts].map(([verdict, n]) => `${n} ${verdict.replace("-", " ")}`).join(", ");
  const text = `| … | ${count} |  |  | ${waves.length} waves not shown: ${which} |  |`;
  return { waves, text };
}

/**
 * The devices of the waves that did not pass, or passed leaving failed devices behind: the
 * stopping wave first, at most MAX_DETAILED_WAVES, the device rows within the summary's budget.
 */
export function waveDetails(waves: readonly WaveReport[], budget: RowBudget): string[] {
  const named = waves.filter(
    (wave) =>
      wave.follow !== undefined &&
      (wave.verdict !== "passed" || wave.follow.devices.failed.length > 0),
  );
  const ordered = [
    ...named.filter((wave) => wave.verdict !== "passed"),
    ...named.filter((wave) => wave.verdict === "passed"),
  ];
  const lines = ordered.slice(0, MAX_DETAILED_WAVES).flatMap((wave) => waveSection(wave, budget));
  const more = ordered.length - MAX_DETAILED_WAVES;
  if (more > 0)
    lines.push(`The devices of ${more} more waves with failed devices are not listed.`, "");
  return lines;
}

function waveSection(wave: WaveReport, budget: RowBudget): string[] {
  const follow = wave.follow!;
  const lines = [
    `#### Wave ${wave.number}: ${VERDICTS[wave.verdict]}`,
    "",
    ...stateTable(follow),
    ...deviceTables(follow, budget),
    "",
  ];
  if (wave.cancel !== undefined) {
    const c = wave.cancel;
    lines.push(
      `Cancelled ${c.cancelled} not-started device(s); ${c.skipped} had moved on; ${c.failed} could not be cancelled; ${c.notTried} not tried.`,
      "",
    );
  }
  return lines;
}
