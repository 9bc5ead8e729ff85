/** The proxy environment variables, as runners and curl read them. */
export type ProxyEnv = Partial<
  Record<
    "HTTPS_PROXY" | "https_proxy" | "HTTP_PROXY" | "http_proxy" | "NO_PROXY" | "no_proxy",
    string
  >
>;

/**
 * The proxy URL a request to `url` should go through, or undefined to connect directly.
 * Lower-case names win over upper-case ones, as in curl; an https URL falls back to HTTP_PROXY.
 */
export function proxyFor(url: URL, env: ProxyEnv): string | undefined {
  const https = url.protocol === "https:";
  const proxy = https
    ? first(env.https_proxy, env.HTTPS_PROXY, env.http_proxy, env.HTTP_PROXY)
    : first(env.http_proxy, env.HTTP_PROXY);
  if (proxy === undefined || bypasses(url, first(env.no_proxy, env.NO_PROXY) ?? ""))
    return undefined;
  return proxy;
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

function first(...values: Array<string | undefined>): string | undefined {
  return values.find((value) => value !== undefined && value.trim() !== "")?.trim();
}
