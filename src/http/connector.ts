import { buildConnector } from "undici";
import { forLog } from "../report/outside-text.js";

/** undici's connector: given the origin's parts, calls back with a connected socket or an error. */
export type Connector = buildConnector.connector;
export type ConnectTarget = buildConnector.Options;

/** Which certificate authorities to trust besides Node's: a seam for tests with their own CA. */
export interface Trust {
  ca?: string;
}

const MAX_CAUSE = 300;

/**
 * A connection attempt that failed, so nothing of the request was written: undici writes only
 * once its connector has handed over a socket. It carries no `code` on purpose. After a connect
 * error coded UND_ERR_SOCKET (undici's own "other side closed", which its proxy client reports for
 * a closed CONNECT) undici keeps the request queued and connects again at once, for ever: that is
 * how a proxy that closes every CONNECT drew ~2,000 CONNECTs a second. After any other error it
 * fails the queued requests, so each attempt of ours is exactly one connection attempt.
 */
export class ConnectFailure extends Error {
  override name = "ConnectFailure";
  constructor(
    message: string,
    cause: unknown,
    /** The status of a proxy's refusal. */
    readonly status?: number,
  ) {
    super(message, { cause });
  }
}

/** The first ConnectFailure in an error's cause chain. */
export function connectFailureIn(error: unknown): ConnectFailure | undefined {
  const seen = new Set<unknown>();
  for (let e = error; e instanceof Error && !seen.has(e); e = e.cause) {
    if (e instanceof ConnectFailure) return e;
    seen.add(e);
  }
  return undefined;
}

/** Direct connections (TCP, then TLS for https), bounded by `timeoutMs`, failing as ConnectFailure. */
export function directConnector(timeoutMs: number, trust: Trust): Connector {
  const connect = buildConnector({ ...trust, timeout: timeoutMs });
  return (target, callback) => {
    connect(target, (...args) => {
      if (args[0] === null) callback(null, args[1]);
      else callback(failedAttempt(target, args[0]), null);
    });
  };
}

/**
 * "host:port" of a connector's target, IPv6 in brackets: for a CONNECT line and for messages.
 * The host came through URL parsing, which admits no control characters, spaces or "@/?#%".
 */
export function authority({ hostname, port, protocol }: ConnectTarget): string {
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return `${host}:${port || (protocol === "https:" ? "443" : "80")}`;
}

// Errors of reaching the host at all; on an https URL anything else broke the TLS handshake.
const TCP_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);
const TCP_SYSCALLS = new Set(["connect", "getaddrinfo"]);
// What OpenSSL says when the first bytes of the answer to a ClientHello are not a TLS record,
// as when a plain-HTTP server answers "HTTP/1.1 400".
const NOT_TLS_CODES = new Set(["ERR_SSL_WRONG_VERSION_NUMBER", "ERR_SSL_PACKET_LENGTH_TOO_LONG"]);
const NOT_TLS_HINT =
  "the server answered plain HTTP or another protocol, not TLS; use http:// in endpoint if that is intended";

/** A failed attempt to reach `target` (directly, or `via` a proxy's tunnel) and why. */
export function failedAttempt(target: ConnectTarget, error: unknown, via = ""): ConnectFailure {
  const { code, syscall } = errorFields(error);
  const where = via === "" ? authority(target) : `${authority(target)} ${via}`;
  const tcp = TCP_CODES.has(code) || TCP_SYSCALLS.has(syscall);
  if (target.protocol !== "https:" || tcp) {
    return new ConnectFailure(`could not connect to ${where}: ${describeCause(error)}`, error);
  }
  const hint = NOT_TLS_CODES.has(code) ? `; ${NOT_TLS_HINT}` : "";
  return new ConnectFailure(
    `TLS handshake with ${where} failed: ${describeCause(error)}${hint}`,
    error,
  );
}

/** "CODE what happened" of a system or OpenSSL error, on one line. */
export function describeCause(error: unknown): string {
  const { code } = errorFields(error);
  // OpenSSL's message is "<hex>:error:<hex>:SSL routines:<function>:<reason>:<source file>:<line>:".
  const reason = (error as { reason?: unknown }).reason;
  const message =
    typeof reason === "string" && reason !== ""
      ? reason
      : error instanceof Error
        ? error.message
        : String(error);
  const text = code !== "" && !message.includes(code) ? `${code} ${message}` : message;
  return forLog(text.trim(), MAX_CAUSE);
}

function errorFields(error: unknown): { code: string; syscall: string } {
  const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown };
  return {
    code: typeof code === "string" ? code : "",
    syscall: typeof syscall === "string" ? syscall : "",
  };
}
