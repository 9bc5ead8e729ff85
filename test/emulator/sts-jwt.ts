// RS256 JWT verification as a CAM OIDC identity provider does it, with node:crypto only.
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { ApiError } from "./api-error.js";
import { TOKEN_ERROR } from "./sts-assumptions.js";

/** The claims STS and trust policies read. */
export interface VerifiedClaims {
  iss: string;
  sub: string;
  aud: string;
  claims: Record<string, unknown>;
}

/** What a token is checked against: the provider's keys, issuer and client ids, and the clock. */
export interface JwtCheck {
  publicKeys: ReadonlyArray<string | KeyObject>;
  issuer: string;
  clientIds: readonly string[];
  nowSeconds: number;
}

const refused = (why: string) => new ApiError(TOKEN_ERROR, `WebIdentityToken is invalid: ${why}.`);

function decodePart(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // Falls through to the refusal.
  }
  throw refused(`its ${what} is not base64url JSON`);
}

function signedBy(signingInput: string, signature: string, keys: JwtCheck["publicKeys"]) {
  const sig = Buffer.from(signature, "base64url");
  const publicOf = (key: string | KeyObject) =>
    typeof key === "string" || key.type === "private" ? createPublicKey(key) : key;
  return keys.some((key) => verify("sha256", Buffer.from(signingInput), publicOf(key), sig));
}

/** Checks a token's RS256 signature, iss, aud, exp and nbf; throws WebIdentityTokenError. */
export function verifyJwt(token: string, check: JwtCheck): VerifiedClaims {
  const parts = token.split(".");
  if (parts.length !== 3) throw refused("it is not a JWT (three dot-separated parts)");
  const [header = "", payload = "", signature = ""] = parts;
  const alg = decodePart(header, "header")["alg"];
  if (alg !== "RS256") throw refused(`alg ${String(alg)} is not RS256`);
  const claims = decodePart(payload, "payload");
  if (!signedBy(`${header}.${payload}`, signature, check.publicKeys)) {
    throw refused("the signature does not verify with the provider's public keys");
  }
  const iss = claims["iss"];
  if (iss !== check.issuer)
    throw refused(`iss ${String(iss)} is not the provider's ${check.issuer}`);
  const auds = typeof claims["aud"] === "string" ? [claims["aud"]] : claims["aud"];
  const aud = Array.isArray(auds)
    ? auds.find((a) => check.clientIds.includes(String(a)))
    : undefined;
  if (aud === undefined) {
    throw refused(`aud ${JSON.stringify(claims["aud"])} is none of the provider's client ids`);
  }
  const exp = claims["exp"];
  if (typeof exp !== "number" || exp <= check.nowSeconds) throw refused("it has expired");
  const nbf = claims["nbf"];
  if (typeof nbf === "number" && nbf > check.nowSeconds) throw refused("it is not valid yet");
  const sub = typeof claims["sub"] === "string" ? claims["sub"] : "";
  return { iss: check.issuer, sub, aud: String(aud), claims };
}
