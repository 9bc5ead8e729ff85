import { describe, expect, it } from "vitest";
import { InputError } from "../../src/run/errors.js";
import { redact } from "../../src/report/outside-text.js";
import {
  parseProxy,
  proxyFor,
  withoutPassword,
  type ProxyEnv,
  type ProxyServer,
} from "../../src/http/proxy.js";

const P = "http://proxy.internal:3128";
const Q = "http://other.internal:8080";

describe("proxyFor", () => {
  it.each<{ name: string; url: string; env: ProxyEnv; expected: string | undefined }>([
    {
      name: "no variables",
      url: "https://iotvideo.tencentcloudapi.com",
      env: {},
      expected: undefined,
    },
    {
      name: "HTTPS_PROXY for https",
      url: "https://iotvideo.tencentcloudapi.com",
      env: { HTTPS_PROXY: P },
      expected: P,
    },
    {
      name: "https falls back to HTTP_PROXY",
      url: "https://a.example",
      env: { HTTP_PROXY: P },
      expected: P,
    },
    {
      name: "http ignores HTTPS_PROXY",
      url: "http://127.0.0.1:8080",
      env: { HTTPS_PROXY: P },
      expected: undefined,
    },
    {
      name: "lower case wins",
      url: "https://a.example",
      env: { https_proxy: Q, HTTPS_PROXY: P },
      expected: Q,
    },
    {
      name: "empty lower case is ignored",
      url: "http://a.example",
      env: { http_proxy: " ", HTTP_PROXY: P },
      expected: P,
    },
    {
      name: "NO_PROXY *",
      url: "https://a.example",
      env: { HTTPS_PROXY: P, NO_PROXY: "*" },
      expected: undefined,
    },
    {
      name: "NO_PROXY exact host",
      url: "http://127.0.0.1:9000",
      env: { HTTP_PROXY: P, NO_PROXY: "localhost,127.0.0.1" },
      expected: undefined,
    },
    {
      name: "NO_PROXY domain suffix",
      url: "https://iotvideo.tencentcloudapi.com",
      env: { HTTPS_PROXY: P, no_proxy: ".tencentcloudapi.com" },
      expected: undefined,
    },
    {
      name: "NO_PROXY bare domain covers subdomains",
      url: "https://cos.ap-guangzhou.myqcloud.com/x",
      env: { HTTPS_PROXY: P, NO_PROXY: "myqcloud.com" },
      expected: undefined,
    },
    {
      name: "NO_PROXY *.domain",
      url: "https://a.b.example",
      env: { HTTPS_PROXY: P, NO_PROXY: "*.example" },
      expected: undefined,
    },
    {
      name: "NO_PROXY is not a substring match",
      url: "https://notexample.com",
      env: { HTTPS_PROXY: P, NO_PROXY: "example.com" },
      expected: P,
    },
    {
      name: "NO_PROXY with the right port",
      url: "http://127.0.0.1:9000",
      env: { HTTP_PROXY: P, NO_PROXY: "127.0.0.1:9000" },
      expected: undefined,
    },
    {
      name: "NO_PROXY with another port",
      url: "http://127.0.0.1:9000",
      env: { HTTP_PROXY: P, NO_PROXY: "127.0.0.1:9001" },
      expected: P,
    },
    {
      name: "NO_PROXY default port",
      url: "https://a.example",
      env: { HTTPS_PROXY: P, NO_PROXY: "a.example:443" },
      expected: undefined,
    },
    {
      name: "NO_PROXY IPv6 in brackets",
      url: "http://[::1]:9000",
      env: { HTTP_PROXY: P, NO_PROXY: "[::1]:9000" },
      expected: undefined,
    },
    {
      name: "NO_PROXY separated by spaces",
      url: "http://b.example",
      env: { HTTP_PROXY: P, NO_PROXY: "a.example b.example" },
      expected: undefined,
    },
  ])("$name", ({ url, env, expected }) => {
    expect(proxyFor(new URL(url), env)?.value).toBe(expected);
  });
});

describe("parseProxy", () => {
  it.each<{ value: string; expected: Omit<ProxyServer, "variable"> }>([
    {
      value: "http://proxy.internal:3128",
      expected: {
        protocol: "http:",
        hostname: "proxy.internal",
        port: 3128,
        shown: "http://proxy.internal:3128",
      },
    },
    {
      value: "proxy.internal:3128",
      expected: {
        protocol: "http:",
        hostname: "proxy.internal",
        port: 3128,
        shown: "http://proxy.internal:3128",
      },
    },
    {
      value: "https://proxy.internal",
      expected: {
        protocol: "https:",
        hostname: "proxy.internal",
        port: 443,
        shown: "https://proxy.internal",
      },
    },
    {
      value: "http://[::1]:8080/",
      expected: { protocol: "http:", hostname: "::1", port: 8080, shown: "http://[::1]:8080" },
    },
    {
      value: "http://ci%40corp:p%3Ass@proxy.internal:3128",
      expected: {
        protocol: "http:",
        hostname: "proxy.internal",
        port: 3128,
        shown: "http://proxy.internal:3128",
        authorization: `Basic ${Buffer.from("ci@corp:p:ss").toString("base64")}`,
      },
    },
  ])("$value", ({ value, expected }) => {
    expect(parseProxy({ name: "HTTPS_PROXY", value })).toEqual({
      variable: "HTTPS_PROXY",
      ...expected,
    });
  });

  it.each<{ value: string; shown: string }>([
    { value: "http://[bad", shown: "http://[bad" },
    { value: "proxy:port:x", shown: "proxy:port:x" },
    { value: "socks5://proxy:1080", shown: "socks5://proxy:1080" },
    { value: "http://", shown: "http://" },
    { value: "http://proxy:99999", shown: "http://proxy:99999" },
    { value: "http://user:pa%zz-secret@proxy:3128", shown: "http://user:***@proxy:3128" },
    { value: "http://user:my-password@[bad", shown: "http://user:***@[bad" },
  ])("refuses $value, naming the variable", ({ value, shown }) => {
    const error = (() => {
      try {
        parseProxy({ name: "HTTP_PROXY", value });
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ input: "HTTP_PROXY", value: shown });
    expect((error as Error).message).toMatch(
      /^Invalid input 'HTTP_PROXY': '.*'\. Expected a proxy URL/,
    );
  });

  it("keeps the password out of later messages", () => {
    parseProxy({ name: "HTTPS_PROXY", value: "http://ci:Proxy-Secret-42@proxy.internal:3128" });
    expect(redact("407 for ci:Proxy-Secret-42")).toBe("407 for ci:***");
  });
});

describe("withoutPassword", () => {
  it.each([
    { value: "http://proxy:3128", expected: "http://proxy:3128" },
    { value: "http://user:secret@proxy:3128", expected: "http://user:***@proxy:3128" },
    { value: "http://token@proxy:3128", expected: "http://***@proxy:3128" },
    { value: "user:secret@proxy:3128", expected: "user:***@proxy:3128" },
    { value: "http://user:se/cr@et@[bad", expected: "http://user:***@[bad" },
    { value: "proxy:port:x", expected: "proxy:port:x" },
  ])("$value", ({ value, expected }) => {
    expect(withoutPassword(value)).toBe(expected);
  });
});
