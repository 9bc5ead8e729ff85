import type { RunReport } from "../run-report.js";
import { devices, failure, firmwareOf, gateOf, said, targetOf, type Verdict } from "./reasons.js";
import { wavesVerdict } from "./wave-verdict.js";

/** Pure: the verdict of a run, whatever its kind and however it ended. */
export function verdictOf(report: RunReport): Verdict {
  const { follow, task, status, waves } = report;
  if (waves !== undefined && status !== "dry-run") return wavesVerdict(report, waves);
  const firmware = firmwareOf(report);
  const subject = `Task ${task?.taskId ?? ""}`;
  if (status === undefined) {
    // A run that failed before it set its status, or a summary written part-way.
    return report.error === undefined
      ? said("⏳", `${firmware} rollout not finished`, "The run ended before it said how.")
      : failure(report, `${firmware} rollout failed`, follow, subject);
  }
  switch (status) {
    case "dry-run":
      return dryRun(report);
    case "succeeded": {
      const reason = follow ? `${gateOf(follow)}.` : "The wait's numbers were not kept.";
      return said("✅", `${firmware} rolled out to ${targetOf(report)}`, reason);
    }
    case "created": {
      const how = task?.origin === "followed" ? "already running" : "created";
      const title = `${firmware}: task ${task?.taskId ?? ""} ${how} for ${targetOf(report)}`;
      return said("⏳", title, createdReason(report));
    }
    case "timed-out":
      return failure(report, `${firmware} rollout timed out`, follow, subject);
    case "failed":
      return failure(report, `${firmware} rollout failed`, follow, subject);
  }
}

function createdReason({ task }: RunReport): string {
  if (task === undefined) return "No task was named.";
  switch (task.origin) {
    case "followed":
      return `Task ${task.taskId} was already running (a re-run), so none was created; not followed (wait is off).`;
    case "found":
      return `Task ${task.taskId} created (found after a lost answer); not followed (wait is off).`;
    case "created":
      return `Task ${task.taskId} created; not followed (wait is off).`;
  }
}

function dryRun(report: RunReport): Verdict {
  const title = `Dry run of ${firmwareOf(report, "firmware")} to ${targetOf(report)}: nothing changed`;
  const { waves } = report;
  if (waves === undefined) {
    return said(
      "📝",
      title,
      "No task was created and nothing was uploaded; below is the request a real run would send.",
    );
  }
  const total = waves.reduce((sum, wave) => sum + wave.devices, 0);
  return said(
    "📝",
    title,
    `${waves.length} wave(s) planned for ${devices(total)}; no task was created and nothing was uploaded.`,
  );
}
