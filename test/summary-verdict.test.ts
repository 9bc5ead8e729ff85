import { describe, expect, it } from "vitest";
import type { FollowResult } from "../src/follow/follow-task.js";
import type { RawInputs } from "../src/inputs/read-inputs.js";
import { parsedInputs } from "./support/parsed-inputs.js";
import { tally } from "../src/follow/progress.js";
import { describeGate, NO_FINDINGS, outcome } from "../src/follow/judge.js";
import type { RunReport, WaveReport } from "../src/report/run-report.js";
import { summaryMarkdown } from "../src/report/summary/markdown.js";

// The summary's first two lines answer "did it work?": a mark and a heading, then one sentence.

function inputs(extra: Partial<RawInputs> = {}) {
  return parsedInputs(extra);
}

const SINGLE = inputs({ "firmware-original-version": "1.0.0", wait: "true" });
const WAVES = inputs({ "device-names": "a,b,c", waves: "1, 2, 100%", "waves-per-run": "1" });

/** A wait's end: done, failed and offline devices, judged as `decision`. */
function result(
  [done, failed, offline]: [number, number, number],
  decision: FollowResult["decision"],
  gate: FollowResult["gate"] = { maxFailed: { count: 0 } },
): FollowResult {
  const infos = [
    { status: 6, total: done },
    { status: 5, total: failed },
    { status: 0, total: offline },
  ];
  return {
    decision,
    counts: tally({ infos, unreadable: 0 }),
    findings: NO_FINDINGS,
    gate,
    retries: { devices: 0, calls: 0 },
    devices: { upToDate: 0, complete: true, cancelled: [], pending: [], failed: [] },
    elapsedMs: 60_000,
  };
}

const PASSED = { kind: "succeeded" } as const;
const FAILED = { kind: "failed", allowed: 0, why: "failures" } as const;

/** Wave `number` of `devices`, followed to `verdict` with `counts` [done, failed, offline]. */
function wave(
  number: number,
  devices: number,
  verdict: WaveReport["verdict"],
  counts?: [number, number, number],
): WaveReport {
  const base = { number, devices, canary: false, firstNames: [], verdict };
  if (counts === undefined) return base;
  const gate = { maxFailed: { count: 0 }, success: { percent: 100 }, expected: devices };
  const decision =
    verdict === "passed"
      ? PASSED
      : verdict === "failed"
        ? FAILED
        : { kind: "timed-out" as const, why: "not-enough" as const };
  const follow = result(counts, decision, gate);
  return {
    ...base,
    taskId: 100 + number,
    counts: outcome(follow.counts, follow.findings),
    gate: describeGate(follow.counts, follow.findings, gate),
    follow,
  };
}

const task = { taskId: 17, requestId: "r", origin: "created" } as const;

describe("the verdict: a mark, a heading, one sentence why", () => {
  it.each<{ name: string; report: RunReport; heading: string; reason: string }>([
    {
      name: "a task that succeeded",
      report: {
        inputs: SINGLE,
        task,
        status: "succeeded",
        follow: result([9, 1, 0], PASSED, { maxFailed: { count: 1 } }),
      },
      heading: "✅ Firmware 2.0.0 rolled out to 10 devices",
      reason: "9 of 10 upgraded; 1 failed, 1 allowed.",
    },
    {
      name: "a task failed by its threshold",
      report: {
        inputs: SINGLE,
        task,
        status: "failed",
        follow: result([8, 2, 0], FAILED),
        error: "2 device(s) of task 17 failed",
      },
      heading: "❌ Firmware 2.0.0 rollout failed",
      reason:
        "Task 17 had more failed devices than allowed: 8 of 10 upgraded; 2 failed, 0 allowed.",
    },
    {
      name: "a task that timed out: a failed step, and the task goes on",
      report: {
        inputs: SINGLE,
        task,
        status: "timed-out",
        follow: result([7, 0, 3], { kind: "timed-out", why: "not-enough" }),
        error: "Task 17 had not upgraded 3 device(s)",
      },
      heading: "❌ Firmware 2.0.0 rollout timed out",
      reason:
        "Task 17 did not pass before wait-timeout: 7 of 10 upgraded; 0 failed, 0 allowed; 3 pending; its task goes on at Tencent.",
    },
    {
      name: "a task created without wait",
      report: {
        inputs: SINGLE,
        target: "every device now on 1.0.0",
        task: { ...task, taskId: 1003 },
        status: "created",
      },
      heading: "⏳ Firmware 2.0.0: task 1003 created for every device now on 1.0.0",
      reason: "Task 1003 created; not followed (wait is off).",
    },
    {
      name: "a failure before any task: the error, by the summary's rule",
      report: {
        inputs: SINGLE,
        status: "failed",
        error: "Firmware 2.0.0 is not registered (see <docs>)",
      },
      heading: "❌ Firmware 2.0.0 rollout failed",
      reason: "Firmware 2.0.0 is not registered (see &#60;docs&#62;)",
    },
    {
      name: "a bad input: no version to name",
      report: { status: "failed", error: "Invalid wait 'x'." },
      heading: "❌ Firmware rollout failed",
      reason: "Invalid wait 'x'.",
    },
    {
      name: "a dry run",
      report: {
        inputs: inputs({ "device-names": "a,b,c", "dry-run": "true" }),
        target: "3 devices",
        status: "dry-run",
        request: {},
      },
      heading: "📝 Dry run of firmware 2.0.0 to 3 devices: nothing changed",
      reason:
        "No task was created and nothing was uploaded; below is the request a real run would send.",
    },
    {
      name: "a dry run of waves",
      report: {
        inputs: WAVES,
        target: "3 devices",
        status: "dry-run",
        waves: [wave(1, 1, "not started"), wave(2, 1, "not started"), wave(3, 1, "not started")],
      },
      heading: "📝 Dry run of firmware 2.0.0 to 3 devices: nothing changed",
      reason: "3 wave(s) planned for 3 devices; no task was created and nothing was uploaded.",
    },
    {
      name: "waves that all passed",
      report: {
        inputs: WAVES,
        status: "succeeded",
        waves: [
          wave(1, 1, "passed", [1, 0, 0]),
          wave(2, 4, "passed", [4, 0, 0]),
          wave(3, 10, "passed", [9, 0, 1]),
        ],
      },
      heading: "✅ Firmware 2.0.0 rolled out to 15 devices in 3 waves",
      reason: "All 3 waves passed: 14 of 15 upgraded, 0 failed, 1 pending.",
    },
    {
      name: "the waves this run was allowed passed, the next run goes on",
      report: {
        inputs: WAVES,
        status: "succeeded",
        waves: [
          wave(1, 1, "passed", [1, 0, 0]),
          wave(2, 4, "passed", [4, 0, 0]),
          wave(3, 10, "next run"),
          wave(4, 20, "not started"),
          wave(5, 40, "not started"),
        ],
      },
      heading: "⏳ Firmware 2.0.0 rollout in progress: wave 2 of 5 passed, the next run goes on",
      reason:
        "Waves 1–2 passed (5 of 5 upgraded, 0 failed); waves 3–5 (70 devices) are for the next run (waves-per-run: 1).",
    },
    {
      name: "a wave that failed stops the rollout",
      report: {
        inputs: WAVES,
        status: "failed",
        waves: [
          wave(1, 1, "passed", [1, 0, 0]),
          wave(2, 4, "failed", [2, 2, 0]),
          wave(3, 10, "not started"),
        ],
        error: "Wave 2 (task 102) stopped the rollout",
      },
      heading: "❌ Firmware 2.0.0 rollout stopped at wave 2 of 3: failed",
      reason:
        "Wave 2 had more failed devices than allowed: 2 of 4 upgraded, 4 needed; 2 failed, 0 allowed.",
    },
    {
      name: "a wave that timed out",
      report: {
        inputs: WAVES,
        status: "failed",
        waves: [wave(1, 1, "passed", [1, 0, 0]), wave(2, 4, "timed-out", [3, 0, 1])],
        error: "Wave 2 (task 102) stopped the rollout",
      },
      heading: "❌ Firmware 2.0.0 rollout stopped at wave 2 of 2: timed out",
      reason:
        "Wave 2 did not pass before wait-timeout: 3 of 4 upgraded, 4 needed; 0 failed, 0 allowed; 1 pending; its task goes on at Tencent.",
    },
    {
      name: "a wave run that failed between waves: the error",
      report: {
        inputs: WAVES,
        status: "failed",
        waves: [wave(1, 1, "passed", [1, 0, 0]), wave(2, 4, "not started")],
        error: "The step was cancelled during wave-pause, before wave 2 was created.",
      },
      heading: "❌ Firmware 2.0.0 rollout failed at wave 2 of 2",
      reason: "The step was cancelled during wave-pause, before wave 2 was created.",
    },
  ])("$name", ({ report, heading, reason }) => {
    const [first, second] = summaryMarkdown(report).split("\n");
    expect(first).toBe(`### ${heading}`);
    expect(second).toBe(reason);
  });
});

describe("the next step", () => {
  it.each<{ name: string; report: RunReport; next: string | undefined }>([
    {
      name: "none for a rollout done and whole",
      report: { inputs: SINGLE, task, status: "succeeded", follow: result([10, 0, 0], PASSED) },
      next: undefined,
    },
    {
      name: "the devices not upgraded yet",
      report: { inputs: SINGLE, task, status: "succeeded", follow: result([8, 0, 2], PASSED) },
      next: "2 device(s) have not upgraded yet (offline, awaiting confirmation or still upgrading); their task goes on at Tencent.",
    },
    {
      name: "a task created without wait: follow it",
      report: { inputs: SINGLE, task, status: "created" },
      next: "Follow task 17 in the IoT Video console (firmware 2.0.0), or set wait: true so the step follows it and judges the result.",
    },
    {
      name: "waves left: run again",
      report: {
        inputs: WAVES,
        status: "succeeded",
        waves: [wave(1, 1, "passed", [1, 0, 0]), wave(2, 4, "next run")],
      },
      next: "Run the job again with the same inputs to go on from wave 2: it follows the waves that have tasks and creates at most waves-per-run new ones.",
    },
  ])("$name", ({ report, next }) => {
    const line = summaryMarkdown(report)
      .split("\n")
      .find((text) => text.startsWith("**Next:** "));
    expect(line).toBe(next === undefined ? undefined : `**Next:** ${next}`);
  });
});
