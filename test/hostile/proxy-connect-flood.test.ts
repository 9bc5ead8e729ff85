import { afterEach, describe, expect, it } from "vitest";
import { request } from "undici";
import { TransportError } from "../../src/run/errors.js";
import { Dispatchers } from "../../src/http/dispatchers.js";
import { transportError } from "../../src/http/transport-error.js";
import { classify } from "../../src/http/retry.js";
import { startEmulator, type Emulator } from "../emulator/index.js";
import {
  MAX_CONNECTIONS,
  startBadProxy,
  startServer,
  type BadProxy,
} from "../support/hostile/proxy-stand-ins.js";
import { runAction } from "../support/run-action.js";
import { sampleInputs } from "../support/sample-inputs.js";

// A proxy that accepts the connection, reads the CONNECT and closes made undici's ProxyAgent
// connect again at once, for ever, with the request still queued: ~2,000 CONNECTs a second.
// Each attempt must be one CONNECT, failing the request as "not sent", so max-attempts bounds it.
let proxy: BadProxy;
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await proxy.close();
});

describe("in process", () => {
  it.each(["http", "https"])(
    "one CONNECT per request to an %s URL, failing fast",
    async (scheme) => {
      proxy = await startBadProxy({ kind: "close" });
      const server = await startServer("ok");
      closers.push(() => server.close());
      const dispatchers = new Dispatchers(10_000, { HTTP_PROXY: proxy.url });
      closers.push(() => dispatchers.close());
      const url = `${scheme}://127.0.0.1:${server.port}/`;
      for (let attempt = 1; attempt <= 3; attempt++) {
        const error = await request(url, {
          method: "POST",
          body: "{}",
          dispatcher: dispatchers.for(url),
          signal: AbortSignal.timeout(5_000),
        }).then(
          () => new Error("answered"),
          (thrown: unknown) => transportError("DescribeFirmwareTasks", thrown, 5_000),
        );
        // Failing fast is counted, not timed: a client that connected again until the 5 s signal
        // ended it would have sent thousands of CONNECTs, and failed with a timeout's message.
        expect(proxy.heads).toHaveLength(attempt);
        expect(error).toBeInstanceOf(TransportError);
        expect(error).toMatchObject({ delivery: "no", status: undefined });
        expect(classify(error)).toBe("retry");
        expect(error.message).toBe(
          `DescribeFirmwareTasks failed: the proxy at ${proxy.url} closed the tunnel to 127.0.0.1:${server.port} without answering the CONNECT`,
        );
      }
      expect(proxy.heads[0]).toMatch(
        new RegExp(`^CONNECT 127\\.0\\.0\\.1:${server.port} HTTP/1\\.1\r\n`),
      );
      expect(server.heads).toEqual([]);
    },
  );
});

describe("the bundled action", () => {
  let emulator: Emulator;

  it("makes max-attempts CONNECTs and fails in seconds", async () => {
    emulator = await startEmulator();
    closers.push(() => emulator.close());
    proxy = await startBadProxy({ kind: "close" });
    const run = await runAction({
      inputs: sampleInputs(emulator, {
        "firmware-original-version": "1.0.0",
        "max-attempts": "3",
      }),
      env: { HTTP_PROXY: proxy.url },
    });
    // Three attempts of the first call (DescribeFirmwareTasks), with two backoff waits of at
    // most 1 s and 2 s between them; the flood took MAX_CONNECTIONS before the stand-in quit.
    // "In seconds" is timed at the proxy, from the first CONNECT to the last: the backoffs and a
    // busy machine's slack, where attempts that each waited out request-timeout take 30 s.
    expect(proxy.heads.length).toBeGreaterThanOrEqual(1);
    expect(proxy.heads.length).toBeLessThanOrEqual(3);
    expect(proxy.heads.length).toBeLessThan(MAX_CONNECTIONS);
    expect(proxy.headsAt.at(-1)! - proxy.headsAt[0]!).toBeLessThan(3_000 + 5_000);
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(`the proxy at ${proxy.url} closed the tunnel`);
    expect(run.errors[0]).not.toMatch(/within|timeout|timed out/i);
    expect(emulator.requests).toEqual([]);
    expect(emulator.tasks).toEqual([]);
  });
});
