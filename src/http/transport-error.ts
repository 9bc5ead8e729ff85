import { TransportError } from "../run/errors.js";
import { forLog } from "../report/outside-text.js";
import { connectFailureIn, describeCause } from "./connector.js";

const MAX_DETAIL = 300;

// Failures that can only happen before a byte of the request left, for errors that did not come
// through our connectors (which say so themselves): name resolution and the connect timeout.
// Certificate checks, made in the handshake too, are below: not sent, and never retried.
const NOT_SENT_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);
// A certificate that does not verify, or names another host: the same on every attempt, so it
// fails at once (OpenSSL's verify codes as Node reports them, and Node's own hostname check).
const CERTIFICATE_CODES = new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_REJECTED",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
  "CERT_CHAIN_TOO_LONG",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
  "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
  "INVALID_CA",
  "INVALID_PURPOSE",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_TLS_CERT_ALTNAME_FORMAT",
]);
const CERTIFICATE_HINT =
  "the server's certificate does not verify, which no retry changes: check the host in the URL, or the runner's trusted CAs (NODE_EXTRA_CA_CERTS)";
// These mean "not sent" only when connect() itself failed: on a reused connection the
// request may already have been written.
const CONNECT_CODES = new Set(["ECONNREFUSED", "ENETUNREACH", "EHOSTUNREACH", "ECONNRESET"]);

/** Turns an error thrown by undici into a TransportError that says whether the server may have acted. */
export function transportError(step: string, error: unknown, timeoutMs: number): TransportError {
  // A failed connection attempt: nothing was written, and a proxy's refusal keeps its status.
  const failure = connectFailureIn(error);
  const { code, syscall } = systemError(error);
  if (CERTIFICATE_CODES.has(code)) {
    const detail = `${failure?.message ?? describe(error, code)}; ${CERTIFICATE_HINT}`;
    return new TransportError(step, "no", detail, { definite: true });
  }
  if (failure !== undefined) return new TransportError(step, "no", failure.message, failure.status);
  if (isTimeout(error)) {
    const detail = `no answer within ${timeoutMs / 1000} s (request-timeout)`;
    return new TransportError(step, "unknown", detail);
  }
  const notSent = NOT_SENT_CODES.has(code) || (CONNECT_CODES.has(code) && syscall === "connect");
  return new TransportError(step, notSent ? "no" : "unknown", describe(error, code));
}

function isTimeout(error: unknown): boolean {
  const name = error instanceof Error ? error.name : "";
  return (
    name === "TimeoutError" ||
    name === "AbortError" ||
    (errorCode(error).endsWith("_TIMEOUT") && errorCode(error) !== "UND_ERR_CONNECT_TIMEOUT")
  );
}

function errorCode(error: unknown): string {
  return systemError(error).code;
}

/** The first code (and its syscall) in the cause chain: undici wraps socket errors. */
function systemError(error: unknown): { code: string; syscall: string } {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const { code, syscall } = current as { code?: unknown; syscall?: unknown };
    if (typeof code === "string" && code !== "") {
      return { code, syscall: typeof syscall === "string" ? syscall : "" };
    }
    current = current.cause;
  }
  return { code: "", syscall: "" };
}

function describe(error: unknown, code: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause =
    error instanceof Error && error.cause instanceof Error ? `: ${describeCause(error.cause)}` : "";
  const text = code !== "" && !message.includes(code) ? `${code} ${message}` : message;
  return `${forLog(text, MAX_DETAIL)}${cause}`;
}
