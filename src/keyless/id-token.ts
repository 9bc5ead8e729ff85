import * as core from "@actions/core";
import { messageOf } from "../errors.js";
import { forLog, registerSecret } from "../outside-text.js";
import { IdTokenError, missingPermission } from "./errors.js";

/** What the runner sets for a job with `id-token: write`; core.getIDToken reads both. */
export const ID_TOKEN_ENV = ["ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"];

/** Fetches an ID token for an audience; core.getIDToken in a run, a seam for tests. */
export type GetIdToken = (audience: string) => Promise<string>;

const MAX_DETAIL = 400;

/**
 * The workflow's OIDC token for `audience`, masked in the log and registered for redaction.
 * Without the runner's variables it fails with the permissions YAML to add. The request is
 * retried on server errors by @actions/http-client itself (up to 10 times, milliseconds apart).
 */
export async function workflowIdToken(
  audience: string,
  env: NodeJS.ProcessEnv = process.env,
  getIdToken: GetIdToken = core.getIDToken,
): Promise<string> {
  const missing = ID_TOKEN_ENV.filter((name) => (env[name] ?? "") === "");
  if (missing.length > 0) throw missingPermission(missing);
  // The runner's bearer token for the request: never to be logged either.
  const requestToken = env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] ?? "";
  core.setSecret(requestToken);
  registerSecret(requestToken);
  let token: string;
  try {
    token = await getIdToken(audience);
  } catch (error) {
    // core's message spans lines ("Failed to get ID Token. \n Error Code : 403 …").
    const detail = forLog(messageOf(error).replace(/\s+/g, " ").trim(), MAX_DETAIL);
    throw new IdTokenError(
      `Could not get the workflow's OIDC token for audience '${forLog(audience, 100)}' from the runner: ${detail}`,
    );
  }
  core.setSecret(token);
  registerSecret(token);
  return token;
}
