import { ActionError, ApiError, messageOf, TransportError } from "../run/errors.js";
import type { Logger } from "../run/logger.js";

/**
 * What a failed call allows: "retry" (the server did not act), "reconcile" (it may have acted:
 * look before trying again), or "fail" (a definite answer; trying again changes nothing).
 */
export type FailureClass = "retry" | "reconcile" | "fail";

const RETRY_CODES = /^RequestLimitExceeded(\.|$)/;
const UNKNOWN_OUTCOME_CODES = /^(InternalError|ServiceUnavailable)(\.|$)/;

/** Sorts a failure into the three classes the README's "Failure handling" section lists. */
export function classify(error: unknown): FailureClass {
  if (error instanceof ApiError) {
    if (RETRY_CODES.test(error.code)) return "retry";
    if (UNKNOWN_OUTCOME_CODES.test(error.code)) return "reconcile";
    return "fail";
  }
  if (error instanceof TransportError) {
    if (error.definite) return "fail";
    const status = error.status ?? 0;
    // A redirect or a 4xx from the endpoint or a proxy is a refusal, not a lost answer; 429 asks us to wait.
    if (status >= 300 && status < 500) return status === 429 ? "retry" : "fail";
    return error.delivery === "no" ? "retry" : "reconcile";
  }
  return "fail";
}

/** Bounds on retrying one call; sleep, clock and randomness are seams for tests. */
export interface RetryPolicy {
  maxAttempts: number;
  /** First backoff ceiling; doubles each attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Clock time (ms, as `now` tells it) after which no attempt starts: Infinity for the run's
   * calls (each is bounded by its own retry window), a wait's end for the polls of a wait.
   */
  deadline: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
  logger: Logger;
  /** True once the step was cancelled: no attempt starts after that. */
  cancelled?: () => boolean;
}

export const DEFAULT_BACKOFF = { baseDelayMs: 1000, maxDelayMs: 20_000 } as const;

/**
 * How long after its first attempt one call may still begin another. Each call has its own
 * window: a rollout that pauses or follows waves for hours is never cut by a run-wide clock.
 */
export const CALL_RETRY_WINDOW_MS = 10 * 60_000;

/** Capped exponential backoff with jitter (half fixed, half random), for the wait after failed attempt `attempt` (1-based). */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs" | "random">,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (policy.random() * ceiling) / 2);
}

/**
 * What a failure handler decided: a value that ends the call after all, "now" to try again at
 * once (the handler has waited already), or undefined to try again after the backoff.
 */
export type Recovery<T> = { value: T } | "now" | undefined;

/** For calls that are safe to repeat: definite errors end them, anything else is retried. */
export async function retryUnlessDefinite(error: unknown, kind: FailureClass): Promise<undefined> {
  if (kind === "fail") throw error;
  return undefined;
}

/**
 * Runs `attempt` until it succeeds or the bounds run out. No attempt starts past the deadline
 * or after a cancellation. After each failure `recover` decides: throw to stop, return
 * `{ value }` to finish with that value, or ask for another attempt. The wait before it is the
 * backoff, or longer when the server asked for more (Retry-After); a wait that would end past
 * the deadline is not begun, and nothing is waited for or announced after the last attempt.
 */
export async function withRetries<T>(
  what: string,
  policy: RetryPolicy,
  attempt: (n: number) => Promise<T>,
  recover: (error: unknown, kind: FailureClass, last: boolean) => Promise<Recovery<T>>,
): Promise<T> {
  const deadline = Math.min(policy.deadline, policy.now() + CALL_RETRY_WINDOW_MS);
  for (let n = 1; ; n++) {
    if (policy.cancelled?.()) throw new CancelledError(what);
    if (policy.now() >= deadline) throw new DeadlineError(what);
    let failedAt: number;
    let error: unknown;
    try {
      return await attempt(n);
    } catch (caught) {
      error = caught;
      failedAt = policy.now();
    }
    const kind = classify(error);
    const last = n >= policy.maxAttempts;
    const recovered = await recover(error, kind, last);
    if (recovered !== undefined && recovered !== "now") return recovered.value;
    if (last) throw new GaveUpError(error, what, n, "max-attempts");
    const asked = error instanceof TransportError ? (error.retryAfterMs ?? 0) : 0;
    const minimum = recovered === "now" ? asked : Math.max(backoffDelay(n, policy), asked);
    const wait = Math.max(0, failedAt + minimum - policy.now());
    if (policy.now() + wait >= deadline) {
      const reason = asked > 0 ? `Retry-After asked for ${seconds(asked)} s` : "the backoff";
      throw new GaveUpError(error, what, n, `the retry deadline (${reason})`);
    }
    if (wait > 0) {
      policy.logger.warning(
        `${what}: attempt ${n}/${policy.maxAttempts} failed: ${messageOf(error)}; retrying in ${seconds(wait)} s${asked > 0 ? " (Retry-After)" : ""}.`,
      );
      await policy.sleep(wait);
    }
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

/** A call that kept failing in ways worth retrying until the bounds ran out. */
export class GaveUpError extends ActionError {
  override name = "GaveUpError";
  constructor(
    readonly last: unknown,
    readonly what: string,
    attempts: number,
    bound: string,
  ) {
    super(
      `${messageOf(last)} (gave up on ${what} after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${bound})`,
    );
  }
}

/** An attempt that would have started after its deadline. */
export class DeadlineError extends ActionError {
  override name = "DeadlineError";
  constructor(readonly what: string) {
    super(`${what} was not started: its retry deadline has passed.`);
  }
}

/** An attempt that would have started after the step was cancelled. */
export class CancelledError extends ActionError {
  override name = "CancelledError";
  constructor(readonly what: string) {
    super(`${what} was not started: the step was cancelled.`);
  }
}
