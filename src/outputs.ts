import * as core from "@actions/core";
import { messageOf } from "./errors.js";

/**
 * Sets step outputs. Once a task exists nothing may fail the step (a re-run would roll out
 * again), so a write that fails (GITHUB_OUTPUT on a full disk) is a warning naming the task.
 */
export function setOutputs(outputs: Record<string, string>, taskId?: number): void {
  for (const [name, value] of Object.entries(outputs)) {
    try {
      core.setOutput(name, value);
    } catch (error) {
      const task = taskId === undefined ? "" : `; the task is ${taskId}`;
      core.warning(`Could not set the output ${name} (${messageOf(error)})${task}.`);
    }
  }
}
