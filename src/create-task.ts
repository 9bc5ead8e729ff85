import { ActionError, ApiError, messageOf } from "./errors.js";
import type { TencentClient } from "./tencent/client.js";
import {
  batchUpdateFirmware,
  describeFirmwareTask,
  describeFirmwareTasks,
  type BatchUpdateFirmwareRequest,
  type CreatedTask,
  type TaskDetail,
} from "./tencent/iotvideo.js";
import { retryUnlessDefinite, withRetries, type RetryPolicy } from "./tencent/retry.js";

/** The task of this run and how it was obtained. */
export interface TaskOutcome {
  task: CreatedTask;
  origin: "created" | "found";
}

const PAGE_SIZE = 100;
const MAX_PAGES = 20;

/**
 * Creates the upgrade task exactly once. BatchUpdateFirmware has no idempotency token, so before
 * repeating a call whose outcome is unknown we look for a task it may have created: one of this
 * product and version that was not there before the first attempt and targets devices the way
 * this run asked (DescribeFirmwareTask). Task ids, not timestamps, tell old from new, so a skewed
 * clock cannot hide a task.
 */
export async function createTaskOnce(
  client: TencentClient,
  request: BatchUpdateFirmwareRequest,
  policy: RetryPolicy,
): Promise<TaskOutcome> {
  const before = await listTasks(client, request, policy).catch(explainDenied);
  return withRetries(
    "BatchUpdateFirmware",
    policy,
    async () => ({ task: await batchUpdateFirmware(client, request), origin: "created" as const }),
    async (error, kind) => {
      if (kind !== "reconcile") return retryUnlessDefinite(error, kind);
      const found = await findNewTask(client, request, before, policy, error);
      if (found === undefined) {
        policy.logger.info(
          `No task of this run appeared after that failure; it is safe to send BatchUpdateFirmware again.`,
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
  before: Map<number, string>,
  policy: RetryPolicy,
  cause: unknown,
): Promise<TaskOutcome | undefined> {
  policy.logger.info(
    `BatchUpdateFirmware's outcome is unknown (${messageOf(cause)}); looking for the task before trying again.`,
  );
  let ours: Array<[number, string]>;
  try {
    const after = await listTasks(client, request, policy);
    const fresh = [...after].filter(([taskId]) => !before.has(taskId));
    ours = [];
    for (const entry of fresh)
      if (await targetsLike(client, request, entry[0], policy)) ours.push(entry);
  } catch (error) {
    throw new OutcomeUnknownError(cause, error);
  }
  if (ours.length === 0) return undefined;
  if (ours.length > 1) {
    throw new ActionError(
      `BatchUpdateFirmware's answer was lost and ${ours.length} matching new tasks of firmware ${request.FirmwareVersion} appeared meanwhile (${ours.map(([id]) => id).join(", ")}); another rollout may be running. Not retrying; check them in the console.`,
    );
  }
  const [taskId, requestId] = ours[0]!;
  return { task: { taskId, requestId }, origin: "found" };
}

/** Whether a task targets devices the way `request` does, as far as DescribeFirmwareTask tells. */
async function targetsLike(
  client: TencentClient,
  request: BatchUpdateFirmwareRequest,
  taskId: number,
  policy: RetryPolicy,
): Promise<boolean> {
  const detail = await withRetries(
    "DescribeFirmwareTask",
    policy,
    () => describeFirmwareTask(client, request.ProductID, request.FirmwareVersion, taskId),
    retryUnlessDefinite,
  );
  return matchesRequest(detail, request);
}

/** Pure: can a task with this detail be the one `request` created? Unknown fields never rule out. */
export function matchesRequest(detail: TaskDetail, request: BatchUpdateFirmwareRequest): boolean {
  const { upgradeMode: mode, originalVersion } = detail;
  if (mode === undefined) return true;
  if (request.FileName !== undefined) return mode === "filename";
  if (request.FirmwareOriVersion !== undefined) {
    // With names as well, Tencent does not document which mode it reports: either is ours.
    if (mode === "devicenames") return request.DeviceNames !== undefined;
    return (
      mode === "originalVersion" &&
      (originalVersion === undefined || originalVersion === request.FirmwareOriVersion)
    );
  }
  return mode === "devicenames";
}

/** Every task id of the version (up to MAX_PAGES pages), with the RequestId of the page that listed it. */
async function listTasks(
  client: TencentClient,
  request: BatchUpdateFirmwareRequest,
  policy: RetryPolicy,
): Promise<Map<number, string>> {
  const tasks = new Map<number, string>();
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
    for (const task of result.tasks) tasks.set(task.taskId, result.requestId);
    if (result.tasks.length < PAGE_SIZE || (page + 1) * PAGE_SIZE >= result.total) break;
  }
  return tasks;
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
