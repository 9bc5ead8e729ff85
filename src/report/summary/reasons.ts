import { resultCounts, type FollowResult } from "../../follow/follow-task.js";
import { describeGate } from "../../follow/judge.js";
import type { RunReport } from "../run-report.js";
import { cell } from "./cell.js";

/** The summary's first answer: did it work? ✅ yes, ❌ no, ⏳ not finished but fine, 📝 dry run. */
export type Mark = "✅" | "❌" | "⏳" | "📝";

/** The heading and the sentence under it. */
export interface Verdict {
  mark: Mark;
  /** The heading's words after the mark, safe Markdown. */
  title: string;
  /** One sentence: the gate in numbers, the error, or what was and was not done; safe Markdown. */
  reason: string;
  /** The reason is the run's error message, so the summary does not repeat it. */
  saysError: boolean;
}

/** Outside text in the reason line: an error message can be a few sentences long. */
export const MAX_ERROR = 2000;

/** A verdict whose reason is our own words. */
export function said(mark: Mark, title: string, reason: string): Verdict {
  return { mark, title, reason, saysError: false };
}

/** A failed run: the shortfall in numbers when a wait judged it, else the error message. */
export function failure(
  report: RunReport,
  title: string,
  follow: FollowResult | undefined,
  subject: string,
): Verdict {
  if (follow !== undefined && follow.decision.kind !== "succeeded") {
    return said("❌", title, shortfall(follow, subject));
  }
  return { mark: "❌", title, reason: errorLine(report), saysError: report.error !== undefined };
}

/** Pure: how a wait ended, in one sentence with the gate in numbers. */
export function shortfall(result: FollowResult, subject: string): string {
  const gate = gateOf(result);
  switch (result.decision.kind) {
    case "failed":
      return result.decision.why === "failures"
        ? `${subject} had more failed devices than allowed: ${gate}.`
        : `${subject} can no longer reach its gate: ${gate}.`;
    case "timed-out":
      return `${subject} did not pass before wait-timeout: ${gate}; its task goes on at Tencent.`;
    case "cancelled":
      return `The step was cancelled while following ${subject.toLowerCase()}: ${gate}; its task goes on at Tencent.`;
    case "succeeded":
      return `${gate}.`;
  }
}

/** "8 of 10 upgraded; 2 failed, 0 allowed; 3 pending": the gate, and what is left. */
export function gateOf(result: FollowResult): string {
  const pending = resultCounts(result).pending;
  const left = pending > 0 ? `; ${pending} pending` : "";
  return `${describeGate(result.counts, result.findings, result.gate)}${left}`;
}

/** The run's error by the summary's rule, or plain words when there is none. */
export function errorLine(report: RunReport): string {
  return report.error === undefined
    ? "The run ended before it said why."
    : cell(report.error, MAX_ERROR);
}

/** "Firmware 2.0.0" (or "firmware 2.0.0"): the version is the user's (or the tag's) text. */
export function firmwareOf(report: RunReport, word = "Firmware"): string {
  const version = report.inputs?.firmwareVersion;
  return version === undefined ? word : `${word} ${cell(version, 64)}`;
}

/** The devices in words: as Tencent counted them once a wait saw them, else the target. */
export function targetOf(report: RunReport): string {
  const total = report.follow?.counts.total ?? 0;
  if (total > 0) return devices(total);
  return report.target === undefined ? "its devices" : cell(report.target);
}

/** "1 device", "120 devices". */
export function devices(n: number): string {
  return `${n} device${n === 1 ? "" : "s"}`;
}
