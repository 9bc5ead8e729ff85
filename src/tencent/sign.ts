import { createHash, createHmac } from "node:crypto";

/** The only algorithm Tencent Cloud API 3.0 accepts for signed calls. */
export const ALGORITHM = "TC3-HMAC-SHA256";

/** Everything one signature depends on; the clock is an input, never read here. */
export interface SignRequest {
  secretId: string;
  secretKey: string;
  service: string;
  /** Headers to sign, by lower-case name (must include content-type and host). */
  headers: Readonly<Record<string, string>>;
  /** The exact bytes that will be sent as the body. */
  payload: string | Uint8Array;
  /** Unix time in seconds; also sent as X-TC-Timestamp. */
  timestamp: number;
}

/** Hex SHA-256 of a string (UTF-8) or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Raw HMAC-SHA256 of `data` under `key`. */
export function hmacSha256(key: string | Uint8Array, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

/** UTC calendar date (YYYY-MM-DD) of a unix timestamp in seconds. */
export function utcDate(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

/** `<date>/<service>/tc3_request` */
export function credentialScope(date: string, service: string): string {
  return `${date}/${service}/tc3_request`;
}

/** Header names lower-cased and sorted, joined by ";" as the SignedHeaders field wants. */
export function signedHeaderNames(headers: Readonly<Record<string, string>>): string {
  return sortedNames(headers).join(";");
}

/** Step 1: the canonical request for a POST to "/" with no query string. */
export function canonicalRequest(
  headers: Readonly<Record<string, string>>,
  hashedPayload: string,
): string {
  // Tencent lower-cases and trims values as well as names before signing.
  const canonicalHeaders = sortedNames(headers)
    .map((name) => `${name}:${(headers[name] ?? "").trim().toLowerCase()}\n`)
    .join("");
  return ["POST", "/", "", canonicalHeaders, signedHeaderNames(headers), hashedPayload].join("\n");
}

/** Step 2: the string to sign. */
export function stringToSign(timestamp: number, scope: string, canonical: string): string {
  return [ALGORITHM, String(timestamp), scope, sha256Hex(canonical)].join("\n");
}

/** Step 3: the derived key, HMAC chain over date, service and "tc3_request". */
export function signingKey(secretKey: string, date: string, service: string): Buffer {
  const kDate = hmacSha256(`TC3${secretKey}`, date);
  const kService = hmacSha256(kDate, service);
  return hmacSha256(kService, "tc3_request");
}

/** Step 4: hex signature of the string to sign. */
export function signature(key: Uint8Array, toSign: string): string {
  return createHmac("sha256", key).update(toSign).digest("hex");
}

/** Step 5: the Authorization header value. */
export function authorization(
  secretId: string,
  scope: string,
  signedHeaders: string,
  sig: string,
): string {
  return `${ALGORITHM} Credential=${secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${sig}`;
}

/** All five steps: the Authorization header for one request. */
export function sign(request: SignRequest): string {
  const date = utcDate(request.timestamp);
  const scope = credentialScope(date, request.service);
  const canonical = canonicalRequest(request.headers, sha256Hex(request.payload));
  const toSign = stringToSign(request.timestamp, scope, canonical);
  const key = signingKey(request.secretKey, date, request.service);
  return authorization(
    request.secretId,
    scope,
    signedHeaderNames(request.headers),
    signature(key, toSign),
  );
}

function sortedNames(headers: Readonly<Record<string, string>>): string[] {
  return Object.keys(headers).sort();
}
