import type { RunReport } from "../run-report.js";
import { cell, link } from "./cell.js";

const ORIGINS = {
  created: "",
  found: " (found after a lost answer)",
  followed: " (already running; followed, not created again)",
} as const;

/**
 * Pure: the facts of the run, under a header row: product, firmware, from version, upgrade,
 * devices, device list, task, RequestId, endpoint. Every value goes through the summary's rule.
 */
export function detailsTable(report: RunReport): string[] {
  const { inputs, task, list } = report;
  const facts: Array<[string, string]> = [];
  if (inputs !== undefined) {
    const tag = inputs.versionSource === "tag" ? " (from the tag)" : "";
    facts.push(["Product", inputs.productId], ["Firmware", `${inputs.firmwareVersion}${tag}`]);
    if ("originalVersion" in inputs.target && inputs.target.originalVersion !== undefined) {
      facts.push(["From version", inputs.target.originalVersion]);
    }
    facts.push(["Upgrade", inputs.upgradeMethod === 0 ? "silent" : "confirm"]);
  }
  if (report.target !== undefined) facts.push(["Devices", report.target]);
  if (list?.md5 !== undefined) {
    const about = `${list.deviceCount} devices, ${list.size} bytes, MD5 ${list.md5}`;
    facts.push(["Device list", `${list.path}: ${about}`]);
  }
  if (task !== undefined) {
    facts.push(["Task", `${task.taskId}${ORIGINS[task.origin]}`]);
    if (task.requestId !== "") facts.push(["RequestId", task.requestId]);
  }
  if (inputs !== undefined) facts.push(["Endpoint", inputs.endpoint.origin]);
  if (facts.length === 0) return [];
  return [
    "| Detail | Value |",
    "|---|---|",
    ...facts.map(([name, value]) => `| ${name} | ${cell(value)} |`),
  ];
}

/**
 * Pure: "[Deployment in production](…) · [Workflow run](…) · Task 1003". Links only to our own
 * URLs (GitHub's); Tencent gives no console address for a task, so its id stays text.
 */
export function linksLine(report: RunReport): string[] {
  const parts: string[] = [];
  const { deployment, runUrl, task } = report;
  if (deployment !== undefined) {
    parts.push(link(`Deployment in ${deployment.environment}`, deployment.url));
  }
  if (runUrl !== undefined) parts.push(link("Workflow run", runUrl));
  if (task !== undefined) parts.push(`Task ${task.taskId}`);
  return parts.length === 0 ? [] : [parts.join(" · ")];
}
