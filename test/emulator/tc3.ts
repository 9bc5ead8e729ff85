// Server-side TC3-HMAC-SHA256 verification, written from Tencent's signature v3 spec with
// node:crypto only. It shares nothing with src/ on purpose: it exists to catch bugs there.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { ApiError } from "./api-error.js";

const ALGORITHM = "TC3-HMAC-SHA256";
const TERMINATOR = "tc3_request";
const REQUIRED_SIGNED = ["content-type", "host"];

/** The parts of a received request the signature covers. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** What a request is checked against. */
export interface VerifyOptions {
  service: string;
  /** X-TC-Timestamp, already parsed. */
  timestamp: number;
  nowSeconds: number;
  toleranceSeconds: number;
  keyFor: (secretId: string) => { secretKey: string; token?: string } | undefined;
}

/** The fields of an `Authorization: TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header. */
export interface ParsedAuthorization {
  algorithm: string;
  secretId: string;
  date: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  signature: string;
}

const signatureFailure = (why: string) =>
  new ApiError(
    "AuthFailure.SignatureFailure",
    `The provided credentials could not be validated: ${why}`,
  );

/** One header as text; repeated headers are joined the way Node joins them. */
export function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Hex SHA-256 of bytes or UTF-8 text. */
export function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmacSha256(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/** The UTC calendar date (YYYY-MM-DD) of a unix timestamp in seconds. */
export function utcDate(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

/** Step 1: the canonical request over the headers the client says it signed. */
export function canonicalRequest(req: ReceivedRequest, signedHeaders: string[]): string {
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${(headerText(req.headers, name) ?? "").trim().toLowerCase()}\n`)
    .join("");
  return [
    req.method,
    req.path,
    req.query,
    canonicalHeaders,
    signedHeaders.join(";"),
    sha256Hex(req.body),
  ].join("\n");
}

/** Step 2: the string to sign. */
export function stringToSign(timestamp: number, service: string, canonical: string): string {
  const scope = `${utcDate(timestamp)}/${service}/${TERMINATOR}`;
  return [ALGORITHM, String(timestamp), scope, sha256Hex(canonical)].join("\n");
}

/** Step 3: the derived signing key. */
export function signingKey(secretKey: string, date: string, service: string): Buffer {
  const kDate = hmacSha256(`TC3${secretKey}`, date);
  const kService = hmacSha256(kDate, service);
  return hmacSha256(kService, TERMINATOR);
}

/** Step 4: the hex signature. */
export function signature(key: Buffer, toSign: string): string {
  return createHmac("sha256", key).update(toSign, "utf8").digest("hex");
}

/** Splits an Authorization header; undefined when it is not of the TC3 shape. */
export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const space = value.indexOf(" ");
  if (space < 0) return undefined;
  const fields = new Map<string, string>();
  for (const part of value.slice(space + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get("Credential")?.split("/");
  const signedHeaders = fields.get("SignedHeaders");
  const sig = fields.get("Signature");
  if (credential?.length !== 4 || signedHeaders === undefined || sig === undefined) {
    return undefined;
  }
  const [secretId = "", date = "", service = "", terminator = ""] = credential;
  return {
    algorithm: value.slice(0, space),
    secretId,
    date,
    service,
    terminator,
    signedHeaders: signedHeaders.split(";"),
    signature: sig,
  };
}

function checkScope(auth: ParsedAuthorization, opts: VerifyOptions): void {
  if (auth.algorithm !== ALGORITHM) {
    throw signatureFailure(`unsupported algorithm ${auth.algorithm}`);
  }
  if (auth.terminator !== TERMINATOR) throw signatureFailure(`scope must end in ${TERMINATOR}`);
  if (auth.service !== opts.service) {
    throw signatureFailure(
      `credential scope names service "${auth.service}", not "${opts.service}"`,
    );
  }
  if (auth.secretId === "") throw new ApiError("AuthFailure.InvalidSecretId", "SecretId is empty.");
  const drift = opts.timestamp - opts.nowSeconds;
  if (Math.abs(drift) > opts.toleranceSeconds) {
    throw new ApiError(
      "AuthFailure.SignatureExpire",
      `Signature expired: X-TC-Timestamp ${opts.timestamp} is ${drift} s from server time ${opts.nowSeconds}.`,
    );
  }
  if (auth.date !== utcDate(opts.timestamp)) {
    throw signatureFailure(`credential date ${auth.date} is not the UTC date of X-TC-Timestamp`);
  }
}

function checkSignedHeaders(names: string[], headers: IncomingHttpHeaders): void {
  const sorted = [...new Set(names)].sort();
  if (names.some((n) => n !== n.toLowerCase()) || sorted.join(";") !== names.join(";")) {
    throw signatureFailure("SignedHeaders must be lower-case, sorted and without repeats");
  }
  const missing = REQUIRED_SIGNED.find((n) => !names.includes(n));
  if (missing) throw signatureFailure(`SignedHeaders must include ${missing}`);
  const absent = names.find((n) => headerText(headers, n) === undefined);
  if (absent) throw signatureFailure(`signed header ${absent} is not in the request`);
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Checks a request's TC3 signature, time window and token; throws the ApiError Tencent would answer. */
export function verifyTc3(req: ReceivedRequest, opts: VerifyOptions): void {
  const header = headerText(req.headers, "authorization");
  if (header === undefined || header.trim() === "") {
    throw signatureFailure("no Authorization header");
  }
  const auth = parseAuthorization(header.trim());
  if (!auth) throw signatureFailure("Authorization header is malformed");
  checkScope(auth, opts);
  const key = opts.keyFor(auth.secretId);
  if (!key) throw new ApiError("AuthFailure.SecretIdNotFound", "The SecretId is not found.");
  checkSignedHeaders(auth.signedHeaders, req.headers);
  const canonical = canonicalRequest(req, auth.signedHeaders);
  const toSign = stringToSign(opts.timestamp, opts.service, canonical);
  const expected = signature(signingKey(key.secretKey, auth.date, opts.service), toSign);
  if (!sameHex(expected, auth.signature)) throw signatureFailure("the signature does not match");
  const token = headerText(req.headers, "x-tc-token");
  if (token !== key.token) {
    throw new ApiError(
      "AuthFailure.TokenFailure",
      "The X-TC-Token is missing, wrong or not expected.",
    );
  }
}
