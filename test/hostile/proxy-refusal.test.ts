import { afterEach, describe, expect, it } from "vitest";
import { request } from "undici";
import { Dispatchers } from "../../src/http/dispatchers.js";
import { transportError } from "../../src/http/transport-error.js";
import { classify, type FailureClass } from "../../src/http/retry.js";
import { startEmulator, type Emulator } from "../emulator/index.js";
import {
  startBadProxy,
  startServer,
  type BadProxy,
  type RecordingServer,
} from "../support/hostile/proxy-stand-ins.js";
import { runAction } from "../support/run-action.js";
import { sampleInputs } from "../support/sample-inputs.js";

// A proxy's refusal of the tunnel is the proxy's, with its status: never a timeout, never
// "outcome unknown" (the request did not go anywhere), and never with the proxy's password.
let proxy: BadProxy;
let server: RecordingServer;
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await proxy.close();
});

async function callThrough(proxyUrl: string, scheme = "https") {
  server = await startServer("ok");
  closers.push(() => server.close());
  const dispatchers = new Dispatchers(10_000, { HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl });
  closers.push(() => dispatchers.close());
  const url = `${scheme}://127.0.0.1:${server.port}/`;
  return request(url, { method: "POST", body: "{}", dispatcher: dispatchers.for(url) }).then(
    () => {
      throw new Error("answered");
    },
    (error: unknown) => transportError("BatchUpdateFirmware", error, 30_000),
  );
}

describe("in process", () => {
  it.each<{ answer: string; status: number; shown: string; kind: FailureClass }>([
    {
      answer: "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n",
      status: 407,
      shown:
        "HTTP 407 Proxy Authentication Required (HTTPS_PROXY names no user and password for it)",
      kind: "fail",
    },
    {
      answer: "HTTP/1.1 403 Forbidden\r\n\r\n",
      status: 403,
      shown: "HTTP 403 Forbidden",
      kind: "fail",
    },
    {
      answer: "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n",
      status: 502,
      shown: "HTTP 502 Bad Gateway",
      kind: "retry",
    },
    {
      answer: "HTTP/1.0 503 Service Unavailable\r\n\r\n",
      status: 503,
      shown: "HTTP 503 Service Unavailable",
      kind: "retry",
    },
    { answer: "HTTP/1.1 502\r\n\r\n", status: 502, shown: "HTTP 502", kind: "retry" },
  ])("$shown: not sent, status kept, $kind", async ({ answer, status, shown, kind }) => {
    proxy = await startBadProxy({ kind: "answer", answer });
    const error = await callThrough(proxy.url);
    expect(error.message).toBe(
      `BatchUpdateFirmware failed: the proxy at ${proxy.url} refused the tunnel: ${shown}`,
    );
    expect(error).toMatchObject({ delivery: "no", status });
    expect(classify(error)).toBe(kind);
    expect(proxy.heads).toHaveLength(1);
    expect(server.heads).toEqual([]);
  });

  it("sends the proxy's credentials as Proxy-Authorization and never shows them", async () => {
    const password = "pr0xy-pa55word";
    proxy = await startBadProxy({
      kind: "answer",
      // A proxy that echoes what it was sent in its reason phrase.
      answer: `HTTP/1.1 407 Bad credentials ci-user:${password}\r\n\r\n`,
    });
    const withCredentials = proxy.url.replace("//", `//ci-user:${password}@`);
    const error = await callThrough(withCredentials, "http");
    const basic = Buffer.from(`ci-user:${password}`).toString("base64");
    expect(proxy.heads[0]).toContain(`\r\nProxy-Authorization: Basic ${basic}`);
    expect(error.message).toBe(
      `BatchUpdateFirmware failed: the proxy at ${proxy.url} refused the tunnel: ` +
        "HTTP 407 Bad credentials ci-user:*** (it did not accept the user and password in HTTP_PROXY)",
    );
    expect(error.message).not.toContain(password);
    expect(classify(error)).toBe("fail");
  });

  it("defuses a reason phrase that carries a workflow command", async () => {
    proxy = await startBadProxy({
      kind: "answer",
      answer: "HTTP/1.1 502 ::error::pwned ##[group]x \u001b[31m\r\n\r\n",
    });
    const error = await callThrough(proxy.url);
    expect(error.message).toContain("HTTP 502 : :error: :pwned # #[group]x \\u001b[31m");
    expect(error.message).not.toContain("::");
  });

  it.each([
    {
      name: "an answer that is not HTTP",
      answer: "SSH-2.0-OpenSSH_9.6\r\n\r\n",
      says: "did not answer the CONNECT for",
    },
    {
      name: "bytes after a 200",
      answer: "HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 200 OK\r\n",
      says: "sent data before the tunnel",
    },
  ])("$name: the proxy's fault, not sent", async ({ answer, says }) => {
    proxy = await startBadProxy({ kind: "answer", answer });
    const error = await callThrough(proxy.url);
    expect(error.message).toContain(`the proxy at ${proxy.url} ${says}`);
    expect(error).toMatchObject({ delivery: "no", status: undefined });
  });

  it("bounds a proxy that never answers the CONNECT by the connect timeout", async () => {
    proxy = await startBadProxy({ kind: "silent" });
    server = await startServer("ok");
    closers.push(() => server.close());
    const dispatchers = new Dispatchers(300, { HTTP_PROXY: proxy.url });
    closers.push(() => dispatchers.close());
    const url = `http://127.0.0.1:${server.port}/`;
    const error = await request(url, { dispatcher: dispatchers.for(url) }).then(
      () => new Error("answered"),
      (thrown: unknown) => transportError("DescribeFirmwareTasks", thrown, 30_000),
    );
    // Timed from the CONNECT reaching the proxy, so setting up is no part of it; the slack is for
    // a late timer on a busy machine, too small for undici's own 10 s connect timeout.
    expect(Date.now() - proxy.headsAt[0]!).toBeLessThan(300 + 2_000);
    expect(error.message).toBe(
      `DescribeFirmwareTasks failed: could not connect to 127.0.0.1:${server.port} through the proxy at ${proxy.url} within 0.3 s`,
    );
    expect(error).toMatchObject({ delivery: "no" });
  });
});

describe("the bundled action", () => {
  let emulator: Emulator;

  async function rollout(env: Record<string, string>, maxAttempts: string) {
    emulator = await startEmulator();
    closers.push(() => emulator.close());
    return runAction({
      inputs: sampleInputs(emulator, {
        "firmware-original-version": "1.0.0",
        "max-attempts": maxAttempts,
      }),
      env,
    });
  }

  it("fails at once on 407, naming the proxy's status and not its password", async () => {
    proxy = await startBadProxy({
      kind: "answer",
      answer: "HTTP/1.1 407 Proxy Authentication Required\r\n\r\n",
    });
    const password = "s3cret-proxy-pass";
    const run = await rollout({ HTTP_PROXY: proxy.url.replace("//", `//me:${password}@`) }, "5");
    expect(run.code).toBe(1);
    expect(proxy.heads).toHaveLength(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(
      `the proxy at ${proxy.url} refused the tunnel: HTTP 407 Proxy Authentication Required`,
    );
    expect(run.stdout).not.toMatch(/attempt 1\/5 failed/);
    expect(run.stdout + run.stderr).not.toContain(password);
    expect(run.errors[0]).not.toMatch(/within|timeout/i);
    expect(emulator.requests).toEqual([]);
  });

  it("retries a 502 up to max-attempts, one CONNECT each", async () => {
    proxy = await startBadProxy({ kind: "answer", answer: "HTTP/1.1 502 Bad Gateway\r\n\r\n" });
    const run = await rollout({ HTTP_PROXY: proxy.url }, "2");
    expect(run.code).toBe(1);
    expect(proxy.heads).toHaveLength(2);
    expect(run.stdout).toContain("refused the tunnel: HTTP 502 Bad Gateway; retrying in");
    expect(run.errors[0]).toContain("refused the tunnel: HTTP 502 Bad Gateway");
    expect(emulator.requests).toEqual([]);
  });
});
