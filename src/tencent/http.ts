import { Agent, ProxyAgent, type Dispatcher } from "undici";
import { TransportError } from "../errors.js";
import { proxyFor, type ProxyEnv } from "./proxy.js";

/**
 * The connections of one run: direct, or through the proxy that HTTPS_PROXY / HTTP_PROXY /
 * NO_PROXY (or their lower-case forms) name for a URL, as self-hosted runners behind a proxy need.
 */
export class Dispatchers {
  private readonly direct: Agent;
  private readonly proxies = new Map<string, ProxyAgent>();

  constructor(
    private readonly connectTimeoutMs: number,
    private readonly env: ProxyEnv = process.env,
  ) {
    this.direct = new Agent({ connectTimeout: connectTimeoutMs });
  }

  /** The dispatcher for requests to `url`. */
  for(url: URL | string): Dispatcher {
    const proxy = proxyFor(new URL(url), this.env);
    if (proxy === undefined) return this.direct;
    let agent = this.proxies.get(proxy);
    if (agent === undefined) {
      agent = new ProxyAgent({ uri: proxy, connectTimeout: this.connectTimeoutMs });
      this.proxies.set(proxy, agent);
    }
    return agent;
  }

  async close(): Promise<void> {
    await Promise.all([this.direct, ...this.proxies.values()].map((agent) => agent.close()));
  }
}

// Failures that happen before a byte of the request can reach the server.
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** Turns an error thrown by undici into a TransportError that says whether the server may have acted. */
export function transportError(step: string, error: unknown, timeoutMs: number): TransportError {
  const code = errorCode(error);
  if (isTimeout(error)) {
    return new TransportError(
      step,
      "unknown",
      `no answer within ${timeoutMs / 1000} s (request-timeout)`,
    );
  }
  const detail = describe(error, code);
  const notSent =
    NOT_SENT_CODES.has(code) || code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS");
  return new TransportError(step, notSent ? "no" : "unknown", detail);
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
  const seen = new Set<unknown>();
  let current: unknown = error;
  // undici wraps the socket error in a TypeError("fetch failed")-style cause chain.
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
    current = current.cause;
  }
  return "";
}

function describe(error: unknown, code: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause =
    error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return code !== "" && !message.includes(code)
    ? `${code} ${message}${cause}`
    : `${message}${cause}`;
}
