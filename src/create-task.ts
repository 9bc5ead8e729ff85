import { ActionError, ApiError, messageOf } from "./errors.js";
import type { TencentClient } from "./tencent/client.js";
import {
  batchUpdateFirmware,
  describeFirmwareTasks,
  type BatchUpdateFirmwareRequest,
  type CreatedTask,
  type TaskInfo,
} from "./tencent/iotvideo.js";
import { retryUnlessDefinite, withRetries, type RetryPolicy } from "./tencent/retry.js";

/** The task of this run and how it was obtained. */
export interface TaskOutcome {
  task: CreatedTask;
  origin: "created" | "found";
}

// How far before this run's start a task may be stamped and still be ours: Tencent accepts
// signatures up to 5 minutes off its clock, so our clock and its CreateTime can differ that much.
const CLOCK_ALLOWANCE_S = 300;
const PAGE_SIZE = 100;
const MAX_PAGES = 20;

/**
 * Creates the upgrade task exactly once. BatchUpdateFirmware has no idempotency token, so before
 * repeating a call whose outcome is unknown we look for a task it may have created: one of this
 * product and version, stamped since the run started, that was not there before the first attempt.
 */
export async function createTaskOnce(
  client: TencentClient,
  request: BatchUpdateFirmwareRequest,
  policy: RetryPolicy,
): Promise<TaskOutcome> {
  const since = Math.floor(client.serverNow() / 1000) - CLOCK_ALLOWANCE_S;
  const { tasks: before } = await listTasks(client, request, since, policy).catch(explainDenied);
  return withRetries(
    "BatchUpdateFirmware",
    policy,
    async () => ({ task: await batchUpdateFirmware(client, request), origin: "created" as const }),
    async (error, kind) => {
      if (kind === "fail") throw error;
      if (kind === "retry") return undefined;
      const found = await findNewTask(client, request, since, before, policy, error);
      if (found === undefined) {
        policy.logger.info(
          `No task appeared after that failure; it is safe to send BatchUpdateFirmware again.`,
        );
        return undefined;
      }
      policy.logger.warning(
        `The answer to BatchUpdateFirmware was lost, but task ${found.task.taskId} was created by it ` +
          `(found with DescribeFirmwareTasks, RequestId ${found.task.requestId}); using that task.`,
      );
      return { value: found };
    },
  );
}

async function findNewTask(
  client: TencentClient,
  request: BatchUpdateFirmwareRequest,
  since: number,
  before: Map<number, TaskInfo>,
  policy: RetryPolicy,
  cause: unknown,
): Promise<TaskOutcome | undefined> {
  policy.logger.info(
    `BatchUpdateFirmware's outcome is unknown (${messageOf(cause)}); looking for the task before trying again.`,
  );
  let after: Map<number, TaskInfo>;
  let requestId: string;
  try {
    ({ tasks: after, requestId } = await listTasks(client, request, since, policy));
  } catch (error) {
    throw new OutcomeUnknownError(cause, error);
  }
  const fresh = [...after.values()].filter((task) => !before.has(task.taskId));
  if (fresh.length === 0) return undefined;
  if (fresh.length > 1) {
    const ids = fresh.map((task) => task.taskId).join(", ");
    throw new ActionError(
      `BatchUpdateFirmware's answer was lost and ${fresh.length} new tasks of firmware ${request.FirmwareVersion} appeared meanwhile (${ids}); another rollout may be running. Not retrying; check them in the console.`,
    );
  }
  return { task: { taskId: fresh[0]!.taskId, requestId }, origin: "found" };
}

/** Every task of the version stamped at or after `since`, paging through DescribeFirmwareTasks. */
async function listTasks(
  client: TencentClient,
  request: BatchUpdateFirmwareRequest,
  since: number,
  policy: RetryPolicy,
): Promise<{ tasks: Map<number, TaskInfo>; requestId: string }> {
  const tasks = new Map<number, TaskInfo>();
  let requestId = "";
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await withRetries(
      "DescribeFirmwareTasks",
      policy,
      () =>
        describeFirmwareTasks(
          client,
          request.ProductID,
          request.FirmwareVersion,
          page * PAGE_SIZE,
          PAGE_SIZE,
        ),
      retryUnlessDefinite,
    );
    requestId = result.requestId;
    for (const task of result.tasks) if (task.createTime >= since) tasks.set(task.taskId, task);
    if (result.tasks.length < PAGE_SIZE || (page + 1) * PAGE_SIZE >= result.total) break;
  }
  return { tasks, requestId };
}

/** The task list is what keeps a rollout exactly-once, so a policy that forbids it is worth a hint. */
function explainDenied(error: unknown): never {
  if (error instanceof ApiError && /UnauthorizedOperation/.test(error.code)) {
    throw new ActionError(
      `${error.message}. The action lists the version's tasks before creating one, to never create two; allow iotvideo:DescribeFirmwareTasks in the CAM policy.`,
    );
  }
  throw error;
}

/** The one ambiguous case: the create call's outcome is unknown and the lookup failed too. */
export class OutcomeUnknownError extends ActionError {
  override name = "OutcomeUnknownError";
  constructor(cause: unknown, lookup: unknown) {
    super(
      `BatchUpdateFirmware's outcome is unknown (${messageOf(cause)}) and DescribeFirmwareTasks failed too (${messageOf(lookup)}): a task may or may not exist. Check the firmware's tasks in the console before running again.`,
    );
  }
}
