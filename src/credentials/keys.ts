import { InputError, messageOf } from "../run/errors.js";
import { forLog } from "../report/outside-text.js";
import type { Logger } from "../run/logger.js";

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

/** Where a client gets the keys for each request: fixed keys, or temporary ones kept fresh. */
export interface CredentialSource {
  /** The keys to sign the next request with; renews them first when they are about to expire. */
  current(): Promise<Credentials>;
}

/** The keys to sign with now, from fixed keys or a source. */
export async function currentCredentials(
  from: Credentials | CredentialSource,
): Promise<Credentials> {
  return "current" in from ? from.current() : from;
}

/** Temporary keys and when they stop working, in ms on the local clock. */
export interface ExpiringCredentials {
  credentials: Credentials;
  expiresAt: number;
}

/** How long before they expire temporary keys are renewed (at most a third of their life). */
export const RENEW_BEFORE_MS = 5 * 60_000;
/** After a failed renewal, the keys in hand are used this long before renewing is tried again. */
export const RENEW_RETRY_MS = 30_000;
/** Keys with less than this left are not used after a failed renewal: the failure is thrown. */
const MIN_USABLE_MS = 30_000;

/**
 * Temporary keys that are renewed (by `renew`, which gets a fresh token and trades it) once
 * less than RENEW_BEFORE_MS of their life is left, so a wait longer than their duration keeps
 * working. Concurrent requests share one renewal. A failed renewal is a warning while the keys in
 * hand still have MIN_USABLE_MS left, and the error itself once they do not.
 */
export class RenewingCredentials implements CredentialSource {
  private renewAt: number;
  private pending: Promise<Credentials> | undefined;

  constructor(
    private held: ExpiringCredentials,
    private readonly renew: () => Promise<ExpiringCredentials>,
    private readonly options: { now: () => number; logger: Pick<Logger, "warning"> },
  ) {
    this.renewAt = renewTime(held, options.now());
  }

  async current(): Promise<Credentials> {
    if (this.options.now() < this.renewAt) return this.held.credentials;
    this.pending ??= this.refresh().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async refresh(): Promise<Credentials> {
    try {
      const renewed = await this.renew();
      this.held = renewed;
      this.renewAt = renewTime(renewed, this.options.now());
      return renewed.credentials;
    } catch (error) {
      const now = this.options.now();
      const left = this.held.expiresAt - now;
      if (left < MIN_USABLE_MS) throw error;
      this.renewAt = Math.min(now + RENEW_RETRY_MS, this.held.expiresAt - MIN_USABLE_MS);
      this.options.logger.warning(
        `Could not renew the temporary credentials: ${forLog(messageOf(error), 600)}; using the current ones, which expire in ${Math.round(left / 1000)} s.`,
      );
      return this.held.credentials;
    }
  }
}

/** When to renew keys received at `now`: RENEW_BEFORE_MS before they expire, or after two thirds of their life if that is shorter. */
function renewTime(held: ExpiringCredentials, now: number): number {
  const life = held.expiresAt - now;
  return held.expiresAt - Math.min(RENEW_BEFORE_MS, life / 3);
}
