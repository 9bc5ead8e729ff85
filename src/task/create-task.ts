import * as core from "@actions/core";
import { createTaskOnce } from "./create-once.js";
import { lookupPlan } from "./lookup.js";
import { requestIdNote } from "../run/errors.js";
import { followTask, type FollowResult } from "../follow/follow-task.js";
import type { Gate } from "../follow/judge.js";
import type { Inputs, WaitSettings } from "../inputs/read-inputs.js";
import type { TaskList } from "./list-tasks.js";
import { setOutputs } from "../report/outputs.js";
import { clock } from "../follow/progress.js";
import type { RunContext } from "../rollout.js";
import type { RunReport } from "../report/run-report.js";
import { explainDeviceIsUpdating } from "./running-tasks.js";
import type { TencentClient } from "../tencent/client.js";
import type { BatchUpdateFirmwareRequest } from "../tencent/iotvideo.js";
import type { RetryPolicy } from "../http/retry.js";

/** A task of this run, and how it was obtained. */
export type Task = NonNullable<RunReport["task"]>;

/** BatchUpdateFirmware exactly once, the cancel watch told when it is in flight. */
export async function createTask(
  client: TencentClient,
  request: BatchUpdateFirmwareRequest,
  before: TaskList,
  policy: RetryPolicy,
  ctx: Pick<RunContext, "watch">,
  requestTimeoutMs: number,
  target: string,
): Promise<Task> {
  ctx.watch.at({ step: "preparing" });
  const outcome = await createTaskOnce(
    client,
    request,
    policy,
    lookupPlan(requestTimeoutMs),
    before,
    {
      sending: () =>
        ctx.watch.at({ step: "creating", firmwareVersion: request.FirmwareVersion, target }),
    },
  ).catch((error: unknown) => explainDeviceIsUpdating(error, client, request, before, policy));
  return { ...outcome.task, origin: outcome.origin };
}

/** Names the task first, so that no later failure (a full disk for GITHUB_OUTPUT) can hide it. */
export function nameTask(task: Task, inputs: Inputs): void {
  const { taskId, requestId } = task;
  core.info(
    {
      created: `Created upgrade task ${taskId}${requestIdNote(requestId)}.`,
      found: `Using upgrade task ${taskId}, which this run's BatchUpdateFirmware created (found with DescribeFirmwareTasks${requestIdNote(requestId)}).`,
      followed: `Upgrade task ${taskId} of firmware ${inputs.firmwareVersion} targets the same devices and is still running (a re-run?): following it instead of creating another.`,
    }[task.origin],
  );
  setOutputs({ "task-id": String(taskId), "request-id": requestId }, taskId);
}

/** Follows a task as the wait settings say, on the run's clock, waking when the step is cancelled. */
export async function follow(
  client: TencentClient,
  inputs: Inputs,
  settings: WaitSettings,
  gate: Gate,
  taskId: number,
  ctx: RunContext,
  policy: RetryPolicy,
): Promise<FollowResult> {
  core.info(
    `Following task ${taskId} for up to ${clock(settings.timeoutMs)}, polling every ${clock(settings.pollIntervalMs)}.`,
  );
  return followTask(
    client,
    { productId: inputs.productId, firmwareVersion: inputs.firmwareVersion, taskId },
    settings,
    gate,
    {
      ...ctx.clock,
      cancelled: ctx.watch.cancelled,
      policy: (deadline: number) => ({ ...policy, deadline }),
      logger: core,
    },
  );
}
