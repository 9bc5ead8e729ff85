import * as core from "@actions/core";
import type { StepContext } from "../run/context.js";
import { followTask, type FollowResult } from "./follow-task.js";
import type { Gate, Outcome } from "./judge.js";
import { formatDuration } from "./progress.js";

/**
 * Follows a task as the wait settings say, on the run's clock, waking when the step is cancelled.
 * `describe` words a poll for the deployment's progress status (posted now and then).
 */
export async function follow(
  ctx: StepContext,
  gate: Gate,
  taskId: number,
  describe: (seen: Outcome) => string,
): Promise<FollowResult> {
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
      // A task with nothing pending is about to end, and its end is posted anyway.
      onPoll: async (seen) => {
        if (seen.pending > 0) await ctx.deployment.pollProgress(describe(seen));
      },
    },
  );
}
