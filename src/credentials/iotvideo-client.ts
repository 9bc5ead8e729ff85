import * as core from "@actions/core";
import type { CredentialSource, Credentials } from "./keys.js";
import type { Inputs } from "../inputs/read-inputs.js";
import { keylessCredentials } from "./keyless/keyless.js";
import type { RunContext } from "../run/context.js";
import { IOTVIDEO_SERVICE, IOTVIDEO_VERSION } from "../tencent/assumptions.js";
import { TencentClient } from "../tencent/client.js";
import { DEFAULT_BACKOFF, type RetryPolicy } from "../http/retry.js";

/**
 * The run's retry rules and its IoT Video client, signing with the keys from secrets or, keyless,
 * with temporary keys traded for the workflow's OIDC token (before any IoT Video call).
 */
export async function connect(
  inputs: Inputs,
  ctx: RunContext,
): Promise<{ client: TencentClient; policy: RetryPolicy }> {
  const policy: RetryPolicy = {
    ...DEFAULT_BACKOFF,
    // No run-wide clock: each call's retries are bounded by their own window (withRetries).
    deadline: Infinity,
    maxAttempts: inputs.maxAttempts,
    ...ctx.clock,
    random: Math.random,
    logger: core,
    cancelled: ctx.watch.cancelled,
  };
  const client = new TencentClient({
    endpoint: inputs.endpoint,
    service: IOTVIDEO_SERVICE,
    version: IOTVIDEO_VERSION,
    credentials: await credentials(inputs, ctx, policy),
    ...(inputs.region === undefined ? {} : { region: inputs.region }),
    timeoutMs: inputs.requestTimeoutMs,
    dispatcher: ctx.dispatchers.for(inputs.endpoint),
    logger: core,
  });
  return { client, policy };
}

async function credentials(
  inputs: Inputs,
  ctx: RunContext,
  policy: RetryPolicy,
): Promise<Credentials | CredentialSource> {
  if (inputs.auth.kind === "keys") return inputs.auth.credentials;
  const { settings } = inputs.auth;
  if (settings.stsEndpoint.protocol === "http:" && !isLoopback(settings.stsEndpoint)) {
    core.warning(
      `sts-endpoint ${settings.stsEndpoint.origin} is plain http: the workflow's OIDC token and the temporary keys travel unencrypted.`,
    );
  }
  return keylessCredentials(settings, {
    dispatcher: ctx.dispatchers.for(settings.stsEndpoint),
    tokenDispatcherFor: (url) => ctx.dispatchers.for(url),
    policy,
    logger: core,
    timeoutMs: inputs.requestTimeoutMs,
  });
}

/** Whether a URL names this machine (plain http is fine there: the emulator). */
export function isLoopback(url: URL): boolean {
  const host = url.hostname;
  return host === "localhost" || host.startsWith("127.") || host === "[::1]";
}
