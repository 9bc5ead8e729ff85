import * as core from "@actions/core";
import { request, type Dispatcher } from "undici";
import type { ExpiringCredentials } from "../keys.js";
import { ApiError, TransportError } from "../../run/errors.js";
import { REQUESTS } from "../../http/bounds.js";
import { forLog, registerSecret } from "../../report/outside-text.js";
import type { Logger } from "../../run/logger.js";
import { parseEnvelope, readAnswer, type RawAnswer } from "../../tencent/client.js";
import { transportError } from "../../http/transport-error.js";
import { withRetries, type FailureClass, type RetryPolicy } from "../../http/retry.js";
import { tokenClaims } from "./claims.js";
import { explainStsError, fixSide } from "./errors.js";
import type { KeylessSettings } from "./settings.js";

export const STS_ACTION = "AssumeRoleWithWebIdentity";
export const STS_VERSION = "2018-08-13";
const CONTENT_TYPE = "application/json; charset=utf-8";
// The rate limit as InvalidParameter.OverLimit ("frequency limit exceeded" in the SDKs' lists).
const RATE_LIMITED = /^(RequestLimitExceeded(\.|$)|InvalidParameter\.OverLimit$)/;
// Fields of the answer that are secrets; matched in the raw text, so even a cut-off answer is masked.
const SECRET_FIELDS = /"(?:TmpSecretId|TmpSecretKey|Token)"\s*:\s*"((?:[^"\\]|\\.)*)/g;

/** What one exchange needs besides the settings. */
export interface StsDeps {
  dispatcher: Dispatcher;
  timeoutMs: number;
  logger: Logger;
  /** Local clock, ms. */
  now: () => number;
}

/** Temporary keys from STS, with what the log may say about them. */
export interface AssumedRole extends ExpiringCredentials {
  credentials: { secretId: string; secretKey: string; token: string };
  /** STS's Expiration (ISO 8601), as sent. */
  expiration: string;
  requestId: string;
}

/**
 * Trades the workflow's token for temporary keys: AssumeRoleWithWebIdentity, unsigned
 * (`Authorization: SKIP`), retried under `policy` for transport failures, rate limits and
 * internal errors (the call creates nothing, so repeating it is safe). A definite refusal ends
 * it at once with an StsError that says which side to fix.
 */
export async function assumeRole(
  settings: KeylessSettings,
  token: string,
  deps: StsDeps,
  policy: RetryPolicy,
): Promise<AssumedRole> {
  const body = JSON.stringify({
    ProviderId: settings.providerId,
    WebIdentityToken: token,
    RoleArn: settings.roleArn,
    RoleSessionName: settings.roleSessionName,
    DurationSeconds: settings.durationSeconds,
  });
  return withRetries(
    `STS ${STS_ACTION}`,
    policy,
    async () => readAssumedRole(await send(settings, body, deps), deps.now),
    async (error, kind) => {
      if (definite(error, kind)) {
        throw error instanceof ApiError
          ? explainStsError(error, settings, tokenClaims(token))
          : error;
      }
      return undefined;
    },
  );
}

/** A refusal that trying again cannot change; STS's internal errors are retried unless they name the role. */
function definite(error: unknown, kind: FailureClass): boolean {
  if (error instanceof ApiError) {
    if (RATE_LIMITED.test(error.code)) return false;
    if (fixSide(error.code) !== "unknown") return true;
  }
  return kind === "fail";
}

async function send(settings: KeylessSettings, body: string, deps: StsDeps): Promise<RawAnswer> {
  const { stsEndpoint: endpoint, stsRegion: region } = settings;
  const timestamp = Math.floor(deps.now() / 1000);
  deps.logger.debug(
    `POST ${endpoint.origin}/ ${STS_ACTION} (role ${settings.roleArn}, session ${settings.roleSessionName}, X-TC-Region ${region}, unsigned)`,
  );
  try {
    const response = await request(endpoint, {
      method: "POST",
      dispatcher: deps.dispatcher,
      signal: AbortSignal.timeout(deps.timeoutMs),
      headers: {
        "Content-Type": CONTENT_TYPE,
        "X-TC-Action": STS_ACTION,
        "X-TC-Version": STS_VERSION,
        "X-TC-Timestamp": String(timestamp),
        "X-TC-Region": region,
        "X-TC-Language": "en-US",
        // STS takes the token itself as the proof: the call is not signed.
        Authorization: "SKIP",
      },
      body,
    });
    const answer = await readAnswer(STS_ACTION, response, REQUESTS.sts.maxAnswerBytes);
    deps.logger.debug(`${STS_ACTION} answered HTTP ${answer.status}`);
    return answer;
  } catch (error) {
    if (error instanceof TransportError) throw error;
    throw transportError(STS_ACTION, error, deps.timeoutMs);
  }
}

/** Masks the keys before anything reads the answer further, then checks its shape. */
export function readAssumedRole(answer: RawAnswer, now: () => number): AssumedRole {
  for (const match of answer.text.matchAll(SECRET_FIELDS)) mask(match[1] ?? "");
  const { data, requestId } = parseEnvelope(STS_ACTION, answer);
  const given = data["Credentials"];
  const fields =
    typeof given === "object" && given !== null ? (given as Record<string, unknown>) : {};
  const [secretId, secretKey, token] = [
    fields["TmpSecretId"],
    fields["TmpSecretKey"],
    fields["Token"],
  ].map((value) => (typeof value === "string" ? value : ""));
  for (const value of [secretId, secretKey, token]) mask(value ?? "");
  const expiredTime = data["ExpiredTime"];
  if (!secretId || !secretKey || !token || typeof expiredTime !== "number") {
    throw new TransportError(
      STS_ACTION,
      "yes",
      "the answer lacks Credentials.TmpSecretId, TmpSecretKey, Token or ExpiredTime: check sts-endpoint",
    );
  }
  const expiration = typeof data["Expiration"] === "string" ? data["Expiration"] : "";
  return {
    credentials: { secretId, secretKey, token },
    expiresAt: localExpiry(expiredTime, answer.date, now()),
    expiration: forLog(expiration, 40),
    requestId,
  };
}

/**
 * ExpiredTime is on STS's clock: measured from the answer's Date it is a lifetime, which
 * holds on the runner's clock whatever its skew.
 */
function localExpiry(expiredTime: number, date: string | undefined, now: number): number {
  const served = date === undefined ? NaN : Date.parse(date);
  if (Number.isNaN(served)) return expiredTime * 1000;
  return now + (expiredTime * 1000 - served);
}

function mask(value: string): void {
  if (value === "") return;
  core.setSecret(value);
  registerSecret(value);
}
