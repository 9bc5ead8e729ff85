import { describe, expect, it } from "vitest";
import { allowedFailures, clock, judge, outcome, progressLine, tally } from "../src/progress.js";

const infos = (byStatus: Record<number, number>) =>
  Object.entries(byStatus).map(([status, total]) => ({ status: Number(status), total }));

describe("tally", () => {
  it("groups Tencent's status codes into the states the log shows", () => {
    const counts = tally(
      infos({ 0: 1, 1: 2, 2: 3, 3: 4, 20: 5, 4: 6, 7: 7, 5: 8, 6: 9, 8: 10, 10: 11, 42: 12 }),
    );
    expect(counts).toEqual({
      offline: 1,
      pending: 5,
      downloading: 9,
      flashing: 13,
      failed: 8,
      done: 9,
      awaiting: 10,
      timedOut: 11,
      other: 12,
      total: 78,
    });
  });
});

describe("judge", () => {
  const none = { count: 0 };
  it.each([
    {
      name: "devices still downloading",
      by: { 3: 2, 6: 3 },
      upToDate: 0,
      threshold: none,
      elapsed: 0,
      expected: "continue",
    },
    {
      name: "all done",
      by: { 6: 5 },
      upToDate: 0,
      threshold: none,
      elapsed: 0,
      expected: "succeeded",
    },
    {
      name: "offline and awaiting do not hold the wait",
      by: { 6: 3, 0: 1, 8: 1 },
      upToDate: 0,
      threshold: none,
      elapsed: 0,
      expected: "succeeded",
    },
    {
      name: "one failure over a threshold of 0",
      by: { 5: 1, 6: 4 },
      upToDate: 0,
      threshold: none,
      elapsed: 0,
      expected: "failed",
    },
    {
      name: "a failure that is 'already up to date'",
      by: { 5: 1, 6: 4 },
      upToDate: 1,
      threshold: none,
      elapsed: 0,
      expected: "succeeded",
    },
    {
      name: "failures end the wait while others still upgrade",
      by: { 5: 2, 3: 10 },
      upToDate: 0,
      threshold: { count: 1 },
      elapsed: 0,
      expected: "failed",
    },
    {
      name: "timed out devices are failures",
      by: { 10: 1, 6: 4 },
      upToDate: 0,
      threshold: none,
      elapsed: 0,
      expected: "failed",
    },
    {
      name: "failures within a count",
      by: { 5: 2, 6: 8 },
      upToDate: 0,
      threshold: { count: 2 },
      elapsed: 0,
      expected: "succeeded",
    },
    {
      name: "failures under a share",
      by: { 5: 4, 6: 96 },
      upToDate: 0,
      threshold: { percent: 5 },
      elapsed: 0,
      expected: "succeeded",
    },
    {
      name: "failures over a share",
      by: { 5: 6, 6: 94 },
      upToDate: 0,
      threshold: { percent: 5 },
      elapsed: 0,
      expected: "failed",
    },
    {
      name: "time is up",
      by: { 3: 1, 6: 4 },
      upToDate: 0,
      threshold: none,
      elapsed: 60_000,
      expected: "timed-out",
    },
    {
      name: "time is up but nothing is upgrading",
      by: { 6: 4, 0: 1 },
      upToDate: 0,
      threshold: none,
      elapsed: 60_000,
      expected: "succeeded",
    },
    {
      name: "undocumented codes hold the wait",
      by: { 42: 1 },
      upToDate: 0,
      threshold: none,
      elapsed: 0,
      expected: "continue",
    },
  ])("$name → $expected", ({ by, upToDate, threshold, elapsed, expected }) => {
    expect(judge(tally(infos(by)), upToDate, threshold, elapsed, 60_000).kind).toBe(expected);
  });
});

describe("outcome and allowedFailures", () => {
  it("counts up-to-date devices as succeeded, timed out as failed, offline as pending", () => {
    expect(outcome(tally(infos({ 6: 5, 5: 3, 10: 1, 0: 2, 8: 1, 3: 1 })), 2)).toEqual({
      total: 13,
      succeeded: 7,
      failed: 2,
      pending: 4,
    });
  });

  it.each([
    { threshold: { count: 3 }, total: 10, allowed: 3 },
    { threshold: { percent: 5 }, total: 100, allowed: 5 },
    { threshold: { percent: 5 }, total: 39, allowed: 1 },
    { threshold: { percent: 0.1 }, total: 100_000, allowed: 100 },
    { threshold: { percent: 100 }, total: 7, allowed: 7 },
  ])("$threshold of $total → $allowed", ({ threshold, total, allowed }) => {
    expect(allowedFailures(threshold, total)).toBe(allowed);
  });
});

describe("progressLine", () => {
  it("names every state, and up-to-date devices apart from failures", () => {
    expect(
      progressLine(7, 75_000, tally(infos({ 1: 1, 3: 2, 4: 3, 6: 4, 5: 2, 10: 1, 0: 1, 8: 1 })), 1),
    ).toBe(
      "Task 7 after 1m15s: 1 pending, 2 downloading, 3 flashing, 4 done, 1 failed, 1 timed out, 1 offline, 1 awaiting confirmation, 1 already up to date (of 15).",
    );
  });

  it.each([
    { ms: 4000, text: "4s" },
    { ms: 75_000, text: "1m15s" },
    { ms: 2 * 3_600_000 + 5 * 60_000, text: "2h05m" },
  ])("clock($ms) = $text", ({ ms, text }) => {
    expect(clock(ms)).toBe(text);
  });
});
