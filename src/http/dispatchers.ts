import { Agent, type Dispatcher } from "undici";
import { InputError } from "../run/errors.js";
import { directConnector, type Trust } from "./connector.js";
import { parseProxy, proxyFor, proxyVariable, type ProxyEnv, type ProxyServer } from "./proxy.js";
import { tunnelConnector } from "./tunnel.js";

// undici's Agent cuts every request at 300 s without headers or body data by default, below the
// longest request-timeout (600 s). Our callers bound requests themselves: the API client with an
// AbortSignal of request-timeout, the upload with its own headersTimeout/bodyTimeout.
const NO_OWN_LIMITS = { headersTimeout: 0, bodyTimeout: 0 } as const;

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
