import * as core from "@actions/core";
import type { StepContext } from "../run/context.js";
import { followTask, type FollowResult } from "./follow-task.js";
import type { Gate } from "./judge.js";
import { formatDuration } from "./progress.js";

/** Follows a task as the wait settings say, on the run's clock, waking when the step is cancelled. */
export async function follow(ctx: StepContext, gate: Gate, taskId: number): Promise<FollowResult> {
  const { client, inputs, policy } = ctx;
  const settings = inputs.wait!;
  core.info(
    `Following task ${taskId} for up to ${formatDuration(settings.timeoutMs)}, polling every ${formatDuration(settings.pollIntervalMs)}.`,
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
