import { forLog } from "../../report/outside-text.js";

/** The claims of the workflow's token that say which trust rule it meets (never the token). */
export interface TokenClaims {
  sub?: string;
  aud?: string;
  iss?: string;
}

const MAX_CLAIM = 200;

/**
 * The sub, aud and iss claims read from a JWT's payload, unverified: they only explain a refusal.
 * A token that does not decode gives no claims, never an error.
 */
export function tokenClaims(token: string): TokenClaims {
  const payload = token.split(".")[1];
  if (payload === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return {};
  }
  if (typeof parsed !== "object" || parsed === null) return {};
  const { sub, aud, iss } = parsed as Record<string, unknown>;
  const text = (value: unknown) =>
    typeof value === "string"
      ? value
      : Array.isArray(value) && value.every((v) => typeof v === "string")
        ? value.join(",")
        : undefined;
  const claims: TokenClaims = {};
  for (const [name, value] of [
    ["sub", text(sub)],
    ["aud", text(aud)],
    ["iss", text(iss)],
  ] as const) {
    if (value !== undefined) claims[name] = value;
  }
  return claims;
}

/** `sub "repo:o/r:ref:refs/tags/v1", aud "sts.tencentcloudapi.com"` for a message. */
export function describeClaims(claims: TokenClaims): string {
  const shown = (value: string | undefined) =>
    value === undefined ? "(none)" : `"${forLog(value, MAX_CLAIM)}"`;
  return `sub ${shown(claims.sub)}, aud ${shown(claims.aud)}`;
}
