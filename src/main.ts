import * as core from "@actions/core";
import { createTaskOnce } from "./create-task.js";
import { ActionError, messageOf } from "./errors.js";
import { readInputs, type Inputs } from "./inputs.js";
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
  const dispatchers = new Dispatchers(CONNECT_TIMEOUT_MS);
  try {
    const inputs = readInputs();
    warnAboutPlainHttp(inputs);
    // A device list is read and checked whole before the first request.
    const scanned = inputs.target.kind === "file" ? await scanList(inputs.target) : undefined;
    const { client, policy } = connect(inputs, dispatchers);
    const target = describeTarget(inputs, scanned?.deviceCount);
    core.info(
      `Rolling out firmware ${inputs.firmwareVersion} of product ${inputs.productId} to ${target} ` +
        `(${inputs.upgradeMethod === 0 ? "silent" : "confirm"} upgrade, endpoint ${inputs.endpoint.origin}).`,
    );
    const list: UploadedList | undefined =
      scanned && (await uploadList(client, inputs, scanned, policy, dispatchers));
    const outcome = await createTaskOnce(client, rolloutRequest(inputs, list), policy);
    core.setOutput("task-id", String(outcome.task.taskId));
    core.setOutput("request-id", outcome.task.requestId);
    if (outcome.origin === "created") {
      core.info(
        `Created upgrade task ${outcome.task.taskId} (RequestId ${outcome.task.requestId}).`,
      );
    }
    // The task exists now: a summary that cannot be written must not fail the step (a re-run
    // would roll out again).
    await writeSummary({ inputs, target, ...outcome }).catch((error: unknown) =>
      core.warning(`Could not write the job summary: ${messageOf(error)}`),
    );
  } catch (error) {
    fail(error);
  } finally {
    await dispatchers.close();
  }
}

function connect(
  inputs: Inputs,
  dispatchers: Dispatchers,
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
    deadline: Date.now() + RETRY_DEADLINE_MS,
    maxAttempts: inputs.maxAttempts,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: Date.now,
    random: Math.random,
    logger: core,
  };
  return { client, policy };
}

function fail(error: unknown): void {
  if (error instanceof ActionError) {
    core.setFailed(error.message);
    return;
  }
  // Not one of ours: still one line, with the stack kept for RUNNER_DEBUG readers.
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.stack) core.debug(error.stack);
  core.setFailed(`Unexpected error: ${message}`);
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
