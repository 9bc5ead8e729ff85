import { failedDevices, type FailureReport } from "./failed-devices.js";
import type { WaitSettings } from "./inputs.js";
import { judge, outcome, progressLine, tally, type Counts, type Decision } from "./progress.js";
import type { Logger } from "./logger.js";
import type { TencentClient } from "./tencent/client.js";
import { retryUnlessDefinite, withRetries, type RetryPolicy } from "./tencent/retry.js";
import { describeFirmwareTaskDistribution } from "./tencent/task-status.js";
import { ActionError, messageOf } from "./errors.js";

/** The task being followed. */
export interface FollowedTask {
  productId: string;
  firmwareVersion: string;
  taskId: number;
}

/** Where the wait ended, and what it saw last. */
export interface FollowResult {
  decision: Exclude<Decision, { kind: "continue" }> | { kind: "cancelled" };
  counts: Counts;
  failures: FailureReport;
  elapsedMs: number;
}

/** The clock and the retry bounds of the wait; `policy(deadline)` gives each call its bounds. */
export interface FollowContext {
  now: () => number;
  /** Resolves after `ms`, or early when the step is cancelled. */
  sleep: (ms: number) => Promise<void>;
  cancelled: () => boolean;
  policy: (deadline: number) => RetryPolicy;
  logger: Logger;
}

const NO_FAILURES: FailureReport = { upToDate: 0, failed: [], complete: true };
const POLL_GRACE_MS = 30_000;

/**
 * Follows a task until no device is upgrading, failures pass the threshold, or the time is
 * up: one DescribeFirmwareTaskDistribution per poll, and the device rows only when failures
 * need a closer look (to tell "already up to date" from a failure) or names.
 */
export async function followTask(
  client: TencentClient,
  task: FollowedTask,
  settings: WaitSettings,
  ctx: FollowContext,
): Promise<FollowResult> {
  const started = ctx.now();
  const deadline = started + settings.timeoutMs;
  // The last poll comes at the deadline itself: its attempts get a little time past it.
  const policy = ctx.policy(deadline + POLL_GRACE_MS);
  let failures = NO_FAILURES;
  let lookedAt = 0;
  for (;;) {
    const counts = await poll(client, task, policy);
    const elapsedMs = ctx.now() - started;
    let decision = judge(
      counts,
      failures.upToDate,
      settings.maxFailed,
      elapsedMs,
      settings.timeoutMs,
    );
    // Before failing, or when the wait ends with failures, read the rows, once per change.
    const failedNow = counts.failed + counts.timedOut;
    if (decision.kind !== "continue" && failedNow > 0 && failedNow !== lookedAt) {
      failures = await failedDevices(client, task, policy);
      lookedAt = failedNow;
      decision = judge(
        counts,
        failures.upToDate,
        settings.maxFailed,
        elapsedMs,
        settings.timeoutMs,
      );
    }
    ctx.logger.info(progressLine(task.taskId, elapsedMs, counts, failures.upToDate));
    if (decision.kind !== "continue") return { decision, counts, failures, elapsedMs };
    await ctx.sleep(Math.max(0, Math.min(settings.pollIntervalMs, deadline - ctx.now())));
    if (ctx.cancelled()) {
      return { decision: { kind: "cancelled" }, counts, failures, elapsedMs: ctx.now() - started };
    }
  }
}

async function poll(
  client: TencentClient,
  task: FollowedTask,
  policy: RetryPolicy,
): Promise<Counts> {
  try {
    const infos = await withRetries(
      "DescribeFirmwareTaskDistribution",
      policy,
      () =>
        describeFirmwareTaskDistribution(client, task.productId, task.firmwareVersion, task.taskId),
      retryUnlessDefinite,
    );
    return tally(infos);
  } catch (error) {
    throw new ActionError(
      `Stopped following task ${task.taskId}: ${messageOf(error)}. The task goes on upgrading devices on Tencent's side; see it in the console.`,
    );
  }
}

/** The outputs' view of a result. */
export function resultCounts(result: FollowResult) {
  return outcome(result.counts, result.failures.upToDate);
}
