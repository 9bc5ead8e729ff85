import * as core from "@actions/core";
import { createTaskOnce } from "./create-once.js";
import { lookupPlan } from "./lookup.js";
import { requestIdNote } from "../run/errors.js";
import type { Inputs } from "../inputs/read-inputs.js";
import type { TaskList } from "./list-tasks.js";
import { setOutputs } from "../report/outputs.js";
import type { StepContext } from "../run/context.js";
import type { RunReport } from "../report/run-report.js";
import { explainDeviceIsUpdating } from "./running-tasks.js";
import type { BatchUpdateFirmwareRequest } from "../tencent/iotvideo/tasks.js";

/** A task of this run, and how it was obtained. */
export type Task = NonNullable<RunReport["task"]>;

/**
 * BatchUpdateFirmware exactly once, the cancel watch told when it is in flight; `target` says
 * in words what it upgrades, for the cancel line.
 */
export async function createTask(
  ctx: StepContext,
  request: BatchUpdateFirmwareRequest,
  before: TaskList,
  target: string,
): Promise<Task> {
  const { client, policy } = ctx;
  ctx.watch.at({ step: "preparing" });
  const outcome = await createTaskOnce(
    client,
    request,
    policy,
    lookupPlan(ctx.inputs.requestTimeoutMs),
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
