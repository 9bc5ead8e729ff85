import * as core from "@actions/core";
import { CancelWatch } from "./cancel.js";
import { createTaskOnce, lookupPlan, type TaskOutcome } from "./create-task.js";
import { ActionError, messageOf, requestIdNote } from "./errors.js";
import { readInputs, type Inputs } from "./inputs.js";
import { oneLine, redact } from "./outside-text.js";
import { describeTarget, rolloutRequest, type UploadedList } from "./rollout-request.js";
import { writeSummary } from "./summary.js";
import { IOTVIDEO_SERVICE, IOTVIDEO_VERSION } from "./tencent/assumptions.js";
import { TencentClient } from "./tencent/client.js";
import { Dispatchers } from "./tencent/http.js";
import { DEFAULT_BACKOFF, RETRY_DEADLINE_MS, type RetryPolicy } from "./tencent/retry.js";
import { scanList, uploadList } from "./upload-list.js";

const CONNECT_TIMEOUT_MS = 10_000;

/** One rollout: inputs → (device list) → BatchUpdateFirmware → outputs. The only place that fails the step. */
export async function run(): Promise<void> {
  const startedAt = Date.now();
  const dispatchers = new Dispatchers(CONNECT_TIMEOUT_MS);
  const watch = new CancelWatch({
    error: (line) => core.error(line),
    exit: process.exit,
  }).install();
  try {
    const inputs = readInputs();
    warnAboutPlainHttp(inputs);
    // A device list is read and checked whole before the first request.
    const scanned = inputs.target.kind === "file" ? await scanList(inputs.target) : undefined;
    const { client, policy } = connect(inputs, dispatchers, startedAt, watch);
    const target = describeTarget(inputs, scanned?.deviceCount);
    core.info(
      `Rolling out firmware ${inputs.firmwareVersion} of product ${inputs.productId} to ${target} ` +
        `(${inputs.upgradeMethod === 0 ? "silent" : "confirm"} upgrade, endpoint ${inputs.endpoint.origin}).`,
    );
    watch.at({ step: "uploading" });
    const list: UploadedList | undefined =
      scanned && (await uploadList(client, inputs, scanned, policy, dispatchers));
    watch.at({ step: "preparing" });
    const outcome = await createTaskOnce(
      client,
      rolloutRequest(inputs, list),
      policy,
      lookupPlan(inputs.requestTimeoutMs),
      {
        sending: () =>
          watch.at({ step: "creating", firmwareVersion: inputs.firmwareVersion, target }),
      },
    );
    watch.at({ step: "created", taskId: outcome.task.taskId });
    report(outcome);
    // The task exists now: nothing below may fail the step (a re-run would roll out again).
    await writeSummary({ inputs, target, ...outcome }).catch((error: unknown) =>
      core.warning(`Could not write the job summary: ${messageOf(error)}`),
    );
    if (watch.cancelled()) {
      throw new ActionError(
        `The step was cancelled after upgrade task ${outcome.task.taskId} was created; the task goes on.`,
      );
    }
  } catch (error) {
    fail(error);
  } finally {
    watch.dispose();
    await dispatchers.close();
  }
}

/** Names the task first, so that no later failure (a full disk for GITHUB_OUTPUT) can hide it. */
function report(outcome: TaskOutcome): void {
  const { taskId, requestId } = outcome.task;
  core.info(
    outcome.origin === "created"
      ? `Created upgrade task ${taskId}${requestIdNote(requestId)}.`
      : `Using upgrade task ${taskId}, which this run's BatchUpdateFirmware created (found with DescribeFirmwareTasks${requestIdNote(requestId)}).`,
  );
  for (const [name, value] of [
    ["task-id", String(taskId)],
    ["request-id", requestId],
  ] as const) {
    try {
      core.setOutput(name, value);
    } catch (error) {
      core.warning(
        `Could not set the output ${name} (${messageOf(error)}); the task is ${taskId}.`,
      );
    }
  }
}

function connect(
  inputs: Inputs,
  dispatchers: Dispatchers,
  startedAt: number,
  watch: CancelWatch,
): { client: TencentClient; policy: RetryPolicy } {
  const client = new TencentClient({
    endpoint: inputs.endpoint,
    service: IOTVIDEO_SERVICE,
    version: IOTVIDEO_VERSION,
    credentials: inputs.credentials,
    ...(inputs.region === undefined ? {} : { region: inputs.region }),
    timeoutMs: inputs.requestTimeoutMs,
    dispatcher: dispatchers.for(inputs.endpoint),
    logger: core,
  });
  const policy: RetryPolicy = {
    ...DEFAULT_BACKOFF,
    deadline: startedAt + RETRY_DEADLINE_MS,
    maxAttempts: inputs.maxAttempts,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: Date.now,
    random: Math.random,
    logger: core,
    cancelled: watch.cancelled,
  };
  return { client, policy };
}

function fail(error: unknown): void {
  if (error instanceof ActionError) {
    core.setFailed(redact(error.message));
    return;
  }
  // Not one of ours: still one line, with the stack kept for RUNNER_DEBUG readers.
  if (error instanceof Error && error.stack) core.debug(redact(error.stack));
  core.setFailed(`Unexpected error: ${oneLine(messageOf(error), 500)}`);
}

function warnAboutPlainHttp(inputs: Inputs): void {
  const host = inputs.endpoint.hostname;
  const loopback = host === "localhost" || host.startsWith("127.") || host === "[::1]";
  if (inputs.endpoint.protocol === "http:" && !loopback) {
    core.warning(
      `endpoint ${inputs.endpoint.origin} is plain http: requests and the session token travel unencrypted.`,
    );
  }
}
