import { resultCounts } from "../follow/follow-task.js";
import type { RunReport, WaveReport } from "../report/run-report.js";
import type { DeploymentState } from "./github.js";
import { taskLine, upgradedOf, waveLine } from "./ledger.js";
import type { DeploymentRecord } from "./record.js";

/** Posts how this run left the rollout, when it recorded anything (never throws). */
export async function endDeployment(record: DeploymentRecord, report: RunReport): Promise<void> {
  const last = lastStatus(report);
  if (last !== undefined) await record.end(last.state, last.description);
  record.warnIfIncomplete();
}

/**
 * Pure: the deployment's state and description as the run ended. A rollout that goes on (a
 * task not followed, waves left for a later run) stays `in_progress`; a dry run posts nothing.
 */
export function lastStatus(
  report: RunReport,
): { state: DeploymentState; description: string } | undefined {
  const { status } = report;
  if (status === "dry-run") return undefined;
  const failed = status === "failed" || status === "timed-out" || report.error !== undefined;
  if (report.waves !== undefined) return waveStatus(report.waves, failed, report.error);
  const taskId = report.task?.taskId;
  if (taskId === undefined) {
    return { state: "error", description: `no task: ${report.error ?? "the run ended early"}` };
  }
  if (status === "created") {
    return { state: "in_progress", description: taskLine(taskId, "created; not followed") };
  }
  const counts = report.follow && resultCounts(report.follow);
  const numbers =
    counts === undefined
      ? ""
      : `${upgradedOf(counts.succeeded, counts.total)}, ${counts.failed} failed`;
  if (!failed) return { state: "success", description: taskLine(taskId, `done: ${numbers}`) };
  const why = status === "timed-out" ? "timed out" : "failed";
  return {
    state: "failure",
    description: taskLine(
      taskId,
      numbers === "" ? `${why}: ${report.error}` : `${why}: ${numbers}`,
    ),
  };
}

function waveStatus(
  waves: WaveReport[],
  failed: boolean,
  error: string | undefined,
): { state: DeploymentState; description: string } {
  const passed = waves.filter((wave) => wave.verdict === "passed").length;
  const last = waves.findLast((wave) => wave.taskId !== undefined);
  if (last === undefined || last.taskId === undefined) {
    return {
      state: failed ? "error" : "in_progress",
      description: failed ? `no wave task: ${error ?? ""}` : `0/${waves.length} waves`,
    };
  }
  const line = (what: string) => waveLine(last.number, waves.length, last.taskId!, what);
  if (failed) {
    const why = last.verdict === "passed" ? "stopped" : last.verdict;
    return { state: "failure", description: line(`${why}: ${last.gate ?? error ?? ""}`) };
  }
  if (passed === waves.length) {
    return { state: "success", description: line(`passed, all waves done: ${last.gate ?? ""}`) };
  }
  return {
    state: "in_progress",
    description: line(`passed: ${passed} of ${waves.length} waves done, a later run goes on`),
  };
}
