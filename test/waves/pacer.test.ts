import { describe, expect, it } from "vitest";
import { ApiError, TransportError } from "../../src/run/errors.js";
import { DEFAULT_BACKOFF } from "../../src/http/retry.js";
import {
  MAX_IN_FLIGHT,
  paceCalls,
  PROGRESS_EVERY_MS,
  STALL_MS,
  type PacePolicy,
  type PaceProgress,
  type PaceResult,
} from "../../src/waves/pacer.js";
import { RateWindow } from "../support/rate-window.js";
import { SimClock } from "../support/sim-clock.js";

// The pacer on a simulated clock, against a transport that lives on the same clock: each call
// takes a 100 ms round trip, and the "server" judges it halfway. Nothing waits in real time.
const ROUND_TRIP_MS = 100;
const limited = () => new ApiError("CancelDeviceFirmwareTask", "RequestLimitExceeded", "slow", "r");
const done = (code: string) => new ApiError("CancelDeviceFirmwareTask", code, "no", "r");
const movedOn = (error: unknown) =>
  error instanceof ApiError && error.code === "FailedOperation.DeviceFirmwareTaskAlreadDone";

function fleet(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `cam-${String(i).padStart(5, "0")}`);
}

interface Run {
  result: PaceResult;
  reports: PaceProgress[];
  starts: Array<{ name: string; at: number }>;
}

/** Paces `names` against `server`, which answers each call with nothing (done) or an error. */
async function pace(
  names: string[],
  server: (name: string, clock: SimClock) => Error | undefined,
  policy: Partial<PacePolicy> = {},
  clock = new SimClock(),
): Promise<Run> {
  const reports: PaceProgress[] = [];
  const starts: Run["starts"] = [];
  const attempt = async (name: string) => {
    starts.push({ name, at: clock.now() });
    await clock.sleep(ROUND_TRIP_MS / 2);
    const error = server(name, clock);
    await clock.sleep(ROUND_TRIP_MS / 2);
    if (error) throw error;
  };
  const rules: PacePolicy = {
    maxAttempts: 4,
    ...DEFAULT_BACKOFF,
    random: () => 0.5,
    now: clock.now,
    sleep: clock.sleep,
    ...policy,
  };
  const result = await clock.run(() =>
    paceCalls(names, attempt, rules, { movedOn, onProgress: (p) => reports.push(p) }),
  );
  return { result, reports, starts };
}

/** Every name in exactly one of the result's parts. */
function expectEachNameOnce(result: PaceResult, names: string[]): void {
  const settled = result.done + result.movedOn + result.failed.length + result.notTried.length;
  expect(settled).toBe(names.length);
  expect(new Set([...result.failed.map((f) => f.name), ...result.notTried]).size).toBe(
    result.failed.length + result.notTried.length,
  );
}

describe("paceCalls against a 20/s limit", () => {
  it("1,500 names: every one done, ≥ 90% of the limit used, a progress report per 5 s at most", async () => {
    const clock = new SimClock();
    const window = new RateWindow(20, clock.now);
    const cancelled = new Set<string>();
    const names = fleet(1500);
    const { result, reports } = await pace(
      names,
      (name) => (window.admit() ? void cancelled.add(name) : limited()),
      {},
      clock,
    );
    expect(cancelled.size).toBe(1500);
    expect(result).toMatchObject({ done: 1500, movedOn: 0, failed: [], notTried: [] });
    expect(result.limited).toBeGreaterThan(0); // the limit was met, not avoided by going slow
    expect(window.share(result.elapsedMs)).toBeGreaterThanOrEqual(0.9);
    expect(reports.length).toBeLessThanOrEqual(result.elapsedMs / PROGRESS_EVERY_MS);
    expect(reports.length).toBeGreaterThanOrEqual(10);
    const gaps = reports.slice(1).map((r, i) => r.elapsedMs - reports[i]!.elapsedMs);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(PROGRESS_EVERY_MS);
  });

  it("rate-limited for ever: ends STALL_MS after the start, every name not tried, few calls", async () => {
    const names = fleet(1500);
    const { result } = await pace(names, () => limited());
    expect(result.stopped).toBe(
      `no call went through for 2 minutes (${result.calls} rate-limit answers in all)`,
    );
    expect(result.notTried.sort()).toEqual(names);
    expect(result).toMatchObject({ done: 0, movedOn: 0, failed: [] });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(STALL_MS);
    expect(result.elapsedMs).toBeLessThan(STALL_MS + ROUND_TRIP_MS * 2);
    expect(result.calls).toBeLessThan(150);
  });
});

describe("paceCalls, one answer at a time", () => {
  it("a rate-limit answer uses no attempt: refused 10 times with maxAttempts 2, still done", async () => {
    let refusals = 10;
    const { result, starts } = await pace(
      fleet(3),
      (name) => (name === "cam-00001" && refusals-- > 0 ? limited() : undefined),
      { maxAttempts: 2 },
    );
    expect(result).toMatchObject({ done: 3, failed: [], notTried: [], limited: 10 });
    expect(starts.filter((s) => s.name === "cam-00001")).toHaveLength(11);
  });

  it("other retryable failures: maxAttempts each, after the backoff; then named with the answer", async () => {
    let internal = 2;
    const names = fleet(3);
    const { result, starts } = await pace(names, (name) => {
      if (name === "cam-00000")
        return new TransportError("CancelDeviceFirmwareTask", "no", "ECONNREFUSED");
      if (name === "cam-00001" && internal-- > 0) return done("InternalError");
      return undefined;
    });
    expect(result.done).toBe(2);
    expect(result.failed).toEqual([
      {
        name: "cam-00000",
        reason: "CancelDeviceFirmwareTask failed: ECONNREFUSED (after 4 attempts)",
      },
    ]);
    const tries = starts.filter((s) => s.name === "cam-00000").map((s) => s.at);
    // Each wait is the backoff with random 0.5: 3/4 of 1, 2, 4 s, counted from the failure.
    const waits = tries.slice(1).map((at, i) => at - tries[i]! - ROUND_TRIP_MS);
    expect(waits).toEqual([750, 1500, 3000]);
    expectEachNameOnce(result, names);
  });

  it("definite answers: 'already done' moves on, any other fails at once with its reason", async () => {
    const names = fleet(4);
    const { result, starts } = await pace(names, (name) => {
      if (name === "cam-00001") return done("FailedOperation.DeviceFirmwareTaskAlreadDone");
      if (name === "cam-00002") return done("InvalidParameterValue");
      return undefined;
    });
    expect(result).toMatchObject({ done: 2, movedOn: 1, notTried: [] });
    expect(result.failed).toEqual([
      {
        name: "cam-00002",
        reason: "CancelDeviceFirmwareTask failed: InvalidParameterValue: no (RequestId: r)",
      },
    ]);
    expect(starts).toHaveLength(4);
  });

  it("Retry-After: no call starts until it has passed", async () => {
    let answeredAt = -1;
    const { result, starts } = await pace(fleet(60), (name, clock) => {
      if (name !== "cam-00020" || answeredAt >= 0) return undefined;
      answeredAt = clock.now() + ROUND_TRIP_MS / 2;
      return new TransportError("C", "no", "HTTP 429", { status: 429, retryAfterMs: 3000 });
    });
    expect(result).toMatchObject({ done: 60, limited: 1 });
    const during = starts.filter((s) => s.at > answeredAt && s.at < answeredAt + 3000);
    expect(during).toEqual([]);
    expect(starts.some((s) => s.at === answeredAt + 3000)).toBe(true);
  });

  it("the step cancelled during a long Retry-After: noticed within a second", async () => {
    const clock = new SimClock();
    let answeredAt = Infinity;
    const { result } = await pace(
      fleet(40),
      (name) => {
        if (name !== "cam-00010") return undefined;
        answeredAt = Math.min(answeredAt, clock.now() + ROUND_TRIP_MS / 2);
        return new TransportError("C", "no", "HTTP 429", { status: 429, retryAfterMs: 60_000 });
      },
      { cancelled: () => clock.now() >= answeredAt + 2000 },
      clock,
    );
    expect(result.stopped).toBe("the step was cancelled");
    expect(result.elapsedMs).toBeLessThanOrEqual(answeredAt + 2000 + 1000);
  });

  it("the step cancelled: no call starts after it, the rest are not tried", async () => {
    let cancelledAt = Infinity;
    let calls = 0;
    const names = fleet(300);
    const { result, starts } = await pace(
      names,
      (_name, clock) => {
        if (++calls === 100) cancelledAt = clock.now();
        return undefined;
      },
      { cancelled: () => cancelledAt !== Infinity },
    );
    expect(result.stopped).toBe("the step was cancelled");
    expect(starts.filter((s) => s.at > cancelledAt)).toEqual([]);
    expect(result.done).toBeGreaterThanOrEqual(100);
    expect(result.done).toBeLessThanOrEqual(100 + MAX_IN_FLIGHT);
    expect(result.notTried).toHaveLength(300 - result.done);
    expectEachNameOnce(result, names);
  });
});
