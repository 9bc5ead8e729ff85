import { ActionError, ApiError, sentence } from "../run/errors.js";
import { matchesRequest } from "./lookup.js";
import type { TaskList } from "./list-tasks.js";
import { active, tally } from "../follow/progress.js";
import type { TencentClient } from "../tencent/client.js";
import {
  describeFirmwareTask,
  type BatchUpdateFirmwareRequest,
} from "../tencent/iotvideo/tasks.js";
import { retryUnlessDefinite, withRetries, type RetryPolicy } from "../http/retry.js";
import { describeFirmwareTaskDistribution } from "../tencent/iotvideo/task-devices.js";

/** How many of the newest tasks are looked at: a re-run follows a recent task, not an old one. */
export const NEWEST_TASKS = 5;

/** Task ids of the listing, newest first (Tencent hands out growing ids), at most NEWEST_TASKS. */
export function newestIds(list: TaskList): number[] {
  return [...list.tasks.keys()].sort((a, b) => b - a).slice(0, NEWEST_TASKS);
}

/** Whether any of the task's devices has not reached a result (offline and awaiting count). */
async function unfinished(
  client: TencentClient,
  request: BatchUpdateFirmwareRequest,
  taskId: number,
  policy: RetryPolicy,
): Promise<boolean> {
  const infos = await withRetries(
    "DescribeFirmwareTaskDistribution",
    policy,
    () =>
      describeFirmwareTaskDistribution(client, request.ProductID, request.FirmwareVersion, taskId),
    retryUnlessDefinite,
  );
  const counts = tally(infos);
  return active(counts) + counts.offline + counts.awaiting > 0;
}

/**
 * A re-run's task: an unfinished task of this version that targets devices exactly as this
 * run asks. Only a rollout by original version alone can be matched: Tencent does not say
 * which devices a task by names or by file holds.
 */
export async function findRunningTask(
  client: TencentClient,
  request: BatchUpdateFirmwareRequest,
  before: TaskList,
  policy: RetryPolicy,
): Promise<number | undefined> {
  if (request.FirmwareOriVersion === undefined || request.DeviceNames !== undefined)
    return undefined;
  if (request.FileName !== undefined) return undefined;
  for (const taskId of newestIds(before)) {
    const detail = await withRetries(
      "DescribeFirmwareTask",
      policy,
      () => describeFirmwareTask(client, request.ProductID, request.FirmwareVersion, taskId),
      retryUnlessDefinite,
    );
    // Strict here: an unknown mode is no proof the task is this rollout's.
    if (detail.upgradeMode === undefined || !matchesRequest(detail, request)) continue;
    if (await unfinished(client, request, taskId, policy)) return taskId;
  }
  return undefined;
}

/**
 * Turns DeviceIsUpdating into a message naming the version's unfinished tasks (of the newest
 * few), so the user knows which rollout holds the devices.
 */
export async function explainDeviceIsUpdating(
  error: unknown,
  client: TencentClient,
  request: BatchUpdateFirmwareRequest,
  before: TaskList,
  policy: RetryPolicy,
): Promise<never> {
  if (!(error instanceof ApiError) || error.code !== "FailedOperation.DeviceIsUpdating")
    throw error;
  const running: number[] = [];
  for (const taskId of newestIds(before)) {
    if (await unfinished(client, request, taskId, policy).catch(() => false)) running.push(taskId);
  }
  const which =
    running.length === 0
      ? `No unfinished task of firmware ${request.FirmwareVersion} was found among its ${NEWEST_TASKS} newest; the devices may be in a task of another version.`
      : `Unfinished tasks of firmware ${request.FirmwareVersion}: ${running.join(", ")}. Wait for them (wait: true follows a task) or cancel their devices in the console.`;
  throw new ActionError(`${sentence(error.message)} ${which}`);
}
