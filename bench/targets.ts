// The targets, and whether one Node version's figures meet them. Pure: the console and
// BENCHMARKS.md print the same checks.
import { MAX_PAGES } from "../src/follow/device-findings.js";
import { cancelCheck } from "./cancel.js";
import type { ColdSummary } from "./cold-summary.js";
import type { InlineRun } from "./inline.js";
import type { NodeResults, PlanRun, ResumedRun, WavesRun } from "./results.js";
import type { Row } from "./table.js";
import type { WaitRun } from "./wait.js";

/** A cold rollout takes at most this share of the SDK script's time. */
export const COLD_MAX_RATIO = 0.8;
/** The list whose time is held against md5sum's. */
export const TARGET_NAMES = 8_000_000;
export const MAX_RATIO = 3;
/** Peak RSS of a device-list rollout, any size, and of the five-wave rollout. */
export const MAX_RSS_MIB = 120;
/**
 * "Flat in list size", as this bench reads it: the peak RSS of the largest list at most this much
 * above the smallest's (10% of the target; run-to-run spread is a few MiB).
 */
export const MAX_RSS_GROWTH_MIB = 12;
export const PLAN_MAX_SECONDS = 2;
/** How many names planMillion (wait.ts) plans. */
export const PLAN_NAMES = 1_000_000;
/** The poll interval followedRollout (wait.ts) asks for. */
export const POLL_SECONDS = 5;
export const WAVE_TASKS = 5;

/** One target on one Node version. */
export interface Check {
  target: string;
  /** The measured figure the verdict rests on. */
  figure: string;
  met: boolean;
}

/** Every target whose section ran. */
export function checks(results: NodeResults): Check[] {
  return [
    ...(results.cold ? [coldCheck(results.cold)] : []),
    ...(results.lists ? listChecks(results.lists) : []),
    ...(results.wait ? waitChecks(results.wait) : []),
    ...(results.plan ? [planCheck(results.plan)] : []),
    ...(results.waves ? [wavesCheck(results.waves)] : []),
    ...(results.resumed ? [resumedCheck(results.resumed)] : []),
    ...(results.resumedLedger ? [ledgerCheck(results.resumedLedger, results.resumed)] : []),
    ...(results.inline ? [inlineCheck(results.inline)] : []),
    ...(results.cancel ? [cancelCheck(results.cancel)] : []),
  ];
}

function coldCheck(cold: ColdSummary): Check {
  return {
    target: `cold rollout ≤ ${COLD_MAX_RATIO}× the SDK script`,
    figure: `${cold.ratio.toFixed(2)}× (${ms(cold.action.seconds)} / ${ms(cold.sdk.seconds)})`,
    met: cold.ratio <= COLD_MAX_RATIO,
  };
}

/** Both device-list targets rest on the 8M-name list: none when it was not run. */
function listChecks(rows: Row[]): Check[] {
  const target = rows.find((row) => row.names === TARGET_NAMES);
  if (target === undefined) return [];
  const time = `8M-name device list ≤ ${MAX_RATIO}× md5sum`;
  const memory = `device-list peak RSS ≤ ${MAX_RSS_MIB} MiB, flat in list size`;
  if (target.action === undefined || target.peakRssMiB === undefined) {
    const figure = target.failure === undefined ? "scan only" : "run failed";
    return [
      { target: time, figure, met: false },
      { target: memory, figure, met: false },
    ];
  }
  const ratio = target.action / target.md5sum;
  const peaks = rows
    .filter((row) => row.peakRssMiB !== undefined)
    .sort((a, b) => a.names - b.names)
    .map((row) => row.peakRssMiB!);
  const growth = target.peakRssMiB - peaks[0]!;
  return [
    {
      target: time,
      figure: `${ratio.toFixed(2)}× (${target.action.toFixed(3)} / ${target.md5sum.toFixed(3)} s)`,
      met: target.failure === undefined && ratio <= MAX_RATIO,
    },
    {
      target: memory,
      figure: `${peaks.map((peak) => peak.toFixed(0)).join(" → ")} MiB`,
      met: Math.max(...peaks) <= MAX_RSS_MIB && growth <= MAX_RSS_GROWTH_MIB,
    },
  ];
}

function waitChecks(run: WaitRun): Check[] {
  const finished = run.code === 0 && run.outputs["status"] === "succeeded";
  // Polls come POLL_SECONDS apart, the first at once: a run of s seconds has room for
  // 1 + floor(s / POLL_SECONDS) of them, so any second call in a poll shows.
  const room = 1 + Math.floor(run.seconds / POLL_SECONDS);
  const mostPages = Math.max(0, ...run.pagesPerPoll);
  return [
    {
      target: "one DescribeFirmwareTaskDistribution per poll",
      figure: `${run.polls} calls in ${run.seconds.toFixed(1)} s at ${POLL_SECONDS} s polls (room for ${room})`,
      met: finished && run.polls >= 1 && run.polls <= room,
    },
    {
      target: `bounded paging (≤ ${MAX_PAGES} device pages a poll)`,
      figure: `${run.devicePages} pages (${run.pagesPerPoll.join(", ")})`,
      met: finished && mostPages <= MAX_PAGES,
    },
  ];
}

export function planCheck(plan: PlanRun): Check {
  // A plan that lost names would be fast for the wrong reason.
  const planned = plan.waves.reduce((sum, size) => sum + size, 0);
  const whole = planned === PLAN_NAMES;
  return {
    target: `planWaves 1M names < ${PLAN_MAX_SECONDS} s`,
    figure: whole
      ? `${plan.seconds.toFixed(2)} s`
      : `${plan.seconds.toFixed(2)} s, but ${planned.toLocaleString("en")} names planned`,
    met: whole && plan.seconds < PLAN_MAX_SECONDS,
  };
}

function wavesCheck(run: WavesRun): Check {
  return {
    target: `100k names in five waves, peak RSS ≤ ${MAX_RSS_MIB} MiB`,
    figure: `${run.peakRssMiB.toFixed(0)} MiB (exit ${run.code}, ${run.tasks} tasks)`,
    met: run.code === 0 && run.tasks === WAVE_TASKS && run.peakRssMiB <= MAX_RSS_MIB,
  };
}

/** device-names near what one variable can carry: the action says so first, and not below. */
function inlineCheck(run: InlineRun): Check {
  return {
    target: "device-names: a warning before the size Linux refuses",
    figure: `warns from ${run.warnFrom} names (${run.warnedAt ? "warned" : "no warning"}; ${run.quietBelow ? "quiet" : "warned"} at ${run.warnFrom - 1}), a process starts with at most ${run.maxNames}`,
    met: run.warnedAt && run.quietBelow && run.warnFrom < run.maxNames,
  };
}

const MAX_RESUME_CALLS = 30;

/** The same memory target, for the run that reads the earlier waves' device rows back. */
function resumedCheck(run: ResumedRun): Check {
  return {
    target: `the same, resumed after four waves, peak RSS ≤ ${MAX_RSS_MIB} MiB`,
    figure: `${run.peakRssMiB.toFixed(0)} MiB (exit ${run.code}, ${run.rows.toLocaleString("en")} rows read back)`,
    met: run.code === 0 && run.tasks === WAVE_TASKS && run.peakRssMiB <= MAX_RSS_MIB,
  };
}

/** Issue 19's target: a resume from the deployment's record costs at most 30 calls. */
function ledgerCheck(run: ResumedRun, rows: ResumedRun | undefined): Check {
  const calls = run.callsBeforeCreate + run.githubCalls;
  const against = rows ? `; ${rows.callsBeforeCreate} IoT Video calls from the device rows` : "";
  return {
    target: `resumed from the deployment's record: ≤ ${MAX_RESUME_CALLS} API calls before the next create`,
    figure: `${run.callsBeforeCreate} IoT Video + ${run.githubCalls} GitHub calls (exit ${run.code})${against}`,
    met: run.code === 0 && run.tasks === WAVE_TASKS && calls <= MAX_RESUME_CALLS,
  };
}

function ms(seconds: number): string {
  return `${(seconds * 1000).toFixed(0)} ms`;
}
