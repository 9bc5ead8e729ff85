import { ApiError, TransportError } from "../run/errors.js";

// The pacer's rate, as a pure function of the answers it got: it rises while calls go through
// and is cut on a rate-limit answer, the way TCP paces a link whose capacity it cannot see.
// Tencent publishes a limit per action (20/s for many), but not one an account may have been
// given, and other jobs may share it: the answers are the only measure.

/** Calls a second at the start: a quarter of 20/s, a per-action limit common in Tencent's API pages. */
export const START_RATE = 5;
/** Never slower than this: a limit shared with other jobs still leaves some room. */
export const MIN_RATE = 0.5;
/**
 * Never faster. When the round trip, not the rate, bounds the calls, successes keep raising the
 * rate: the cap keeps it within a few cuts of any limit met later.
 */
export const MAX_RATE = 100;
/** Until the first rate limit each success adds this much: the rate doubles about every 1.4 s. */
export const PROBE_GAIN = 0.5;
/**
 * After that each success adds this much: the rate grows by 5% a second. Relative, so it takes
 * as long to climb back after a cut at 2/s as at 200/s (a fixed +1/s would overshoot a 2/s limit by half).
 */
export const RISE = 0.05;
/** A rate limit keeps this share of the rate: a small cut, so the pace stays close to the limit. */
export const CUT = 0.9;

/** What the controller knows. Times are clock times in ms (as policy.now tells them). */
export interface RateState {
  /** Calls a second. */
  rate: number;
  /** True until the first rate limit: the rate grows fast until then. */
  probing: boolean;
  /** When the rate was last cut: a call started before that was already answered for. */
  cutAt: number;
  /** No call starts before this (the server's Retry-After). */
  pausedUntil: number;
}

/** An answer that concerns the rate: the call went through, or was refused for the rate. */
export type RateAnswer =
  { kind: "ok"; startedAt: number } | { kind: "limited"; startedAt: number; retryAfterMs?: number };

/** The state before the first call. */
export function startRate(): RateState {
  return { rate: START_RATE, probing: true, cutAt: -Infinity, pausedUntil: -Infinity };
}

/** Pure: the state after one answer, received at `now`. */
export function nextRate(state: RateState, answer: RateAnswer, now: number): RateState {
  if (answer.kind === "ok") {
    const gain = state.probing ? PROBE_GAIN : RISE;
    return { ...state, rate: Math.min(MAX_RATE, state.rate + gain) };
  }
  const pausedUntil = Math.max(state.pausedUntil, now + (answer.retryAfterMs ?? 0));
  // Calls started before the last cut were sent at the old rate: one cut answers for all of them.
  if (answer.startedAt < state.cutAt) return { ...state, pausedUntil };
  return { rate: Math.max(MIN_RATE, state.rate * CUT), probing: false, cutAt: now, pausedUntil };
}

/** Pure: when the next call may start, the last one having started at `lastStart`. */
export function nextStart(state: RateState, lastStart: number, now: number): number {
  return Math.max(now, lastStart + 1000 / state.rate, state.pausedUntil);
}

/** A refusal for the rate (RequestLimitExceeded and its sub-codes, or HTTP 429), and how long it asks to wait. */
export function rateLimit(error: unknown): { retryAfterMs?: number } | undefined {
  if (error instanceof ApiError) {
    return /^RequestLimitExceeded(\.|$)/.test(error.code) ? {} : undefined;
  }
  if (error instanceof TransportError && error.status === 429) {
    return error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs };
  }
  return undefined;
}
