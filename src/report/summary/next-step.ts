import { resultCounts } from "../../follow/follow-task.js";
import type { RunReport } from "../run-report.js";
import { cell } from "./cell.js";

/** Pure: what to do now, in a sentence or two; none when the rollout is done and whole. */
export function nextStep(report: RunReport): string | undefined {
  if (report.status === "dry-run") {
    return "Everything checked out; run again without dry-run to roll out for real.";
  }
  if (report.error !== undefined || report.status === "failed") return afterFailure(report);
  const { waves, task } = report;
  const next = waves?.find((wave) => wave.verdict !== "passed");
  if (next !== undefined) {
    return `Run the job again with the same inputs to go on from wave ${next.number}: it follows the waves that have tasks and creates at most waves-per-run new ones.`;
  }
  if (report.status === "created" && task !== undefined) {
    return `Follow task ${task.taskId} in the IoT Video console (firmware ${version(report)}), or set wait: true so the step follows it and judges the result.`;
  }
  const pending = pendingOf(report);
  if (pending > 0) {
    return `${pending} device(s) have not upgraded yet (offline, awaiting confirmation or still upgrading); their task goes on at Tencent.`;
  }
  return undefined;
}

function afterFailure(report: RunReport): string {
  if (report.waves?.some((wave) => wave.taskId !== undefined)) {
    return "The waves' tasks go on upgrading their devices on Tencent's side; no further wave was created. Fix what stopped the rollout (or raise max-failed-devices), then run the job again with the same inputs: it follows the waves that have tasks and goes on from the first that has none.";
  }
  if (report.status === "timed-out" || report.follow !== undefined) {
    return `The task goes on upgrading devices on Tencent's side. Look at task ${report.task?.taskId ?? ""} in the IoT Video console (firmware ${version(report)}), or run the job again: a re-run by original version follows the running task instead of creating another.`;
  }
  if (report.task !== undefined) {
    return `Task ${report.task.taskId} exists; do not create another before looking at it in the console.`;
  }
  return "No task was created by this step unless the message above says one may exist. Fix what it names and run the job again.";
}

function version(report: RunReport): string {
  return cell(report.inputs?.firmwareVersion ?? "", 64);
}

/** Devices not upgraded yet of a rollout that passed. */
function pendingOf({ follow, waves }: RunReport): number {
  if (follow !== undefined) return resultCounts(follow).pending;
  return (waves ?? []).reduce((sum, wave) => sum + (wave.counts?.pending ?? 0), 0);
}
