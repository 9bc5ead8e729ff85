import { describe, expect, it } from "vitest";
import { proxyFor, type ProxyEnv } from "../../src/tencent/proxy.js";

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
    expect(proxyFor(new URL(url), env)).toBe(expected);
  });
});
