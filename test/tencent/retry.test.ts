import { describe, expect, it } from "vitest";
import { ApiError, TransportError } from "../../src/run/errors.js";
import {
  backoffDelay,
  CancelledError,
  classify,
  CALL_RETRY_WINDOW_MS,
  DeadlineError,
  GaveUpError,
  withRetries,
  type RetryPolicy,
} from "../../src/http/retry.js";

describe("classify", () => {
  it.each([
    { error: new ApiError("A", "RequestLimitExceeded", "", "r"), expected: "retry" },
    {
      error: new ApiError("A", "RequestLimitExceeded.UinLimitExceeded", "", "r"),
      expected: "retry",
    },
    { error: new ApiError("A", "InternalError", "", "r"), expected: "reconcile" },
    { error: new ApiError("A", "ServiceUnavailable", "", "r"), expected: "reconcile" },
    { error: new ApiError("A", "InvalidParameterValue", "", "r"), expected: "fail" },
    { error: new ApiError("A", "ResourceNotFound.FirmwareNotExist", "", "r"), expected: "fail" },
    { error: new ApiError("A", "FailedOperation.DeviceIsUpdating", "", "r"), expected: "fail" },
    { error: new ApiError("A", "AuthFailure.SignatureFailure", "", "r"), expected: "fail" },
    { error: new ApiError("A", "UnauthorizedOperation", "", "r"), expected: "fail" },
    { error: new ApiError("A", "RequestLimitExceededSoon", "", "r"), expected: "fail" },
    { error: new TransportError("A", "no", "ECONNREFUSED"), expected: "retry" },
    { error: new TransportError("A", "unknown", "socket hang up"), expected: "reconcile" },
    { error: new TransportError("A", "unknown", "HTTP 503", 503), expected: "reconcile" },
    { error: new TransportError("A", "no", "HTTP 429", 429), expected: "retry" },
    { error: new TransportError("A", "unknown", "HTTP 407", 407), expected: "fail" },
    { error: new Error("bug"), expected: "fail" },
  ])("$error.message → $expected", ({ error, expected }) => {
    expect(classify(error)).toBe(expected);
  });
});

describe("backoffDelay", () => {
  const policy = { baseDelayMs: 1000, maxDelayMs: 20_000 };
  it.each([
    { attempt: 1, random: 0, expected: 500 },
    { attempt: 1, random: 1, expected: 1000 },
    { attempt: 3, random: 0.5, expected: 3000 },
    { attempt: 10, random: 1, expected: 20_000 },
    { attempt: 10, random: 0, expected: 10_000 },
  ])("attempt $attempt, random $random → $expected ms", ({ attempt, random, expected }) => {
    expect(backoffDelay(attempt, { ...policy, random: () => random })).toBe(expected);
  });
});

describe("withRetries", () => {
  function policy(
    overrides: Partial<RetryPolicy> = {},
  ): RetryPolicy & { waits: number[]; lines: string[] } {
    const waits: number[] = [];
    const lines: string[] = [];
    let clock = 0;
    return {
      maxAttempts: 4,
      baseDelayMs: 1000,
      maxDelayMs: 20_000,
      deadline: 300_000,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      now: () => clock,
      random: () => 1,
      logger: { info: () => {}, debug: () => {}, warning: (line) => void lines.push(line) },
      waits,
      lines,
      ...overrides,
    };
  }
  const refused = new TransportError("Call", "no", "connect ECONNREFUSED");
  const retry = async () => undefined;

  it("retries until success, logging attempt n/N, the failure and the wait", async () => {
    const p = policy();
    let calls = 0;
    const result = await withRetries(
      "Call",
      p,
      async () => (++calls < 3 ? Promise.reject(refused) : "ok"),
      retry,
    );
    expect(result).toBe("ok");
    expect(p.waits).toEqual([1000, 2000]);
    expect(p.lines).toEqual([
      "Call: attempt 1/4 failed: Call failed: connect ECONNREFUSED; retrying in 1.0 s.",
      "Call: attempt 2/4 failed: Call failed: connect ECONNREFUSED; retrying in 2.0 s.",
    ]);
  });

  it("stops at max-attempts with the last error in the message", async () => {
    const p = policy();
    const error = await withRetries("Call", p, () => Promise.reject(refused), retry).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GaveUpError);
    expect((error as Error).message).toBe(
      "Call failed: connect ECONNREFUSED (gave up on Call after 4 attempts: max-attempts)",
    );
    expect(p.waits).toHaveLength(3);
  });

  it("stops when the next wait would pass the time budget", async () => {
    const p = policy({ maxAttempts: 10, deadline: 10_000 });
    const error = await withRetries("Call", p, () => Promise.reject(refused), retry).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain("after 4 attempts: the retry deadline");
    expect(p.waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_000);
  });

  it("bounds each call by its own window: hours into a run, a call still gets its retries", async () => {
    const p = policy({ maxAttempts: 100, deadline: Infinity });
    await p.sleep(5 * 3_600_000);
    const busy = new TransportError("Call", "no", "HTTP 429", {
      status: 429,
      retryAfterMs: 60_000,
    });
    let calls = 0;
    await expect(
      withRetries("Call", p, async () => (++calls < 3 ? Promise.reject(busy) : "ok"), retry),
    ).resolves.toBe("ok");
    const windowStart = p.now();
    const error = await withRetries("Call", p, () => Promise.reject(busy), retry).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain("the retry deadline (Retry-After asked for 60.0 s)");
    // 60 s a wait: nine waits fit the 10-minute window, the tenth would end past it.
    expect(p.now() - windowStart).toBe(9 * 60_000);
    expect(p.now() - windowStart).toBeLessThan(CALL_RETRY_WINDOW_MS);
  });

  it("lets the recovery end the call with a value or with its own error", async () => {
    const p = policy();
    await expect(
      withRetries(
        "Call",
        p,
        () => Promise.reject(refused),
        async () => ({ value: "found" }),
      ),
    ).resolves.toBe("found");
    const definite = new ApiError("Call", "InvalidParameterValue", "bad", "r");
    await expect(
      withRetries(
        "Call",
        p,
        () => Promise.reject(definite),
        async (e, kind) => {
          if (kind === "fail") throw e;
          return undefined;
        },
      ),
    ).rejects.toBe(definite);
    expect(p.waits).toEqual([]);
  });

  it("starts no attempt once the deadline has passed, not even a first one", async () => {
    const p = policy({ deadline: 0 });
    let calls = 0;
    const error = await withRetries("Lookup", p, async () => ++calls, retry).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toContain("Lookup was not started");
    expect(calls).toBe(0);
  });

  it("starts no attempt after a cancellation", async () => {
    const p = policy({ cancelled: () => true });
    await expect(withRetries("Call", p, async () => "ok", retry)).rejects.toBeInstanceOf(
      CancelledError,
    );
  });

  it("waits as long as Retry-After asks when that is longer than the backoff", async () => {
    const p = policy();
    const busy = new TransportError("Call", "unknown", "HTTP 503", {
      status: 503,
      retryAfterMs: 7000,
    });
    let calls = 0;
    await withRetries("Call", p, async () => (++calls < 2 ? Promise.reject(busy) : "ok"), retry);
    expect(p.waits).toEqual([7000]);
    expect(p.lines[0]).toMatch(/retrying in 7\.0 s \(Retry-After\)\.$/);
  });

  it("gives up at once when Retry-After reaches past the deadline", async () => {
    const p = policy({ deadline: 60_000 });
    const busy = new TransportError("Call", "no", "HTTP 429", {
      status: 429,
      retryAfterMs: 120_000,
    });
    const error = await withRetries("Call", p, () => Promise.reject(busy), retry).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain(
      "the retry deadline (Retry-After asked for 120.0 s)",
    );
    expect(p.waits).toEqual([]);
  });

  it("a recovery that waited itself is retried at once", async () => {
    const p = policy();
    let calls = 0;
    await withRetries(
      "Call",
      p,
      async () => (++calls < 2 ? Promise.reject(refused) : "ok"),
      async () => "now",
    );
    expect(p.waits).toEqual([]);
    expect(calls).toBe(2);
  });
});
