import { afterEach, beforeEach, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../emulator/index.js";
import { startBadProxy } from "../support/hostile/proxy-stand-ins.js";
import { runAction } from "../support/run-action.js";
import { sampleInputs } from "../support/sample-inputs.js";

// A malformed proxy variable is one clear error naming it, before anything is sent; not an
// "Unexpected error" from undici, and never with the password it holds.
let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator();
});
afterEach(async () => {
  await emulator.close();
});

const EXPECTED =
  "Expected a proxy URL such as http://proxy.example.com:3128 (http:// or https://, a host, and optionally user:password@ and a port).";

it.each<{ name: string; value: string; shown: string }>([
  { name: "HTTP_PROXY", value: "http://[bad", shown: "http://[bad" },
  { name: "HTTP_PROXY", value: "proxy:port:x", shown: "proxy:port:x" },
  { name: "http_proxy", value: "socks5://127.0.0.1:1080", shown: "socks5://127.0.0.1:1080" },
  {
    name: "HTTPS_PROXY",
    value: "http://ci:hunter2-proxy@[bad:3128",
    shown: "http://ci:***@[bad:3128",
  },
  // The endpoint is http://, yet HTTPS_PROXY is checked too: whichever variable a later
  // request (an upload) would use, a bad one fails the step before the first request.
  { name: "https_proxy", value: "http://pr oxy:3128", shown: "http://pr oxy:3128" },
])("$name=$value: one error naming the variable, nothing sent", async ({ name, value, shown }) => {
  const run = await runAction({
    inputs: sampleInputs(emulator, { "firmware-original-version": "1.0.0" }),
    env: { [name]: value },
  });
  expect(run.code).toBe(1);
  expect(run.errors).toEqual([`::error::Invalid input '${name}': '${shown}'. ${EXPECTED}`]);
  expect(run.stdout + run.stderr).not.toContain("hunter2");
  expect(emulator.requests).toEqual([]);
});

it("takes a proxy without a scheme as http://, as curl does", async () => {
  // A port nothing listens on any more: the attempt fails, but it was an attempt.
  const gone = await startBadProxy({ kind: "close" });
  await gone.close();
  const run = await runAction({
    inputs: sampleInputs(emulator, { "firmware-original-version": "1.0.0", "max-attempts": "1" }),
    env: { HTTP_PROXY: `127.0.0.1:${gone.port}` },
  });
  expect(run.code).toBe(1);
  expect(run.errors).toHaveLength(1);
  expect(run.errors[0]).toContain(`could not connect to the proxy at ${gone.url}: `);
  expect(run.errors[0]).toContain("ECONNREFUSED");
  expect(emulator.requests).toEqual([]);
});
