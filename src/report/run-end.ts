import * as core from "@actions/core";
import { appendFileSync } from "node:fs";
import { EOL } from "node:os";
import { messageOf } from "../run/errors.js";
import { setOutputs } from "./outputs.js";
import { forLog } from "./outside-text.js";
import type { RunReport } from "./run-report.js";
import { summaryMarkdown } from "./summary/markdown.js";

/**
 * What a run leaves behind however it ends, by its last line, a failure or a cancel signal that
 * exits the process: the `status` output and the job summary, each written once. Both writes are
 * synchronous, so a signal handler can make them in full before process.exit().
 */
export class RunEnd {
  private summaryWritten = false;
  private statusWritten = false;

  constructor(private readonly report: RunReport) {}

  /** The run failed with `message`: `status` says so, unless a wait already said how it ended. */
  failed(message: string): void {
    const { report } = this;
    report.error = message;
    if (report.status !== "failed" && report.status !== "timed-out") report.status = "failed";
    this.writeStatus();
  }

  /**
   * Sets the `status` output from the report, once: the only place it is set, so every way a
   * run ends (success, failure, a cancel signal) says it the same way.
   */
  writeStatus(): void {
    const { status, task } = this.report;
    if (this.statusWritten || status === undefined) return;
    this.statusWritten = true;
    setOutputs({ status }, task?.taskId);
  }

  /**
   * A cancel signal ends the process now: unless the run has ended already, its `line` is the
   * failure, and the summary is written from what the report holds at this moment.
   */
  cancelled(line: string): void {
    if (this.summaryWritten) return;
    this.failed(line);
    this.writeSummary();
  }

  /**
   * Writes the job summary (GITHUB_STEP_SUMMARY), once. One that cannot be written must not fail
   * the step: a task may exist by now.
   */
  writeSummary(): void {
    if (this.summaryWritten) return;
    this.summaryWritten = true;
    const path = process.env["GITHUB_STEP_SUMMARY"];
    if (!path) return;
    try {
      appendFileSync(path, `${summaryMarkdown(this.report)}${EOL}`);
    } catch (error) {
      core.warning(`Could not write the job summary: ${forLog(messageOf(error), 300)}`);
    }
  }
}
