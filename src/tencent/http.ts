import { Agent, type Dispatcher } from "undici";
import { InputError, TransportError } from "../errors.js";
import { oneLine } from "../outside-text.js";
import { connectFailureIn, directConnector, describeCause, type Trust } from "./connect.js";
import { parseProxy, proxyFor, proxyVariable, type ProxyEnv, type ProxyServer } from "./proxy.js";
import { tunnelConnector } from "./tunnel.js";

// undici's Agent cuts every request at 300 s without headers or body data by default, below the
// longest request-timeout (600 s). Our callers bound requests themselves: the API client with an
// AbortSignal of request-timeout, the upload with its own headersTimeout/bodyTimeout.
const NO_OWN_LIMITS = { headersTimeout: 0, bodyTimeout: 0 } as const;
const MAX_DETAIL = 300;

/**
 * The connections of one run: direct, or through the proxy that HTTPS_PROXY / HTTP_PROXY /
 * NO_PROXY (or their lower-case forms) name for a URL, as self-hosted runners behind a proxy need.
 * Every connection attempt, direct or tunnelled, is bounded by `connectTimeoutMs` and is one
 * attempt: a failed one fails the request (see ConnectFailure) instead of being repeated by undici.
 */
export class Dispatchers {
  private readonly direct: Agent;
  private readonly agents = new Map<string, Agent>();
  private readonly servers = new Map<string, ProxyServer>();
  private readonly problem: InputError | undefined;

  constructor(
    private readonly connectTimeoutMs: number,
    private readonly env: ProxyEnv = process.env,
    private readonly trust: Trust = {},
  ) {
    this.direct = new Agent({
      ...NO_OWN_LIMITS,
      connect: directConnector(connectTimeoutMs, trust),
    });
    // Both variables that could apply are read now, so a malformed one fails the first for(),
    // before anything is sent, whichever URL comes first.
    try {
      for (const protocol of ["https:", "http:"]) {
        const variable = proxyVariable(protocol, env);
        if (variable !== undefined) this.servers.set(variable.name, parseProxy(variable));
      }
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      this.problem = error;
    }
  }

  /** The dispatcher for requests to `url`; throws InputError for a malformed proxy variable. */
  for(url: URL | string): Dispatcher {
    if (this.problem !== undefined) throw this.problem;
    const variable = proxyFor(new URL(url), this.env);
    const server = variable === undefined ? undefined : this.servers.get(variable.name);
    if (server === undefined) return this.direct;
    let agent = this.agents.get(server.variable);
    if (agent === undefined) {
      const connect = tunnelConnector(server, this.connectTimeoutMs, this.trust);
      agent = new Agent({ ...NO_OWN_LIMITS, connect });
      this.agents.set(server.variable, agent);
    }
    return agent;
  }

  async close(): Promise<void> {
    await Promise.all([this.direct, ...this.agents.values()].map((agent) => agent.close()));
  }
}

// Failures that can only happen before a byte of the request left, for errors that did not come
// through our connectors (which say so themselves): name resolution, the connect timeout, and
// certificate checks (made in the handshake, before any request is sent).
const NOT_SENT_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);
// These mean "not sent" only when connect() itself failed: on a reused connection the
// request may already have been written.
const CONNECT_CODES = new Set(["ECONNREFUSED", "ENETUNREACH", "EHOSTUNREACH", "ECONNRESET"]);

/** Turns an error thrown by undici into a TransportError that says whether the server may have acted. */
export function transportError(step: string, error: unknown, timeoutMs: number): TransportError {
  // A failed connection attempt: nothing was written, and a proxy's refusal keeps its status.
  const failure = connectFailureIn(error);
  if (failure !== undefined) return new TransportError(step, "no", failure.message, failure.status);
  if (isTimeout(error)) {
    const detail = `no answer within ${timeoutMs / 1000} s (request-timeout)`;
    return new TransportError(step, "unknown", detail);
  }
  const { code, syscall } = systemError(error);
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
  return `${oneLine(text, MAX_DETAIL)}${cause}`;
}
