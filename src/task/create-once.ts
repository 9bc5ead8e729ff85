import { listTasks, type TaskList } from "./list-tasks.js";
import { explainDenied, type TencentClient } from "../tencent/client.js";
import { Lookup, type LookupPlan } from "./lookup.js";
import {
  batchUpdateFirmware,
  type BatchUpdateFirmwareRequest,
  type CreatedTask,
} from "../tencent/iotvideo/tasks.js";
import { retryUnlessDefinite, withRetries, type RetryPolicy } from "../http/retry.js";

/** The task of this run and how it was obtained. */
export interface TaskOutcome {
  task: CreatedTask;
  origin: "created" | "found";
}

/** Tells whoever watches for cancellation that a create call is about to be sent. */
export interface CreateEvents {
  sending?: () => void;
}

/**
 * Creates the upgrade task exactly once. BatchUpdateFirmware has no idempotency token, so a
 * call whose outcome is unknown is sent again only after the task list, read whole, showed no
 * task of this run at every look over the lookup window. A task "of this run" is one of this
 * product and version that was not listed before the first attempt and targets devices the way
 * this run asked (DescribeFirmwareTask). Task ids, not timestamps, tell old from new, so a
 * skewed clock cannot hide a task. Whatever cannot be proven ends in TaskMayExistError.
 */
export async function createTaskOnce(
  client: TencentClient,
  request: BatchUpdateFirmwareRequest,
  policy: RetryPolicy,
  plan: LookupPlan,
  before: TaskList,
  events: CreateEvents = {},
): Promise<TaskOutcome> {
  if (!before.complete) {
    policy.logger.warning(
      `The task list of firmware ${request.FirmwareVersion} could not be read whole (${before.cut}): should BatchUpdateFirmware's answer be lost, the action cannot tell whether it created a task, and will stop rather than send it again.`,
    );
  }
  const lookup = new Lookup(client, request, policy, plan, before);
  return withRetries(
    "BatchUpdateFirmware",
    policy,
    async () => {
      events.sending?.();
      return { task: await batchUpdateFirmware(client, request), origin: "created" as const };
    },
    async (error, kind, last) => {
      if (kind !== "reconcile") return retryUnlessDefinite(error, kind);
      const found = await lookup.after(error);
      if (found !== undefined) return { value: found };
      if (last) {
        policy.logger.info(
          `No task of this run appeared within ${lookup.seconds} s of that failure: no task was created.`,
        );
        return "now";
      }
      policy.logger.info(
        `No task of this run appeared in ${plan.looks} looks over ${lookup.seconds} s after that failure; sending BatchUpdateFirmware again.`,
      );
      return "now";
    },
  );
}

/** The version's tasks before anything is created: what a lost answer is later compared with. */
export async function listTasksBefore(
  client: TencentClient,
  request: BatchUpdateFirmwareRequest,
  policy: RetryPolicy,
): Promise<TaskList> {
  // The task list is what keeps a rollout exactly-once, so a policy that forbids it is worth a hint.
  return listTasks(client, request, policy).catch(
    explainDenied(
      "DescribeFirmwareTasks",
      "The action lists the version's tasks before creating one, to never create two",
    ),
  );
}
