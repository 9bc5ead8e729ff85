import { messageOf, TransportError } from "../run/errors.js";
import { backoffDelay, classify, type RetryPolicy } from "../http/retry.js";
import { nextRate, nextStart, rateLimit, startRate, type RateState } from "./pace-rate.js";

/** Calls in flight at most: 20/s with room for a 500 ms round trip, twice over. */
export const MAX_IN_FLIGHT = 16;
/** No call went through for this long: the API refuses us for good, and the run must go on. */
export const STALL_MS = 2 * 60_000;
/** The longest single sleep: a cancelled step is noticed within it, even in a long Retry-After. */
const NAP_MS = 1000;
/** How often, on the clock, progress is reported. */
export const PROGRESS_EVERY_MS = 5_000;

/** What the pacer takes from the run's retry rules: attempts, backoff, clock, cancellation. */
export type PacePolicy = Pick<
  RetryPolicy,
  "maxAttempts" | "baseDelayMs" | "maxDelayMs" | "random" | "now" | "sleep" | "cancelled"
>;

/** Counts kept as the pacer goes. */
export interface PaceCounts {
  done: number;
  /** Names the call no longer applies to (a definite answer that is not a failure). */
  movedOn: number;
  calls: number;
  /** Rate-limit answers. */
  limited: number;
  elapsedMs: number;
}

/** Progress so far, as reported every PROGRESS_EVERY_MS. */
export interface PaceProgress extends PaceCounts {
  total: number;
  failed: number;
  /** Names answered for good a second, since the last report. */
  perSecond: number;
}

/** Every name ends in exactly one of done, movedOn, failed or notTried. */
export interface PaceResult extends PaceCounts {
  failed: Array<{ name: string; reason: string }>;
  notTried: string[];
  /** Why names were left untried; absent when every name got an answer. */
  stopped?: string;
}

/** How the pacer reads a failure besides the rate and retry classes. */
export interface PaceOptions {
  /** A definite answer meaning the call no longer applies to that name. */
  movedOn: (error: unknown) => boolean;
  onProgress?: (progress: PaceProgress) => void;
}

/**
 * Calls `attempt` once for each name, paced by the API's answers (pace-rate.ts), at most
 * MAX_IN_FLIGHT at once. A rate-limit answer puts the name back and slows down without using
 * an attempt; other retryable failures wait out a backoff and have policy.maxAttempts. Stops
 * when the step is cancelled or nothing went through for STALL_MS.
 */
export async function paceCalls(
  names: readonly string[],
  attempt: (name: string) => Promise<void>,
  policy: PacePolicy,
  options: PaceOptions,
): Promise<PaceResult> {
  return new Pacer(names, attempt, policy, options).run();
}

class Pacer {
  private readonly queue: string[];
  private head = 0;
  /** Names waiting out a backoff, and when they may go again. */
  private readonly waiting: Array<{ name: string; at: number }> = [];
  private readonly attempts = new Map<string, number>();
  private rate: RateState = startRate();
  private lastStart = -Infinity;
  private gate: Promise<unknown> = Promise.resolve();
  private readonly startedAt: number;
  private lastSuccessAt: number;
  private stopped: string | undefined;
  private readonly tally = { done: 0, movedOn: 0, calls: 0, limited: 0 };
  private readonly failed: PaceResult["failed"] = [];
  private reported: { at: number; settled: number };

  constructor(
    private readonly names: readonly string[],
    private readonly attempt: (name: string) => Promise<void>,
    private readonly policy: PacePolicy,
    private readonly options: PaceOptions,
  ) {
    this.queue = [...names];
    this.startedAt = this.lastSuccessAt = policy.now();
    this.reported = { at: this.startedAt, settled: 0 };
  }

  async run(): Promise<PaceResult> {
    const workers = Math.min(MAX_IN_FLIGHT, this.names.length);
    await Promise.all(Array.from({ length: workers }, () => this.work()));
    return {
      ...this.tally,
      failed: this.failed,
      notTried: [...this.queue.slice(this.head), ...this.waiting.map((entry) => entry.name)],
      ...(this.stopped === undefined ? {} : { stopped: this.stopped }),
      elapsedMs: this.policy.now() - this.startedAt,
    };
  }

  /** One of the workers: a name is put back by the worker that called it, so none is lost. */
  private async work(): Promise<void> {
    for (let name = await this.take(); name !== undefined; name = await this.take()) {
      await this.call(name);
    }
  }

  /** The next name, once its turn has come; undefined when none is left or the pacer stopped. */
  private async take(): Promise<string | undefined> {
    for (;;) {
      if (this.stopping()) return undefined;
      const now = this.policy.now();
      for (let i = this.waiting.length - 1; i >= 0; i--) {
        if (this.waiting[i]!.at <= now) this.queue.push(this.waiting.splice(i, 1)[0]!.name);
      }
      if (this.head < this.queue.length) {
        const name = this.queue[this.head++]!;
        if (await this.slot()) return name;
        this.queue.push(name);
        return undefined;
      }
      if (this.waiting.length === 0) return undefined;
      await this.nap(Math.min(...this.waiting.map((entry) => entry.at)));
    }
  }

  /**
   * Waits for the next start the rate allows; false if the pacer stopped meanwhile. Workers
   * wait their turn one behind the other, so each start is timed by the rate as it is when the
   * one before it went, not as it was when the worker began to wait.
   */
  private slot(): Promise<boolean> {
    const turn = this.gate.then(async () => {
      while (!this.stopping()) {
        const now = this.policy.now();
        const at = nextStart(this.rate, this.lastStart, now);
        if (at <= now) return ((this.lastStart = now), true);
        await this.nap(at);
      }
      return false;
    });
    this.gate = turn;
    return turn;
  }

  /** Sleeps towards `until`, never past the stall bound nor longer than NAP_MS; callers look again. */
  private async nap(until: number): Promise<void> {
    const now = this.policy.now();
    const wait = Math.min(until, this.lastSuccessAt + STALL_MS, now + NAP_MS) - now;
    if (wait > 0) await this.policy.sleep(wait);
  }

  private stopping(): boolean {
    if (this.stopped !== undefined) return true;
    if (this.policy.cancelled?.()) this.stopped = "the step was cancelled";
    else if (this.policy.now() - this.lastSuccessAt >= STALL_MS) {
      this.stopped = `no call went through for ${STALL_MS / 60_000} minutes (${this.tally.limited} rate-limit answers in all)`;
    }
    return this.stopped !== undefined;
  }

  private async call(name: string): Promise<void> {
    const startedAt = this.policy.now();
    this.tally.calls++;
    try {
      await this.attempt(name);
      this.tally.done++;
      this.lastSuccessAt = this.policy.now();
      this.rate = nextRate(this.rate, { kind: "ok", startedAt }, this.lastSuccessAt);
    } catch (error) {
      this.failure(name, error, startedAt);
    }
    this.report();
  }

  private failure(name: string, error: unknown, startedAt: number): void {
    const now = this.policy.now();
    const limit = rateLimit(error);
    if (limit !== undefined) {
      this.tally.limited++;
      this.rate = nextRate(this.rate, { kind: "limited", startedAt, ...limit }, now);
      this.queue.push(name);
      return;
    }
    if (this.options.movedOn(error)) {
      this.tally.movedOn++;
      this.lastSuccessAt = now;
      return;
    }
    const n = (this.attempts.get(name) ?? 0) + 1;
    if (classify(error) === "fail" || n >= this.policy.maxAttempts) {
      const tries = n > 1 ? ` (after ${n} attempts)` : "";
      this.failed.push({ name, reason: `${messageOf(error)}${tries}` });
      return;
    }
    this.attempts.set(name, n);
    const asked = error instanceof TransportError ? (error.retryAfterMs ?? 0) : 0;
    this.waiting.push({ name, at: now + Math.max(backoffDelay(n, this.policy), asked) });
  }

  private report(): void {
    const now = this.policy.now();
    if (this.options.onProgress === undefined || now - this.reported.at < PROGRESS_EVERY_MS) return;
    const failed = this.failed.length;
    const settled = this.tally.done + this.tally.movedOn + failed;
    const perSecond = ((settled - this.reported.settled) * 1000) / (now - this.reported.at);
    this.reported = { at: now, settled };
    const elapsedMs = now - this.startedAt;
    this.options.onProgress({
      ...this.tally,
      total: this.names.length,
      failed,
      perSecond,
      elapsedMs,
    });
  }
}
