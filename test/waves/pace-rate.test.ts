import { describe, expect, it } from "vitest";
import { ApiError, TransportError } from "../../src/run/errors.js";
import {
  CUT,
  MAX_RATE,
  MIN_RATE,
  nextRate,
  nextStart,
  PROBE_GAIN,
  rateLimit,
  RISE,
  startRate,
  START_RATE,
  type RateState,
} from "../../src/waves/pace-rate.js";

const state = (over: Partial<RateState> = {}): RateState => ({ ...startRate(), ...over });

describe("nextRate", () => {
  it.each([
    {
      name: "a success while probing adds PROBE_GAIN",
      before: state(),
      answer: { kind: "ok", startedAt: 0 } as const,
      now: 100,
      after: state({ rate: START_RATE + PROBE_GAIN }),
    },
    {
      name: "a success after the first limit adds RISE",
      before: state({ rate: 20, probing: false, cutAt: 0 }),
      answer: { kind: "ok", startedAt: 10 } as const,
      now: 100,
      after: state({ rate: 20 + RISE, probing: false, cutAt: 0 }),
    },
    {
      name: "no faster than MAX_RATE",
      before: state({ rate: MAX_RATE }),
      answer: { kind: "ok", startedAt: 0 } as const,
      now: 100,
      after: state({ rate: MAX_RATE }),
    },
    {
      name: "a rate limit cuts the rate, ends probing and notes when",
      before: state({ rate: 20 }),
      answer: { kind: "limited", startedAt: 900 } as const,
      now: 1000,
      after: { rate: 20 * CUT, probing: false, cutAt: 1000, pausedUntil: 1000 },
    },
    {
      name: "a call started before the last cut was answered for already: no second cut",
      before: state({ rate: 18, probing: false, cutAt: 1000 }),
      answer: { kind: "limited", startedAt: 950 } as const,
      now: 1100,
      after: state({ rate: 18, probing: false, cutAt: 1000, pausedUntil: 1100 }),
    },
    {
      name: "a call started after the cut that is refused cuts again",
      before: state({ rate: 18, probing: false, cutAt: 1000 }),
      answer: { kind: "limited", startedAt: 1050 } as const,
      now: 1100,
      after: { rate: 18 * CUT, probing: false, cutAt: 1100, pausedUntil: 1100 },
    },
    {
      name: "no slower than MIN_RATE",
      before: state({ rate: MIN_RATE }),
      answer: { kind: "limited", startedAt: 1100 } as const,
      now: 1100,
      after: { rate: MIN_RATE, probing: false, cutAt: 1100, pausedUntil: 1100 },
    },
    {
      name: "Retry-After pauses every start, even for a call the last cut answered for",
      before: state({ rate: 18, probing: false, cutAt: 1000, pausedUntil: 1500 }),
      answer: { kind: "limited", startedAt: 950, retryAfterMs: 3000 } as const,
      now: 1100,
      after: state({ rate: 18, probing: false, cutAt: 1000, pausedUntil: 4100 }),
    },
  ])("$name", ({ before, answer, now, after }) => {
    const next = nextRate(before, answer, now);
    expect(next.rate).toBeCloseTo(after.rate, 9);
    expect({ ...next, rate: 0 }).toEqual({ ...after, rate: 0 });
  });
});

describe("nextStart", () => {
  it.each([
    { name: "the first call goes at once", rate: 5, last: -Infinity, now: 0, paused: 0, at: 0 },
    { name: "1/rate after the last start", rate: 20, last: 1000, now: 1010, paused: 0, at: 1050 },
    { name: "at once when that has passed", rate: 20, last: 1000, now: 1200, paused: 0, at: 1200 },
    {
      name: "not before a Retry-After ends",
      rate: 20,
      last: 1000,
      now: 1010,
      paused: 3000,
      at: 3000,
    },
  ])("$name", ({ rate, last, now, paused, at }) => {
    expect(nextStart(state({ rate, pausedUntil: paused }), last, now)).toBe(at);
  });
});

describe("rateLimit", () => {
  it.each([
    { error: new ApiError("A", "RequestLimitExceeded", "", "r"), expected: {} },
    { error: new ApiError("A", "RequestLimitExceeded.UinLimitExceeded", "", "r"), expected: {} },
    { error: new ApiError("A", "RequestLimitExceeded.IPLimitExceeded", "", "r"), expected: {} },
    { error: new TransportError("A", "no", "HTTP 429", 429), expected: {} },
    {
      error: new TransportError("A", "no", "HTTP 429", { status: 429, retryAfterMs: 2000 }),
      expected: { retryAfterMs: 2000 },
    },
    { error: new ApiError("A", "RequestSizeLimitExceeded", "", "r"), expected: undefined },
    { error: new ApiError("A", "InternalError", "", "r"), expected: undefined },
    { error: new TransportError("A", "unknown", "HTTP 503", 503), expected: undefined },
    { error: new TransportError("A", "no", "ECONNREFUSED"), expected: undefined },
  ])("$error.message → $expected", ({ error, expected }) => {
    expect(rateLimit(error)).toEqual(expected);
  });
});
