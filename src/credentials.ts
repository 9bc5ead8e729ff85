import { InputError } from "./errors.js";

/** A Tencent Cloud key pair, with the session token that temporary keys come with. */
export interface Credentials {
  secretId: string;
  secretKey: string;
  token?: string;
}

/** The credential inputs and their environment fallbacks, as read (already masked). */
export interface RawCredentials {
  secretId: string;
  secretKey: string;
  sessionToken: string;
  env: {
    TENCENTCLOUD_SECRET_ID?: string | undefined;
    TENCENTCLOUD_SECRET_KEY?: string | undefined;
    TENCENTCLOUD_TOKEN?: string | undefined;
    TENCENTCLOUD_SESSION_TOKEN?: string | undefined;
  };
}

/** Environment variables that may hold secrets; readInputs masks each one it finds. */
export const SECRET_ENV = [
  "TENCENTCLOUD_SECRET_KEY",
  "TENCENTCLOUD_TOKEN",
  "TENCENTCLOUD_SESSION_TOKEN",
] as const;

const HIDDEN = "***";
const KEY_SHAPE = /^[\x21-\x7e]+$/;

/**
 * Picks the key pair: each input, when empty, falls back to its environment variable. The
 * token is taken only from the first place that has one.
 */
export function resolveCredentials(raw: RawCredentials): Credentials {
  const id = pick([
    ["secret-id", raw.secretId],
    ["TENCENTCLOUD_SECRET_ID", raw.env.TENCENTCLOUD_SECRET_ID],
  ]);
  const key = pick([
    ["secret-key", raw.secretKey],
    ["TENCENTCLOUD_SECRET_KEY", raw.env.TENCENTCLOUD_SECRET_KEY],
  ]);
  if (id === undefined && key === undefined) {
    throw new InputError(
      "secret-id",
      "",
      "Expected the secret-id and secret-key inputs (from repository secrets), or the TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY environment variables.",
    );
  }
  if (key === undefined) {
    throw new InputError(
      "secret-key",
      "",
      `Expected a SecretKey to go with ${id?.[0]} (input secret-key or env TENCENTCLOUD_SECRET_KEY).`,
    );
  }
  if (id === undefined) {
    throw new InputError(
      "secret-id",
      "",
      `Expected a SecretId to go with ${key[0]} (input secret-id or env TENCENTCLOUD_SECRET_ID).`,
    );
  }
  if (!KEY_SHAPE.test(id[1])) {
    throw new InputError(id[0], id[1], "Expected a SecretId such as AKID…, with no spaces.");
  }
  if (!KEY_SHAPE.test(key[1])) {
    throw new InputError(
      key[0],
      HIDDEN,
      "Expected a SecretKey with no spaces or control characters.",
    );
  }
  const token = pick([
    ["session-token", raw.sessionToken],
    ["TENCENTCLOUD_TOKEN", raw.env.TENCENTCLOUD_TOKEN],
    ["TENCENTCLOUD_SESSION_TOKEN", raw.env.TENCENTCLOUD_SESSION_TOKEN],
  ]);
  if (token !== undefined && !KEY_SHAPE.test(token[1])) {
    throw new InputError(
      token[0],
      HIDDEN,
      "Expected a session token with no spaces or control characters.",
    );
  }
  return {
    secretId: id[1],
    secretKey: key[1],
    ...(token === undefined ? {} : { token: token[1] }),
  };
}

/** The first non-empty value, with the name of the input or variable it came from. */
function pick(candidates: Array<[string, string | undefined]>): [string, string] | undefined {
  for (const [name, value] of candidates) {
    const trimmed = value?.trim() ?? "";
    if (trimmed !== "") return [name, trimmed];
  }
  return undefined;
}
