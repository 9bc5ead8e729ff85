import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:tls";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { TransportError } from "../../src/run/errors.js";
import { Dispatchers } from "../../src/http/dispatchers.js";
import { classify, withRetries, type RetryPolicy } from "../../src/http/retry.js";
import { transportError } from "../../src/http/transport-error.js";
import { TEST_CA, TEST_KEY } from "../support/hostile/proxy-tls-cert.js";
import { runAction } from "../support/run-action.js";

// A certificate that does not verify, or that names another host, fails the same way on every
// attempt: the action fails at once, naming the endpoint and the TLS reason, and sends nothing.
// (A handshake that fails otherwise, a blip or a plain-HTTP server, is still retried:
// tls-handshake.test.ts.)
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A TLS server with TEST_CA's certificate (for IP 127.0.0.1) on `host`, counting connections. */
async function tlsServer(host: string): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const server: Server = createServer({ key: TEST_KEY, cert: TEST_CA }, (socket) =>
    socket.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"),
  );
  server.on("connection", () => connections++);
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `https://${host}:${port}/`, connections: () => connections };
}

/** One call through withRetries and the run's connectors: its error and the attempts made. */
async function call(url: string, trust: { ca?: string }) {
  const dispatchers = new Dispatchers(5_000, {}, trust);
  closers.push(() => dispatchers.close());
  let attempts = 0;
  const policy: RetryPolicy = {
    maxAttempts: 5,
    baseDelayMs: 1,
    maxDelayMs: 1,
    deadline: Infinity,
    sleep: async () => undefined,
    now: Date.now,
    random: () => 0.5,
    logger: { info: () => undefined, warning: () => undefined, debug: () => undefined },
  };
  const error = await withRetries(
    "BatchUpdateFirmware",
    policy,
    async () => {
      attempts++;
      await request(url, { method: "POST", body: "{}", dispatcher: dispatchers.for(url) }).catch(
        (thrown: unknown) => {
          throw transportError("BatchUpdateFirmware", thrown, 5_000);
        },
      );
    },
    async (thrown, kind) => {
      if (kind === "fail") throw thrown;
      return undefined;
    },
  ).then(
    () => expect.fail("expected the call to fail"),
    (thrown: unknown) => thrown as TransportError,
  );
  return { error, attempts };
}

describe("a certificate that does not verify", () => {
  it.each([
    {
      name: "self-signed, not trusted",
      host: "127.0.0.1",
      trusted: false,
      code: "DEPTH_ZERO_SELF_SIGNED_CERT",
    },
    {
      name: "trusted, for another host",
      host: "127.0.0.2",
      trusted: true,
      code: "ERR_TLS_CERT_ALTNAME_INVALID",
    },
  ])(
    "$name: one attempt, the endpoint and the reason named, nothing sent",
    async ({ host, trusted, code }) => {
      const server = await tlsServer(host);
      const { error, attempts } = await call(server.url, trusted ? { ca: TEST_CA } : {});
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({ delivery: "no", definite: true });
      expect(classify(error)).toBe("fail");
      expect(error.message).toMatch(
        new RegExp(
          `^BatchUpdateFirmware failed: TLS handshake with ${host.replace(/\./g, "\\.")}:\\d+ failed: ${code}`,
        ),
      );
      expect(error.message).toContain("does not verify, which no retry changes");
      expect(attempts).toBe(1);
      expect(server.connections()).toBe(1);
    },
  );

  it("through the bundled action: fails at once, with one error line and no retry", async () => {
    const server = await tlsServer("127.0.0.1");
    const run = await runAction({
      inputs: {
        "product-id": "P1",
        "firmware-version": "2.0.0",
        "firmware-original-version": "1.0.0",
        "secret-id": "AKIDstandin",
        "secret-key": "stand-in-key-123",
        endpoint: server.url,
        "max-attempts": "5",
      },
    });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      expect.stringMatching(
        /^::error::DescribeFirmware failed: TLS handshake with 127\.0\.0\.1:\d+ failed: DEPTH_ZERO_SELF_SIGNED_CERT .*does not verify/,
      ),
    ]);
    expect(run.stdout).not.toContain("retrying");
    expect(server.connections()).toBe(1);
  });
});
