import { InputError } from "../run/errors.js";
import { registerSecret } from "../report/outside-text.js";

/** The proxy environment variables, as runners and curl read them. */
export type ProxyEnv = Partial<
  Record<
    "HTTPS_PROXY" | "https_proxy" | "HTTP_PROXY" | "http_proxy" | "NO_PROXY" | "no_proxy",
    string
  >
>;

type ProxyName = "https_proxy" | "HTTPS_PROXY" | "http_proxy" | "HTTP_PROXY";

/** A proxy variable that is set: its name and its (trimmed) value. */
export interface ProxyVariable {
  name: ProxyName;
  value: string;
}

/** A proxy to tunnel through, read from a variable. */
export interface ProxyServer {
  /** The variable that named it, for messages. */
  variable: ProxyName;
  protocol: "http:" | "https:";
  hostname: string;
  port: number;
  /** The proxy's URL without user or password, the only form messages show. */
  shown: string;
  /** The Proxy-Authorization header value for a URL with userinfo. */
  authorization?: string;
}

// Lower-case names win over upper-case ones, as in curl; an https URL falls back to HTTP_PROXY.
const HTTPS_NAMES: readonly ProxyName[] = [
  "https_proxy",
  "HTTPS_PROXY",
  "http_proxy",
  "HTTP_PROXY",
];
const HTTP_NAMES: readonly ProxyName[] = ["http_proxy", "HTTP_PROXY"];

/** The proxy variable that applies to URLs of `protocol`, before NO_PROXY is considered. */
export function proxyVariable(protocol: string, env: ProxyEnv): ProxyVariable | undefined {
  for (const name of protocol === "https:" ? HTTPS_NAMES : HTTP_NAMES) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== "") return { name, value };
  }
  return undefined;
}

/** The proxy variable a request to `url` should go through, or undefined to connect directly. */
export function proxyFor(url: URL, env: ProxyEnv): ProxyVariable | undefined {
  const proxy = proxyVariable(url.protocol, env);
  const noProxy = env.no_proxy?.trim() || env.NO_PROXY?.trim() || "";
  return proxy === undefined || bypasses(url, noProxy) ? undefined : proxy;
}

const EXPECTED =
  "Expected a proxy URL such as http://proxy.example.com:3128 (http:// or https://, a host, and optionally user:password@ and a port).";

/**
 * Reads a proxy variable, or throws an InputError that names it and quotes its value with any
 * password hidden. A value without a scheme ("proxy:3128") means http://, as curl reads it.
 */
export function parseProxy({ name, value }: ProxyVariable): ProxyServer {
  const invalid = () => new InputError(name, withoutPassword(value), EXPECTED);
  let url: URL;
  try {
    url = new URL(value.includes("://") ? value : `http://${value}`);
  } catch {
    throw invalid();
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    throw invalid();
  }
  let user: string;
  let password: string;
  try {
    user = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
  } catch {
    throw invalid();
  }
  // The proxy may echo them back (in a status line, a page): keep them out of every message. A
  // user alone ("http://token@proxy") is the secret.
  const secrets = password === "" ? [user, url.username] : [password, url.password];
  for (const secret of secrets) registerSecret(secret);
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  return {
    variable: name,
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ""),
    port,
    shown: `${url.protocol}//${url.host}`,
    ...(user === "" && password === ""
      ? {}
      : { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` }),
  };
}

/**
 * A proxy variable's value as it may be shown: whatever sits between the scheme and the last
 * "@" is userinfo; the user stays, the password becomes "***" (all of it when there is no ":",
 * since a lone token is the secret). Works on values that do not parse, which is when it is needed.
 */
export function withoutPassword(value: string): string {
  const at = value.lastIndexOf("@");
  if (at === -1) return value;
  const scheme = value.indexOf("://");
  const start = scheme === -1 || scheme > at ? 0 : scheme + 3;
  const colon = value.indexOf(":", start);
  const user = colon !== -1 && colon < at ? value.slice(start, colon + 1) : "";
  return `${value.slice(0, start)}${user}***${value.slice(at)}`;
}

/** Whether NO_PROXY exempts the URL: "*", a host, a domain suffix (".example.com" or "example.com"), optionally with ":port". */
export function bypasses(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return noProxy
    .split(/[\s,]+/)
    .filter((entry) => entry !== "")
    .some((entry) => {
      if (entry === "*") return true;
      const [name, entryPort] = splitHostPort(entry.toLowerCase());
      if (entryPort !== undefined && entryPort !== port) return false;
      const bare = name.replace(/^\*?\./, "");
      return bare !== "" && (host === bare || host.endsWith(`.${bare}`));
    });
}

function splitHostPort(entry: string): [string, string | undefined] {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed !== null) return [bracketed[1] ?? "", bracketed[2]];
  const hostPort = /^([^:]+):(\d+)$/.exec(entry);
  return hostPort === null ? [entry, undefined] : [hostPort[1] ?? "", hostPort[2]];
}
