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
  /** Clock time (ms, as `now` tells it) after which no attempt of any call starts: the run's deadline. */
  deadline: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
  logger: Logger;
}

export const DEFAULT_BACKOFF = { baseDelayMs: 1000, maxDelayMs: 20_000 } as const;

/** How long after its start a run may still begin a retry: every call and lookup shares it. */
export const RETRY_DEADLINE_MS = 10 * 60_000;

/** Capped exponential backoff with jitter (half fixed, half random), for the wait after failed attempt `attempt` (1-based). */
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
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const kind = classify(error);
      const wait = backoffDelay(n, policy);
      const last = n >= policy.maxAttempts || policy.now() + wait > policy.deadline;
      const failed = `${what}: attempt ${n}/${policy.maxAttempts} failed: ${messageOf(error)}`;
      const seconds = (wait / 1000).toFixed(1);
      // A request whose outcome is unknown may still be settling on the server: look after the
      // wait, not at once, and retry straight after looking.
      if (kind === "reconcile") {
        policy.logger.warning(`${failed}; retrying in ${seconds} s if it did not take effect.`);
        await policy.sleep(wait);
      }
      const recovered = await recover(error, kind);
      if (recovered !== undefined) return recovered.value;
      if (last) {
        const bound = n >= policy.maxAttempts ? "max-attempts" : "the run's retry deadline";
        throw new GaveUpError(error, what, n, bound);
      }
      if (kind === "reconcile") continue;
      policy.logger.warning(`${failed}; retrying in ${seconds} s.`);
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
