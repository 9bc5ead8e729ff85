import * as core from "@actions/core";
import type { Inputs } from "./inputs.js";
import type { CreatedTask } from "./tencent/iotvideo.js";

/** What the job summary reports about one rollout. */
export interface RolloutReport {
  inputs: Inputs;
  target: string;
  task: CreatedTask;
  /** How the task was obtained: created by this run's call, or found after an unclear answer. */
  origin: "created" | "found";
}

/** Writes the job summary when the runner provides one (GITHUB_STEP_SUMMARY). */
export async function writeSummary(report: RolloutReport): Promise<void> {
  if (!process.env["GITHUB_STEP_SUMMARY"]) return;
  const { inputs, task } = report;
  await core.summary
    .addHeading("Firmware rollout", 3)
    .addTable([
      [
        { data: "Product", header: true },
        { data: "Firmware", header: true },
        { data: "Devices", header: true },
        { data: "Upgrade", header: true },
        { data: "Task", header: true },
        { data: "RequestId", header: true },
      ],
      [
        inputs.productId,
        inputs.firmwareVersion,
        report.target,
        inputs.upgradeMethod === 0 ? "silent" : "confirm",
        `${task.taskId}${report.origin === "found" ? " (found after an unclear answer)" : ""}`,
        task.requestId,
      ].map(escapeHtml),
    ])
    .write();
}

// core.summary puts cell text into HTML as it is; a device-list path is the user's to choose.
function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
