import * as core from "@actions/core";
import { request, type Dispatcher } from "undici";
import { messageOf, snippet, TransportError } from "../../run/errors.js";
import { REQUESTS } from "../../http/bounds.js";
import type { Logger } from "../../run/logger.js";
import { forLog, registerSecret } from "../../report/outside-text.js";
import { AnswerTooLargeError, readAnswer, type RawAnswer } from "../../tencent/client.js";
import { withRetries, type RetryPolicy } from "../../http/retry.js";
import { transportError } from "../../http/transport-error.js";
import { IdTokenError, missingPermission } from "./errors.js";

/** What the runner sets for a job with `id-token: write`. */
export const ID_TOKEN_ENV = ["ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"];

/** What one token request needs from the run. */
export interface IdTokenDeps {
  /** The dispatcher for the token service's URL (Dispatchers.for in a run: proxies apply). */
  dispatcherFor: (url: URL) => Dispatcher;
  /** request-timeout, ms: bounds each attempt, answer included. */
  timeoutMs: number;
  /** max-attempts and the retry window. */
  policy: RetryPolicy;
  logger: Logger;
  /** Where the runner's variables are looked for. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The workflow's OIDC token for `audience`, masked in the log and registered for redaction.
 * Without the runner's variables it fails with the permissions YAML to add. The request is our
 * own (not @actions/core's, whose client waits up to 3 minutes for a silent socket and reads an
 * answer of any size): bounded as src/http/bounds.ts says, retried on network failures and
 * server errors, never on a refusal or an answer over the cap.
 */
export async function workflowIdToken(audience: string, deps: IdTokenDeps): Promise<string> {
  const env = deps.env ?? process.env;
  const missing = ID_TOKEN_ENV.filter((name) => (env[name] ?? "") === "");
  if (missing.length > 0) throw missingPermission(missing);
  // The runner's bearer token for the request: never to be logged either.
  const requestToken = env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] ?? "";
  core.setSecret(requestToken);
  registerSecret(requestToken);
  const url = tokenUrl(env["ACTIONS_ID_TOKEN_REQUEST_URL"] ?? "", audience);
  const step = `GET ${url.origin}${url.pathname}`;
  deps.logger.debug(`${step} (the workflow's OIDC token for audience ${forLog(audience, 100)})`);
  let token: string;
  try {
    token = await withRetries(
      "the OIDC token request",
      deps.policy,
      async () => readToken(step, await send(url, step, requestToken, deps)),
      async (error, kind) => {
        // A service that floods once floods again; a refusal stays one.
        if (kind === "fail" || error instanceof AnswerTooLargeError) throw error;
        return undefined;
      },
    );
  } catch (error) {
    throw new IdTokenError(
      `Could not get the workflow's OIDC token for audience '${forLog(audience, 100)}' from the runner: ${messageOf(error)}`,
    );
  }
  core.setSecret(token);
  registerSecret(token);
  return token;
}

/** The runner's URL with the audience added, as the toolkit adds it (the URL has a query already). */
function tokenUrl(given: string, audience: string): URL {
  const separator = given.includes("?") ? "&" : "?";
  try {
    const url = new URL(`${given}${separator}audience=${encodeURIComponent(audience)}`);
    if (url.protocol === "https:" || url.protocol === "http:") return url;
  } catch {
    // Said below, without the URL's query: the runner's own parameters are not ours to print.
  }
  throw new IdTokenError(
    `ACTIONS_ID_TOKEN_REQUEST_URL is not an http(s) URL ('${forLog(given.split("?")[0] ?? "", 100)}'): the runner set it wrong; re-run the job, or report it to the runner's administrator.`,
  );
}

async function send(
  url: URL,
  step: string,
  requestToken: string,
  deps: IdTokenDeps,
): Promise<RawAnswer> {
  try {
    const response = await request(url, {
      method: "GET",
      dispatcher: deps.dispatcherFor(url),
      signal: AbortSignal.timeout(deps.timeoutMs),
      headers: { Authorization: `Bearer ${requestToken}`, Accept: "application/json" },
    });
    return await readAnswer(step, response, REQUESTS.idToken.maxAnswerBytes);
  } catch (error) {
    if (error instanceof TransportError) throw error;
    throw transportError(step, error, deps.timeoutMs);
  }
}

/** The token of a 2xx answer `{"value": "<JWT>"}`; anything else as a TransportError. */
function readToken(step: string, answer: RawAnswer): string {
  const { status, text } = answer;
  if (status < 200 || status > 299) {
    // 3xx and 4xx are refusals (classified "fail"), 429 and 5xx worth another attempt.
    const delivery = status === 429 || status >= 500 ? "unknown" : "no";
    throw new TransportError(step, delivery, `HTTP ${status}: ${snippet(text)}`, status);
  }
  let value: unknown;
  try {
    value = (JSON.parse(text) as { value?: unknown } | null)?.value;
  } catch {
    value = undefined;
  }
  if (typeof value !== "string" || value === "") {
    // Masked before it can reach a message: the body may be a token in another shape.
    for (const part of text.match(/[\w.-]{20,}/g) ?? []) registerSecret(part);
    throw new TransportError(
      step,
      "unknown",
      `the answer has no token ("value"): ${snippet(text)}`,
    );
  }
  return value;
}
