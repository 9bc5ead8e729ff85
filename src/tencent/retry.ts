import { ActionError, ApiError, messageOf, TransportError } from "../errors.js";
import type { Logger } from "./client.js";

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
    const status = error.status ?? 0;
    // A 4xx from the endpoint or a proxy is a refusal, not a lost answer; 429 asks us to wait.
    if (status >= 400 && status < 500) return status === 429 ? "retry" : "fail";
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
  /** No new attempt starts once this much time has passed since the first. */
  budgetMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
  logger: Logger;
}

export const DEFAULT_BACKOFF = {
  baseDelayMs: 1000,
  maxDelayMs: 20_000,
  budgetMs: 300_000,
} as const;

/** Capped exponential backoff with full jitter, for the wait after failed attempt `attempt` (1-based). */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs" | "random">,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (policy.random() * ceiling) / 2);
}

/** What a failure handler decided: a value that ends the call after all, or undefined to retry. */
export type Recovery<T> = { value: T } | undefined;

/** For calls that are safe to repeat: definite errors end them, anything else is retried. */
export async function retryUnlessDefinite(error: unknown, kind: FailureClass): Promise<undefined> {
  if (kind === "fail") throw error;
  return undefined;
}

/**
 * Runs `attempt` until it succeeds or the bounds run out. After each failure `recover` decides:
 * throw to stop, return `{ value }` to finish with that value, or undefined to try again.
 */
export async function withRetries<T>(
  what: string,
  policy: RetryPolicy,
  attempt: (n: number) => Promise<T>,
  recover: (error: unknown, kind: FailureClass) => Promise<Recovery<T>>,
): Promise<T> {
  const started = policy.now();
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const recovered = await recover(error, classify(error));
      if (recovered !== undefined) return recovered.value;
      const wait = backoffDelay(n, policy);
      if (n >= policy.maxAttempts || policy.now() - started + wait > policy.budgetMs) {
        throw new GaveUpError(
          error,
          what,
          n,
          n >= policy.maxAttempts ? "max-attempts" : `${policy.budgetMs / 1000} s retry budget`,
        );
      }
      policy.logger.warning(
        `${what}: attempt ${n}/${policy.maxAttempts} failed: ${messageOf(error)}; retrying in ${(wait / 1000).toFixed(1)} s.`,
      );
      await policy.sleep(wait);
    }
  }
}

/** A call that kept failing in ways worth retrying until the bounds ran out. */
export class GaveUpError extends ActionError {
  override name = "GaveUpError";
  constructor(
    readonly last: unknown,
    what: string,
    attempts: number,
    bound: string,
  ) {
    super(
      `${messageOf(last)} (gave up on ${what} after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${bound})`,
    );
  }
}
