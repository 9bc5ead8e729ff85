import type { WaitSettings } from "../inputs/read-inputs.js";
import { active, progressLine, tally, type Counts } from "./progress.js";
import type { Logger } from "../run/logger.js";
import type { TencentClient } from "../tencent/client.js";
import { retryUnlessDefinite, withRetries, type RetryPolicy } from "../http/retry.js";
import { describeFirmwareTaskDistribution } from "../tencent/iotvideo/task-devices.js";
import { ActionError, messageOf, sentence } from "../run/errors.js";
import {
  findDevices,
  findingsOf,
  NO_DEVICE_FINDINGS,
  type DeviceFindings,
} from "./device-findings.js";
import { judge, outcome, type Decision, type Findings, type Gate, type Outcome } from "./judge.js";
import { DeviceRetries } from "./retry-devices.js";

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
  /** The devices named from the rows (failed, cancelled, pending), as last read. */
  devices: DeviceFindings;
  findings: Findings;
  gate: Gate;
  /** retry-failed-devices at work: devices retried, and RetryDeviceFirmwareTask calls. */
  retries: { devices: number; calls: number };
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
  /** Told what each poll saw (for the deployment's progress); never fails the wait. */
  onPoll?: (seen: Outcome) => Promise<void>;
}

const POLL_GRACE_MS = 30_000;

/**
 * Follows a task until the gate's verdict: one DescribeFirmwareTaskDistribution per poll, and
 * the device rows only when failures need a closer look (to tell "already up to date" and
 * "cancelled" from a failure, to retry failed devices) or when the wait ends with devices to name.
 */
export async function followTask(
  client: TencentClient,
  task: FollowedTask,
  settings: WaitSettings,
  gate: Gate,
  ctx: FollowContext,
): Promise<FollowResult> {
  const started = ctx.now();
  const deadline = started + settings.timeoutMs;
  // The last poll comes at the deadline itself: its attempts get a little time past it.
  const policy = ctx.policy(deadline + POLL_GRACE_MS);
  const retries = new DeviceRetries(settings.retryFailed, ctx.logger);
  let devices = NO_DEVICE_FINDINGS;
  let lookedAt = 0;
  for (;;) {
    const counts = await poll(client, task, policy);
    const elapsedMs = ctx.now() - started;
    let findings = findingsOf(devices, 0);
    let decision = judge(counts, findings, gate, elapsedMs, settings.timeoutMs);
    let read = false;
    const failedNow = counts.failed + counts.timedOut;
    const settling = decision.kind !== "continue" || active(counts) === 0;
    if (failedNow > 0 && failedNow !== lookedAt && (settling || retries.max > 0)) {
      devices = await findDevices(client, task, gate.expected ?? counts.total, policy);
      read = true;
      lookedAt = failedNow;
      const retrying = await retries.retry(client, task, devices.failed, policy);
      // Retried devices fail again with the same count: look at the rows again then.
      if (retrying > 0) lookedAt = -1;
      findings = findingsOf(devices, retrying);
      decision = judge(counts, findings, gate, elapsedMs, settings.timeoutMs);
    }
    ctx.logger.info(progressLine(task.taskId, elapsedMs, counts, findings));
    await ctx.onPoll?.(outcome(counts, findings));
    if (decision.kind !== "continue") {
      // Name the devices that did not get there, so someone can chase them.
      if (!read && outcome(counts, findings).pending > 0) {
        devices = await findDevices(client, task, gate.expected ?? counts.total, policy);
      }
      return result(decision, counts, devices, findings, gate, retries, elapsedMs);
    }
    await ctx.sleep(Math.max(0, Math.min(settings.pollIntervalMs, deadline - ctx.now())));
    if (ctx.cancelled()) {
      const elapsed = ctx.now() - started;
      return result({ kind: "cancelled" }, counts, devices, findings, gate, retries, elapsed);
    }
  }
}

function result(
  decision: FollowResult["decision"],
  counts: Counts,
  devices: DeviceFindings,
  findings: Findings,
  gate: Gate,
  retries: DeviceRetries,
  elapsedMs: number,
): FollowResult {
  const tried = { devices: retries.devices, calls: retries.calls };
  return { decision, counts, devices, findings, gate, retries: tried, elapsedMs };
}

async function poll(
  client: TencentClient,
  task: FollowedTask,
  policy: RetryPolicy,
): Promise<Counts> {
  try {
    const distribution = await withRetries(
      "DescribeFirmwareTaskDistribution",
      policy,
      () =>
        describeFirmwareTaskDistribution(client, task.productId, task.firmwareVersion, task.taskId),
      retryUnlessDefinite,
    );
    return tally(distribution);
  } catch (error) {
    throw new ActionError(
      `Stopped following task ${task.taskId}: ${sentence(messageOf(error))} The task goes on upgrading devices on Tencent's side; see it in the console.`,
    );
  }
}

/** The outputs' view of a result. */
export function resultCounts(result: FollowResult): Outcome {
  return outcome(result.counts, result.findings);
}
