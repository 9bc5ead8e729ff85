import { describe, expect, it } from "vitest";
import {
  allowedFailures,
  describeGate,
  judge,
  neededSuccesses,
  NO_FINDINGS,
  outcome,
  type Findings,
  type Gate,
} from "../../src/follow/judge.js";
import { tally } from "../../src/follow/progress.js";

const counts = (byStatus: Record<number, number>, unreadable = 0) =>
  tally({
    infos: Object.entries(byStatus).map(([status, total]) => ({ status: Number(status), total })),
    unreadable,
  });

const wait: Gate = { maxFailed: { count: 0 } };
/** A wave's gate: `needed` of `expected` devices (as a count). */
const wave = (needed: number, expected: number, maxFailed = { count: 0 }): Gate => ({
  maxFailed,
  success: { count: needed },
  expected,
});
const upToDate = (n: number): Findings => ({ ...NO_FINDINGS, upToDate: n });

describe("judge", () => {
  it.each<{
    name: string;
    by: Record<number, number>;
    unreadable?: number;
    findings?: Findings;
    gate?: Gate;
    elapsed?: number;
    expected: string;
  }>([
    { name: "devices still downloading", by: { 3: 2, 6: 3 }, expected: "continue" },
    { name: "all done", by: { 6: 5 }, expected: "succeeded" },
    {
      name: "a plain wait: offline and awaiting do not hold it",
      by: { 6: 3, 0: 1, 8: 1 },
      expected: "succeeded",
    },
    { name: "one failure over a threshold of 0", by: { 5: 1, 6: 4 }, expected: "failed/failures" },
    {
      name: "a failure that is 'already up to date'",
      by: { 5: 1, 6: 4 },
      findings: upToDate(1),
      expected: "succeeded",
    },
    {
      name: "failures end the wait while others still upgrade",
      by: { 5: 2, 3: 10 },
      gate: { ...wait, maxFailed: { count: 1 } },
      expected: "failed/failures",
    },
    { name: "timed out devices are failures", by: { 10: 1, 6: 4 }, expected: "failed/failures" },
    {
      name: "failures under a share",
      by: { 5: 4, 6: 96 },
      gate: { ...wait, maxFailed: { percent: 5 } },
      expected: "succeeded",
    },
    {
      name: "time is up while upgrading",
      by: { 3: 1, 6: 4 },
      elapsed: 60_000,
      expected: "timed-out/upgrading",
    },
    // Absence of failures is not success.
    { name: "an empty distribution is not known yet", by: {}, expected: "continue" },
    {
      name: "an empty distribution when time is up",
      by: {},
      elapsed: 60_000,
      expected: "timed-out/unknown",
    },
    {
      name: "an unreadable entry (a count sent as a word)",
      by: { 6: 5 },
      unreadable: 1,
      expected: "continue",
    },
    { name: "devices not all enrolled yet", by: { 6: 3 }, gate: wave(3, 5), expected: "continue" },
    {
      name: "a wave with no device upgraded never passes",
      by: { 0: 5 },
      gate: wave(1, 5),
      elapsed: 60_000,
      expected: "timed-out/not-enough",
    },
    {
      name: "a wave awaiting confirmation waits",
      by: { 8: 4, 6: 1 },
      gate: wave(5, 5),
      expected: "continue",
    },
    { name: "a wave gate met", by: { 6: 19, 0: 1 }, gate: wave(19, 20), expected: "succeeded" },
    {
      name: "a wave gate met but devices still flashing",
      by: { 6: 19, 4: 1 },
      gate: wave(19, 20),
      expected: "continue",
    },
    {
      name: "a wave that can no longer reach its gate fails early",
      by: { 6: 16, 5: 4 },
      gate: wave(19, 20, { count: 5 }),
      expected: "failed/unreachable",
    },
    {
      name: "cancelled devices are neither upgraded nor failed",
      by: { 6: 16, 5: 4 },
      findings: { ...NO_FINDINGS, cancelled: 4 },
      gate: wave(16, 20),
      expected: "succeeded",
    },
    {
      name: "a wave whose devices were all cancelled proves nothing",
      by: { 5: 4 },
      findings: { ...NO_FINDINGS, cancelled: 4 },
      gate: { maxFailed: { count: 0 }, success: { percent: 95 }, expected: 4 },
      expected: "failed/unreachable",
    },
    {
      name: "a share counts the devices left after a cancel",
      by: { 6: 16, 5: 4 },
      findings: { ...NO_FINDINGS, cancelled: 4 },
      gate: { maxFailed: { count: 0 }, success: { percent: 100 }, expected: 20 },
      expected: "succeeded",
    },
    {
      name: "failed devices being retried are not failures yet",
      by: { 6: 18, 5: 2 },
      findings: { ...NO_FINDINGS, retrying: 2 },
      gate: wave(19, 20),
      expected: "continue",
    },
    {
      name: "undocumented codes do not hold a plain wait",
      by: { 42: 1, 6: 4 },
      expected: "succeeded",
    },
    {
      name: "undocumented codes are not upgrades",
      by: { 42: 1, 6: 4 },
      gate: wave(5, 5),
      elapsed: 60_000,
      expected: "timed-out/not-enough",
    },
  ])(
    "$name → $expected",
    ({ by, unreadable, findings = NO_FINDINGS, gate = wait, elapsed = 0, expected }) => {
      const decision = judge(counts(by, unreadable), findings, gate, elapsed, 60_000);
      expect("why" in decision ? `${decision.kind}/${decision.why}` : decision.kind).toBe(expected);
    },
  );
});

describe("outcome", () => {
  it("counts up-to-date devices as succeeded, timed out as failed, offline as pending", () => {
    expect(outcome(counts({ 6: 5, 5: 3, 10: 1, 0: 2, 8: 1, 3: 1 }), upToDate(2))).toEqual({
      total: 13,
      succeeded: 7,
      failed: 2,
      pending: 4,
      cancelled: 0,
    });
  });

  it("never counts more up-to-date or cancelled devices than failed ones", () => {
    expect(outcome(counts({ 5: 2, 6: 1 }), { upToDate: 150, cancelled: 40, retrying: 0 })).toEqual({
      total: 3,
      succeeded: 3,
      failed: 0,
      pending: 0,
      cancelled: 0,
    });
  });
});

describe("thresholds", () => {
  it.each([
    { threshold: { count: 3 }, total: 10, allowed: 3 },
    { threshold: { percent: 5 }, total: 100, allowed: 5 },
    { threshold: { percent: 5 }, total: 39, allowed: 1 },
    { threshold: { percent: 0.1 }, total: 100_000, allowed: 100 },
    { threshold: { percent: 100 }, total: 7, allowed: 7 },
  ])("$threshold of $total allows $allowed failures", ({ threshold, total, allowed }) => {
    expect(allowedFailures(threshold, total)).toBe(allowed);
  });

  it.each([
    { threshold: { percent: 95 }, size: 500, needed: 475 },
    { threshold: { percent: 95 }, size: 3, needed: 3 },
    { threshold: { percent: 100 }, size: 7, needed: 7 },
    { threshold: { percent: 1 }, size: 10, needed: 1 },
    { threshold: { count: 450 }, size: 100, needed: 100 },
    { threshold: { count: 2 }, size: 100, needed: 2 },
    { threshold: { percent: 95 }, size: 0, needed: 0 },
  ])("$threshold of $size needs $needed upgraded", ({ threshold, size, needed }) => {
    expect(neededSuccesses(threshold, size)).toBe(needed);
  });
});

describe("describeGate", () => {
  it("says the conditions in numbers", () => {
    expect(
      describeGate(counts({ 6: 412, 5: 3, 0: 85 }), NO_FINDINGS, wave(475, 500, { count: 5 })),
    ).toBe("412 of 500 upgraded, 475 needed; 3 failed, 5 allowed");
  });

  it("says when the devices are not known yet", () => {
    expect(describeGate(counts({ 6: 3 }, 1), NO_FINDINGS, wave(5, 5))).toBe(
      "Tencent did not yet report all 5 devices (3 reported, 1 unreadable entries)",
    );
  });
});
