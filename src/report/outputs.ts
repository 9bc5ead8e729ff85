import * as core from "@actions/core";
import { messageOf } from "../run/errors.js";
import { forLog, forOutput } from "./outside-text.js";

/** Every output of action.yml, by its workflow name. */
export const OUTPUT_NAMES = [
  "task-id",
  "request-id",
  "status",
  "devices-total",
  "devices-succeeded",
  "devices-failed",
  "devices-pending",
  "device-count",
  "device-list-md5",
  "device-list-size",
  "task-ids",
  "waves-completed",
  "waves-total",
  "deployment-id",
] as const;

export type OutputName = (typeof OUTPUT_NAMES)[number];

/**
 * Sets step outputs, each value by the outputs' rule (forOutput: one line, nothing a shell acts
 * on), so a server's RequestId cannot carry a line break or `$(…)` into a workflow. Once a task
 * exists nothing may fail the step (a re-run would roll out again), so a write that fails
 * (GITHUB_OUTPUT on a full disk) is a warning naming the task.
 */
export function setOutputs(outputs: Partial<Record<OutputName, string>>, taskId?: number): void {
  for (const [name, value] of Object.entries(outputs)) {
    try {
      core.setOutput(name, forOutput(value));
    } catch (error) {
      const task = taskId === undefined ? "" : `; the task is ${taskId}`;
      core.warning(`Could not set the output ${name} (${forLog(messageOf(error), 300)})${task}.`);
    }
  }
}
