import { afterEach, describe, expect, it } from "vitest";
import { request } from "undici";
import { Dispatchers } from "../../src/http/dispatchers.js";
import { transportError } from "../../src/http/transport-error.js";
import { classify } from "../../src/http/retry.js";
import { startEmulator, type Emulator } from "../emulator/index.js";
import {
  startClosingServer,
  startServer,
  type StandIn,
} from "../support/hostile/proxy-stand-ins.js";
import { TEST_CA, TEST_KEY } from "../support/hostile/proxy-tls-cert.js";
import { startProxy } from "../support/proxy.js";
import { runAction } from "../support/run-action.js";
import { sampleInputs } from "../support/sample-inputs.js";

// A TLS handshake that fails happens before the request is written: "not sent", retried without
// looking for a task. An error on a connection whose handshake succeeded, once the request went
// out, stays "outcome unknown".
const HINT = "use http:// in endpoint if that is intended";
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function started<T extends Pick<StandIn, "close">>(standIn: Promise<T>): Promise<T> {
  const ready = await standIn;
  closers.push(() => ready.close());
  return ready;
}

async function post(url: string, env: Record<string, string> = {}, trust = {}) {
  const dispatchers = new Dispatchers(5_000, env, trust);
  closers.push(() => dispatchers.close());
  return request(url, { method: "POST", body: "{}", dispatcher: dispatchers.for(url) }).then(
    async (response) => ({ answered: await response.body.text() }),
    (error: unknown) => transportError("BatchUpdateFirmware", error, 5_000),
  );
}

describe("in process", () => {
  it.each([
    { name: "directly", viaProxy: false },
    { name: "through a proxy's tunnel", viaProxy: true },
  ])("https:// to a plain-HTTP server, $name: not sent, with a hint", async ({ viaProxy }) => {
    const server = await started(startServer("ok"));
    const proxy = viaProxy ? await started(startProxy()) : undefined;
    const error = await post(
      `https://127.0.0.1:${server.port}/`,
      proxy === undefined ? {} : { HTTPS_PROXY: proxy.url },
    );
    const through = proxy === undefined ? "" : ` through the proxy at ${proxy.url}`;
    expect(error).toMatchObject({ delivery: "no", status: undefined });
    expect(error).toHaveProperty(
      "message",
      expect.stringMatching(
        new RegExp(
          `^BatchUpdateFirmware failed: TLS handshake with 127\\.0\\.0\\.1:${server.port}${through.replace(/\./g, "\\.")} failed: ERR_SSL_WRONG_VERSION_NUMBER `,
        ),
      ),
    );
    expect(error).toHaveProperty("message", expect.stringContaining(`; ${HINT}`));
    expect(classify(error)).toBe("retry");
  });

  it("a server that closes during the handshake: not sent, no hint", async () => {
    const server = await started(startClosingServer());
    const error = await post(`https://127.0.0.1:${server.port}/`);
    expect(error).toMatchObject({ delivery: "no" });
    expect(error).toHaveProperty("message", expect.stringContaining("TLS handshake with"));
    expect(error).toHaveProperty("message", expect.not.stringContaining(HINT));
  });

  it("an untrusted certificate: not sent", async () => {
    const server = await started(startServer("ok", { tls: true }));
    const error = await post(server.url);
    expect(error).toMatchObject({ delivery: "no" });
    expect(error).toHaveProperty("message", expect.stringContaining("DEPTH_ZERO_SELF_SIGNED_CERT"));
  });

  it.each([
    { name: "directly", viaProxy: false, httpsProxy: false },
    { name: "through a proxy's tunnel", viaProxy: true, httpsProxy: false },
    { name: "through an https:// proxy's tunnel", viaProxy: true, httpsProxy: true },
  ])("a trusted server, $name, answers", async ({ viaProxy, httpsProxy }) => {
    const server = await started(startServer("ok", { tls: true }));
    const tls = httpsProxy ? { key: TEST_KEY, cert: TEST_CA } : undefined;
    const proxy = viaProxy ? await started(startProxy(tls)) : undefined;
    const env = proxy === undefined ? {} : { HTTPS_PROXY: proxy.url };
    const result = await post(server.url, env, { ca: TEST_CA });
    expect(result).toEqual({ answered: '{"Response":{"RequestId":"r-1"}}' });
    expect(server.heads[0]).toMatch(/^POST \/ HTTP\/1\.1\r\n/);
    expect(proxy?.targets ?? []).toEqual(viaProxy ? [`127.0.0.1:${server.port}`] : []);
    expect(proxy?.url ?? "none").toMatch(httpsProxy ? /^https:/ : /^(http:|none$)/);
  });

  it.each([
    { name: "directly", viaProxy: false },
    { name: "through a proxy's tunnel", viaProxy: true },
  ])(
    "dropped after the request went out over TLS, $name: outcome unknown",
    async ({ viaProxy }) => {
      const server = await started(startServer("drop-after-request", { tls: true }));
      const proxy = viaProxy ? await started(startProxy()) : undefined;
      const env = proxy === undefined ? {} : { HTTPS_PROXY: proxy.url };
      const error = await post(server.url, env, { ca: TEST_CA });
      expect(server.heads).toHaveLength(1);
      expect(error).toMatchObject({ delivery: "unknown" });
      expect(classify(error)).toBe("reconcile");
    },
  );
});

describe("the bundled action", () => {
  let emulator: Emulator;

  it("https:// to the plain-HTTP emulator: retried as not sent, then fails with the hint", async () => {
    emulator = await startEmulator();
    closers.push(() => emulator.close());
    const endpoint = emulator.url.replace("http://", "https://");
    const run = await runAction({
      inputs: sampleInputs(emulator, {
        endpoint,
        "firmware-original-version": "1.0.0",
        "max-attempts": "2",
      }),
    });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain("TLS handshake with 127.0.0.1:");
    expect(run.errors[0]).toContain(HINT);
    // Not sent: retried straight away, with no "if it did not take effect" lookup.
    expect(run.stdout).toMatch(/attempt 1\/2 failed: .*TLS handshake.*; retrying in \d+\.\d s\.\n/);
    expect(run.stdout).not.toContain("if it did not take effect");
    expect(emulator.tasks).toEqual([]);
  });
});
