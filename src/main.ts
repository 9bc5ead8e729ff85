import * as core from "@actions/core";

import * as github from "@actions/github";
import { CancelWatch } from "./cancel.js";
import { isLoopback } from "./connect.js";
import { ActionError, messageOf } from "./errors.js";
import { CONNECT_TIMEOUT_MS } from "./http/bounds.js";
import { readInputs } from "./inputs.js";
import { setOutputs } from "./outputs.js";
import { forLog, redact } from "./outside-text.js";
import type { RunReport } from "./report.js";
import { realClock, rollout, type Clock } from "./rollout.js";
import { writeSummary } from "./summary.js";
import { Dispatchers } from "./tencent/dispatchers.js";

/** Seams for running the step in-process in tests. */
export interface RunOptions {
  /** The clock for waits and deadlines, given the cancel signal; the real one by default. */
  clock?: (signal: AbortSignal) => Clock;
}

/** One run: the rollout, then the job summary whatever happened. The only place that fails the step. */
export async function run(options: RunOptions = {}): Promise<void> {
  const report: RunReport = {};
  const startedAt = Date.now();
  const dispatchers = new Dispatchers(CONNECT_TIMEOUT_MS);
  const watch = new CancelWatch({
    error: (line) => core.error(line),
    exit: (code) => process.exit(code),
  }).install();
  try {
    const url = runUrl();
    if (url !== undefined) report.runUrl = url;
    const inputs = readInputs();
    warnAboutPlainHttp(inputs.endpoint);
    await rollout(inputs, {
      startedAt,
      dispatchers,
      watch,
      report,
      clock: (options.clock ?? realClock)(watch.signal),
    });
  } catch (error) {
    report.error = fail(error);
    if (report.status !== "failed" && report.status !== "timed-out") {
      report.status = "failed";
      setOutputs({ status: "failed" }, report.task?.taskId);
    }
  } finally {
    // A summary that cannot be written must not fail the step: a task may exist by now.
    await writeSummary(report).catch((error: unknown) =>
      core.warning(`Could not write the job summary: ${forLog(messageOf(error), 300)}`),
    );
    watch.dispose();
    await dispatchers.close();
  }
}

/** Fails the step with one line; returns that line. */
function fail(error: unknown): string {
  if (error instanceof ActionError) {
    const message = redact(error.message);
    core.setFailed(message);
    return message;
  }
  // Not one of ours: still one line, with the stack kept for RUNNER_DEBUG readers.
  if (error instanceof Error && error.stack) core.debug(redact(error.stack));
  const message = `Unexpected error: ${forLog(messageOf(error), 500)}`;
  core.setFailed(message);
  return message;
}

/** The workflow run's page, from the runner's context, when there is one. */
function runUrl(): string | undefined {
  const { serverUrl, runId } = github.context;
  const { GITHUB_REPOSITORY: repository } = process.env;
  if (!repository || !runId) return undefined;
  return `${serverUrl}/${repository}/actions/runs/${runId}`;
}

function warnAboutPlainHttp(endpoint: URL): void {
  if (endpoint.protocol === "http:" && !isLoopback(endpoint)) {
    core.warning(
      `endpoint ${endpoint.origin} is plain http: requests and the session token travel unencrypted.`,
    );
  }
}
