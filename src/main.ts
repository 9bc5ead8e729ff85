import * as core from "@actions/core";
import { ActionError } from "./errors.js";
import { readInputs, type Inputs } from "./inputs.js";
import { describeTarget, rolloutRequest } from "./rollout-request.js";
import { writeSummary } from "./summary.js";
import { IOTVIDEO_SERVICE, IOTVIDEO_VERSION } from "./tencent/assumptions.js";
import { TencentClient } from "./tencent/client.js";
import { createDispatcher } from "./tencent/http.js";
import { batchUpdateFirmware } from "./tencent/iotvideo.js";

const CONNECT_TIMEOUT_MS = 10_000;

/** One rollout: inputs → (device list) → BatchUpdateFirmware → outputs. The only place that fails the step. */
export async function run(): Promise<void> {
  const dispatcher = createDispatcher(CONNECT_TIMEOUT_MS);
  try {
    const inputs = readInputs();
    const client = new TencentClient({
      endpoint: inputs.endpoint,
      service: IOTVIDEO_SERVICE,
      version: IOTVIDEO_VERSION,
      credentials: inputs.credentials,
      ...(inputs.region === undefined ? {} : { region: inputs.region }),
      timeoutMs: inputs.requestTimeoutMs,
      dispatcher,
      logger: core,
    });
    warnAboutPlainHttp(inputs);
    const target = describeTarget(inputs);
    core.info(
      `Rolling out firmware ${inputs.firmwareVersion} of product ${inputs.productId} to ${target} ` +
        `(${inputs.upgradeMethod === 0 ? "silent" : "confirm"} upgrade, endpoint ${inputs.endpoint.origin}).`,
    );
    const task = await batchUpdateFirmware(client, rolloutRequest(inputs));
    core.setOutput("task-id", String(task.taskId));
    core.setOutput("request-id", task.requestId);
    core.info(`Created upgrade task ${task.taskId} (RequestId ${task.requestId}).`);
    await writeSummary({ inputs, target, task, origin: "created" });
  } catch (error) {
    fail(error);
  } finally {
    await dispatcher.close();
  }
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
