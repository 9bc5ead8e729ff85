import { ApiError } from "../run/errors.js";
import { forLog } from "../report/outside-text.js";
import type { TencentClient } from "../tencent/client.js";
import type { RetryPolicy } from "../http/retry.js";
import { cancelDeviceFirmwareTask } from "../tencent/iotvideo/task-devices.js";
import { eachDeviceRow } from "../follow/device-rows.js";
import { paceCalls, type PaceProgress, type PaceResult } from "./pacer.js";

/** Devices that have not started: offline, pending, message delivered, awaiting confirmation. */
const NOT_STARTED = new Set([0, 1, 2, 8]);
/** Answers that mean the device is past cancelling (done, in another task, or gone): not errors. */
const PAST_CANCELLING = new Set([
  "FailedOperation.DeviceFirmwareTaskAlreadDone",
  "FailedOperation.DeviceRunningOtherOtaTask",
  "ResourceNotFound.DeviceFirmwareTaskNotExist",
]);
const MAX_PAGES = 2000;
/** Names quoted in a log line; the report holds them all. */
const SHOWN_NAMES = 10;
const MAX_NAME = 80;

/** What cancelling a wave's not-started devices did: every such device is in exactly one part. */
export interface CancelReport {
  cancelled: number;
  /** Already finished, moved on or gone by the time it was asked. */
  skipped: number;
  /** How many were left uncancelled: `failures` and `notTried` together. */
  failed: number;
  /** Devices the API refused to cancel, each with its answer. */
  failures: Array<{ name: string; reason: string }>;
  /** Devices never answered for: the step was cancelled, or the API let no cancel through for long. */
  notTried: string[];
  /** Why devices were left untried; absent when every device got an answer. */
  stopped?: string;
}

/** Progress of a cancel: counts so far, the pace, and how often the API refused us for the rate. */
export type CancelProgress = PaceProgress;

/** What a caller may follow besides the log's progress lines (every PROGRESS_EVERY_MS of the clock). */
export interface CancelOptions {
  onProgress?: (progress: CancelProgress) => void;
}

type TaskRef = { productId: string; firmwareVersion: string; taskId: number };

/**
 * Cancels a task's devices that have not started, one CancelDeviceFirmwareTask each (the API
 * has no whole-task cancel), paced by the API's own answers so its rate limit is used, not
 * flooded; one progress line every few seconds instead of a warning per retry.
 */
export async function cancelNotStarted(
  client: TencentClient,
  task: TaskRef,
  policy: RetryPolicy,
  options: CancelOptions = {},
): Promise<CancelReport> {
  const names = await notStarted(client, task, policy);
  const { logger } = policy;
  if (names.length > 0) {
    logger.info(
      `Cancelling ${count(names.length)} not-started devices of task ${task.taskId}, paced to the API's rate limit.`,
    );
  }
  const result = await paceCalls(
    names,
    (name) =>
      cancelDeviceFirmwareTask(client, task.productId, task.firmwareVersion, task.taskId, name),
    policy,
    {
      movedOn: (error) => error instanceof ApiError && PAST_CANCELLING.has(error.code),
      onProgress: (progress) => {
        logger.info(progressLine(task.taskId, progress));
        options.onProgress?.(progress);
      },
    },
  );
  if (names.length > 0) logOutcome(task.taskId, names.length, result, policy);
  return reportOf(result);
}

/** The log's progress line: "600 of 1,500 cancelled, 12/s (rate limited 3 times)". */
function progressLine(taskId: number, p: PaceProgress): string {
  const others = [
    p.movedOn > 0 ? `${count(p.movedOn)} moved on` : "",
    p.failed > 0 ? `${count(p.failed)} failed` : "",
  ].filter(Boolean);
  return `Cancelling not-started devices of task ${taskId}: ${count(p.done)} of ${count(p.total)} cancelled${others.length > 0 ? ` (${others.join(", ")})` : ""}, ${p.perSecond.toFixed(0)}/s (${rateLimited(p.limited)}).`;
}

function logOutcome(taskId: number, total: number, result: PaceResult, policy: RetryPolicy): void {
  const seconds = Math.round(result.elapsedMs / 1000);
  policy.logger.info(
    `Cancelled ${count(result.done)} of ${count(total)} not-started devices of task ${taskId} in ${seconds} s (${count(result.calls)} calls, ${rateLimited(result.limited)})${result.movedOn > 0 ? `; ${count(result.movedOn)} had moved on` : ""}.`,
  );
  if (result.failed.length > 0) {
    const first = result.failed[0]!;
    policy.logger.warning(
      `${count(result.failed.length)} devices of task ${taskId} could not be cancelled and will still take the firmware: ${names(result.failed.map((f) => f.name))}. First answer: ${first.reason}`,
    );
  }
  if (result.notTried.length > 0) {
    policy.logger.warning(
      `Stopped cancelling task ${taskId}'s devices: ${result.stopped ?? "stopped"}. ${count(result.notTried.length)} devices were not cancelled and will still take the firmware: ${names(result.notTried)}.`,
    );
  }
}

function reportOf(result: PaceResult): CancelReport {
  return {
    cancelled: result.done,
    skipped: result.movedOn,
    failed: result.failed.length + result.notTried.length,
    failures: result.failed,
    notTried: result.notTried,
    ...(result.stopped === undefined ? {} : { stopped: result.stopped }),
  };
}

/** The first few names, as outside text may be shown in the log, and how many more. */
function names(all: readonly string[]): string {
  const shown = all.slice(0, SHOWN_NAMES).map((name) => forLog(name, MAX_NAME));
  const more = all.length - shown.length;
  return `${shown.join(", ")}${more > 0 ? ` and ${count(more)} more` : ""}`;
}

function rateLimited(times: number): string {
  if (times === 0) return "not rate limited";
  return `rate limited ${times === 1 ? "once" : `${count(times)} times`}`;
}

function count(value: number): string {
  return value.toLocaleString("en");
}

/** The task's not-started devices, each once: rows may repeat when pages shift between calls. */
async function notStarted(
  client: TencentClient,
  task: TaskRef,
  policy: RetryPolicy,
): Promise<string[]> {
  const names = new Set<string>();
  await eachDeviceRow(client, task, policy, MAX_PAGES, (row) => {
    if (row.taskId === task.taskId && NOT_STARTED.has(row.status)) names.add(row.deviceName);
  });
  return [...names];
}
