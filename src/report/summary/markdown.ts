import { resultCounts, type FollowResult } from "../../follow/follow-task.js";
import { formatDuration } from "../../follow/progress.js";
import type { RunReport } from "../run-report.js";
import { outcomeNumbers, progressBar } from "./bars.js";
import { detailsTable, linksLine } from "./details.js";
import { deviceTables, rowBudget, stateTable } from "./device-tables.js";
import { nextStep } from "./next-step.js";
import { errorLine } from "./reasons.js";
import { verdictOf } from "./verdict.js";
import { wavesTable, waveDetails } from "./waves.js";

/** The dry run's request as shown: far above any real one (20 names at most); a flood stops here. */
export const MAX_REQUEST_CHARS = 16_000;

/**
 * Pure: the job summary of one run, success, failure and dry run alike. Did it work first (a
 * mark, a heading, one sentence why), then what failed and what to do, the links, the waves or
 * the task's progress, the devices that did not upgrade, a dry run's request, the details.
 * Every list in it is capped, so it stays far below GitHub's 1 MiB whatever the fleet.
 */
export function summaryMarkdown(report: RunReport): string {
  const verdict = verdictOf(report);
  const budget = rowBudget();
  const { follow, waves } = report;
  const next = nextStep(report);
  const sections: string[][] = [
    [`### ${verdict.mark} ${verdict.title}`, verdict.reason],
    report.error !== undefined && !verdict.saysError
      ? [`**What failed:** ${errorLine(report)}`]
      : [],
    next === undefined ? [] : [`**Next:** ${next}`],
    linksLine(report),
    waves === undefined ? [] : wavesTable(waves),
    waves === undefined ? [] : waveDetails(waves, budget),
    follow === undefined ? [] : [taskProgress(follow), "", ...stateTable(follow)],
    follow === undefined ? [] : deviceTables(follow, budget),
    requestBlock(report.request),
    detailsTable(report),
  ];
  return `${sections
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join("\n").trim())
    .join("\n\n")}\n`;
}

/** "▓▓▓▓▓▓▓▓░░ 80% of 10 devices upgraded after 1m35s: 8 upgraded, 2 failed, 0 pending." */
export function taskProgress(result: FollowResult): string {
  const counts = resultCounts(result);
  const total = result.gate.expected ?? counts.total;
  const after = formatDuration(result.elapsedMs);
  return `${progressBar(counts.succeeded, total)} of ${total} devices upgraded after ${after}: ${outcomeNumbers(counts)}.`;
}

/** The request a dry run would have sent, as JSON in a code block (where no Markdown is read). */
function requestBlock(request: Record<string, unknown> | undefined): string[] {
  if (request === undefined) return [];
  const json = JSON.stringify(request, null, 2);
  const shown =
    json.length > MAX_REQUEST_CHARS ? `${json.slice(0, MAX_REQUEST_CHARS)}\n… (cut)` : json;
  return [
    "The request a real run would send (`BatchUpdateFirmware`):",
    "",
    "```json",
    shown,
    "```",
  ];
}
