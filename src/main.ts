import * as core from "@actions/core";

import { CancelWatch } from "./run/cancel-watch.js";
import { checkFirmwareFile } from "./task/check-firmware.js";
import { isLoopback } from "./credentials/iotvideo-client.js";
import { ActionError, messageOf } from "./run/errors.js";
import { CONNECT_TIMEOUT_MS } from "./http/bounds.js";
import { readInputs } from "./inputs/read-inputs.js";
import { forLog, redact } from "./report/outside-text.js";
import type { RunReport } from "./report/run-report.js";
import { rollout } from "./rollout.js";
import { realClock, type Clock } from "./run/context.js";
import { RunEnd } from "./report/run-end.js";
import { runUrl } from "./run/run-url.js";
import { Dispatchers } from "./http/dispatchers.js";
import { DeploymentRecord } from "./deployment/record.js";
import { endDeployment } from "./deployment/end.js";

/** Seams for running the step in-process in tests. */
export interface RunOptions {
  /** The clock for waits and deadlines, given the cancel signal; the real one by default. */
  clock?: (signal: AbortSignal) => Clock;
}

/**
 * One run: the rollout, then the `status` output and the job summary whatever happened, a cancel
 * signal that ends the process included. The only place that fails the step.
 */
export async function run(options: RunOptions = {}): Promise<void> {
  const report: RunReport = {};
  const end = new RunEnd(report);
  const startedAt = Date.now();
  const dispatchers = new Dispatchers(CONNECT_TIMEOUT_MS);
  const watch = new CancelWatch({
    error: (line) => core.error(line),
    exit: (code, line) => {
      end.cancelled(line);
      process.exit(code);
    },
  }).install();
  const clock = (options.clock ?? realClock)(watch.signal);
  let deployment: DeploymentRecord | undefined;
  try {
    const url = runUrl();
    if (url !== undefined) report.runUrl = url;
    const inputs = readInputs();
    deployment = new DeploymentRecord(inputs.deployment, clock, report);
    // A path input is checked before the first request, as device-list is by rollout's scan.
    await checkFirmwareFile(inputs);
    warnAboutPlainHttp(inputs.endpoint);
    await rollout(inputs, { startedAt, dispatchers, watch, report, clock, deployment });
    end.writeStatus();
  } catch (error) {
    end.failed(fail(error));
  } finally {
    // The outcome on GitHub too, before the summary that links it; bounded, never throws.
    if (deployment !== undefined) await endDeployment(deployment, report);
    end.writeSummary();
    // The watch stays until the very end: a signal while connections close still exits with 1.
    await dispatchers.close().finally(() => watch.dispose());
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

function warnAboutPlainHttp(endpoint: URL): void {
  if (endpoint.protocol === "http:" && !isLoopback(endpoint)) {
    core.warning(
      `endpoint ${endpoint.origin} is plain http: requests and the session token travel unencrypted.`,
    );
  }
}
