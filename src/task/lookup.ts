// After a create call whose answer was lost: when to look for its task, how, and what counts
// as this run's task. The rule is the README's "Finding a task after a lost answer".
import type { TaskOutcome } from "./create-once.js";
import { ActionError, messageOf, TransportError } from "../run/errors.js";
import { listTasks, type TaskList } from "./list-tasks.js";
import type { TencentClient } from "../tencent/client.js";
import {
  describeFirmwareTask,
  type BatchUpdateFirmwareRequest,
  type TaskDetail,
} from "../tencent/iotvideo/tasks.js";
import { backoffDelay, retryUnlessDefinite, withRetries, type RetryPolicy } from "../http/retry.js";

/**
 * How long a create whose outcome is unknown is looked for before it may be sent again: the
 * request may still be settling on the server for as long as we waited for it
 * (request-timeout), and the task list may then lag behind the create (LIST_LAG_MS).
 */
export interface LookupPlan {
  windowMs: number;
  looks: number;
}

/** How far the task list may lag behind a create. Tencent documents nothing; seconds were seen. */
export const LIST_LAG_MS = 20_000;
export const LOOKS = 4;

/** The lookup plan for a request timeout. */
export function lookupPlan(requestTimeoutMs: number): LookupPlan {
  return { windowMs: requestTimeoutMs + LIST_LAG_MS, looks: LOOKS };
}

/**
 * Pure: when to look for the task after a failure at `failedAt`: once after `firstDelay` (most
 * lost answers show their task at once), then evenly until the window closes.
 */
export function lookTimes(failedAt: number, plan: LookupPlan, firstDelay: number): number[] {
  const times = [failedAt + Math.min(firstDelay, plan.windowMs)];
  for (let k = 1; k < plan.looks; k++) {
    times.push(failedAt + Math.round((plan.windowMs * k) / (plan.looks - 1)));
  }
  return times.sort((a, b) => a - b);
}

/** The search for a task that a create call with a lost answer may have made. */
export class Lookup {
  private readonly details = new Map<number, TaskDetail>();

  constructor(
    private readonly client: TencentClient,
    private readonly request: BatchUpdateFirmwareRequest,
    private readonly policy: RetryPolicy,
    private readonly plan: LookupPlan,
    private readonly before: TaskList,
  ) {}

  get seconds(): number {
    return Math.round(this.plan.windowMs / 1000);
  }

  /** The task the failed call created, or undefined when every look proved there is none. */
  async after(cause: unknown): Promise<TaskOutcome | undefined> {
    const { policy, plan, request } = this;
    const failedAt = policy.now();
    const acted = cause instanceof TransportError && cause.delivery === "yes";
    policy.logger.warning(
      `BatchUpdateFirmware's outcome is unknown (${messageOf(cause)}); looking for the task ${plan.looks} times over ${this.seconds} s before anything is sent again.`,
    );
    if (!this.before.complete)
      throw new TaskMayExistError(request, cause, this.before.cut ?? "the task list was cut");
    let unproven: string | undefined;
    for (const at of lookTimes(failedAt, plan, backoffDelay(1, policy))) {
      if (at > policy.deadline) {
        unproven = "the retry deadline came before the lookup window closed";
        break;
      }
      const wait = at - policy.now();
      if (wait > 0) await policy.sleep(wait);
      let list: TaskList;
      try {
        list = await listTasks(this.client, request, policy);
      } catch (error) {
        throw new TaskMayExistError(request, cause, `looking for it failed: ${messageOf(error)}`);
      }
      const found = await this.ours(list, cause);
      if (found !== undefined) return found;
      if (!list.complete) unproven = `the task list could not be read whole (${list.cut})`;
    }
    if (unproven !== undefined) throw new TaskMayExistError(request, cause, unproven);
    if (acted) {
      throw new TaskMayExistError(
        request,
        cause,
        `the server answered success, so it acted, but no task of this run appeared within ${this.seconds} s`,
      );
    }
    return undefined;
  }

  private async ours(list: TaskList, cause: unknown): Promise<TaskOutcome | undefined> {
    const fresh = [...list.tasks].filter(([taskId]) => !this.before.tasks.has(taskId));
    const ours: Array<[number, string]> = [];
    for (const entry of fresh) {
      let detail: TaskDetail;
      try {
        detail = await this.detail(entry[0]);
      } catch (error) {
        throw new TaskMayExistError(
          this.request,
          cause,
          `looking for it failed: ${messageOf(error)}`,
        );
      }
      if (matchesRequest(detail, this.request)) ours.push(entry);
    }
    if (ours.length > 1) {
      throw new ActionError(
        `BatchUpdateFirmware's answer was lost and ${ours.length} matching new tasks of firmware ${this.request.FirmwareVersion} appeared meanwhile (${ours.map(([id]) => id).join(", ")}); another rollout may be running. Not retrying; check them in the console.`,
      );
    }
    if (ours.length === 0) return undefined;
    const [taskId, requestId] = ours[0]!;
    return { task: { taskId, requestId }, origin: "found" };
  }

  private async detail(taskId: number): Promise<TaskDetail> {
    const known = this.details.get(taskId);
    if (known !== undefined) return known;
    const { client, request, policy } = this;
    const detail = await withRetries(
      "DescribeFirmwareTask",
      policy,
      () => describeFirmwareTask(client, request.ProductID, request.FirmwareVersion, taskId),
      retryUnlessDefinite,
    );
    this.details.set(taskId, detail);
    return detail;
  }
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

/** A create call whose outcome is unknown, and no way to prove that it created nothing. */
export class TaskMayExistError extends ActionError {
  override name = "TaskMayExistError";
  constructor(request: BatchUpdateFirmwareRequest, cause: unknown, why: string) {
    super(
      `BatchUpdateFirmware's outcome is unknown (${messageOf(cause)}), and ${why}: a task of firmware ${request.FirmwareVersion} may exist. Not sending it again; check the firmware's tasks in the console before running the job again.`,
    );
  }
}
