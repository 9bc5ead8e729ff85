import { followTables } from "./device-tables.js";
import { formatDuration } from "../follow/progress.js";
import type { RunReport, WaveReport } from "./run-report.js";
import { forSummary } from "./outside-text.js";

const MAX_CELL = 200;

/** Pure: the job summary of one run, success, failure and dry run alike. */
export function summaryMarkdown(report: RunReport): string {
  const { inputs, task, follow } = report;
  const lines: string[] = [`### Firmware rollout: ${headline(report)}`, ""];
  const facts: Array<[string, string]> = [];
  if (inputs !== undefined) {
    facts.push(["Product", inputs.productId]);
    facts.push([
      "Firmware",
      `${inputs.firmwareVersion}${inputs.versionSource === "tag" ? " (from the tag)" : ""}`,
    ]);
    if ("originalVersion" in inputs.target && inputs.target.originalVersion !== undefined) {
      facts.push(["From version", inputs.target.originalVersion]);
    }
    facts.push(["Upgrade", inputs.upgradeMethod === 0 ? "silent" : "confirm"]);
  }
  if (report.target !== undefined) facts.push(["Devices", report.target]);
  if (report.list?.md5 !== undefined) {
    facts.push([
      "Device list",
      `${report.list.path}: ${report.list.deviceCount} devices, ${report.list.size} bytes, MD5 ${report.list.md5}`,
    ]);
  }
  if (task !== undefined) {
    const how = {
      created: "",
      found: " (found after a lost answer)",
      followed: " (already running; followed, not created again)",
    }[task.origin];
    facts.push(["Task", `${task.taskId}${how}`]);
    if (task.requestId !== "") facts.push(["RequestId", task.requestId]);
  }
  if (inputs !== undefined) facts.push(["Endpoint", inputs.endpoint.origin]);
  if (report.runUrl !== undefined) facts.push(["Workflow run", report.runUrl]);
  lines.push(
    "| | |",
    "|---|---|",
    ...facts.map(([name, value]) => `| ${name} | ${cell(value)} |`),
    "",
  );
  if (report.waves !== undefined) lines.push(...wavesTable(report.waves), "");
  if (report.waves !== undefined) lines.push(...waveDetails(report.waves));
  if (follow !== undefined) lines.push(...followTables(follow, cell), "");
  if (report.request !== undefined) {
    lines.push(
      "The request a real run would send (`BatchUpdateFirmware`):",
      "",
      "```json",
      JSON.stringify(report.request, null, 2),
      "```",
      "",
    );
  }
  if (report.error !== undefined)
    lines.push(`**What failed:** ${cell(report.error)}`, "", nextStep(report), "");
  return lines.join("\n");
}

function headline(report: RunReport): string {
  switch (report.status) {
    case "succeeded":
      return "succeeded";
    case "created":
      return "task created";
    case "dry-run":
      return "dry run, nothing changed";
    case "timed-out":
      return "timed out";
    default:
      return "failed";
  }
}

function wavesTable(waves: WaveReport[]): string[] {
  return [
    "| Wave | Devices | Task | Done | Failed | Pending | Duration | Verdict | Gate |",
    "|---:|---:|---|---:|---:|---:|---:|---|---|",
    ...waves.map((w) => {
      const task =
        w.taskId === undefined
          ? ""
          : `${w.taskId}${w.origin === "earlier run" ? " (earlier run)" : ""}`;
      const n = (value: number | undefined) => (value === undefined ? "" : String(value));
      return `| ${w.number}${w.canary ? " (canary)" : ""} | ${w.devices} | ${task} | ${n(w.counts?.succeeded)} | ${n(w.counts?.failed)} | ${n(w.counts?.pending)} | ${w.durationMs === undefined ? "" : formatDuration(w.durationMs)} | ${w.verdict} | ${cell(w.gate ?? "")} |`;
    }),
  ];
}

/** The waves that did not pass, or passed leaving devices behind, each with its devices named. */
function waveDetails(waves: WaveReport[]): string[] {
  const lines: string[] = [];
  for (const wave of waves) {
    if (wave.follow === undefined) continue;
    const tables = followTables(wave.follow, cell);
    const named = wave.verdict !== "passed" || wave.follow.devices.failed.length > 0;
    if (!named) continue;
    lines.push(`#### Wave ${wave.number}: ${wave.verdict}`, "", ...tables, "");
    if (wave.cancel !== undefined) {
      const c = wave.cancel;
      lines.push(
        `Cancelled ${c.cancelled} not-started device(s); ${c.skipped} had moved on; ${c.failed} could not be cancelled; ${c.notTried} not tried.`,
        "",
      );
    }
  }
  return lines;
}

function nextStep(report: RunReport): string {
  if (report.waves?.some((wave) => wave.taskId !== undefined)) {
    return "The waves' tasks go on upgrading their devices on Tencent's side; no further wave was created. Fix what stopped the rollout (or raise max-failed-devices), then run the job again with the same inputs: it follows the waves that have tasks and goes on from the first that has none.";
  }
  if (report.status === "timed-out" || report.follow !== undefined) {
    return `The task goes on upgrading devices on Tencent's side. Look at task ${report.task?.taskId ?? ""} in the IoT Video console (firmware ${report.inputs?.firmwareVersion ?? ""}), or run the job again: a re-run by original version follows the running task instead of creating another.`;
  }
  if (report.task !== undefined)
    return `Task ${report.task.taskId} exists; do not create another before looking at it in the console.`;
  return "No task was created by this step unless the message above says one may exist. Fix what it names and run the job again.";
}

/** One table cell (or line) of outside text, by the summary's rule: one line, no Markdown or HTML. */
function cell(text: string): string {
  return forSummary(text, MAX_CELL);
}
