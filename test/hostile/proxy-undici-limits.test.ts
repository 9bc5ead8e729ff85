import { setImmediate } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { Agent, request, type Dispatcher } from "undici";
import { Dispatchers } from "../../src/http/dispatchers.js";
import { startProxy, type LoopbackProxy } from "../support/proxy.js";
import { startServer, type RecordingServer } from "../support/hostile/proxy-stand-ins.js";

// undici's Agent cuts a request at 300 s without headers, or without body data, by default;
// request-timeout goes up to 600 s, and the client bounds requests with its own AbortSignal.
// The dispatchers must add no shorter limit of their own.
//
// Waiting 300 s is out of the question, so the clock is faked. This really exercises undici:
// its headers and body timers run on its "fast timers", whose clock advances by a fixed 499 ms
// each time a global setTimeout fires (lib/util/timers.js), so faking setTimeout alone (not
// setImmediate or nextTick, which sockets need) drives them. The control case, a plain Agent
// with the defaults, shows the faked clock does reach undici's timers.
//
// undici keeps the timer that drives its fast timers for the life of the process, so the whole
// file shares one faked clock, installed before undici first schedules anything.
beforeAll(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
});
afterAll(() => {
  vi.useRealTimers();
});

const BEYOND_UNDICI_DEFAULT_MS = 310_000;
// Longer than the longest request-timeout (600 s).
const BEYOND_LONGEST_TIMEOUT_MS = 610_000;

let server: RecordingServer;
let proxy: LoopbackProxy | undefined;
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await proxy?.close();
  proxy = undefined;
  await server.close();
});

/**
 * Sends a request, waits until it is under way (the server has it; for "headers-only", the
 * client has the headers too), and returns how it stands: "pending", "headers", "answered", or
 * the error's code.
 */
async function send(dispatcher: Dispatcher, behaviour: Behaviour): Promise<() => string> {
  const controller = new AbortController();
  cleanups.push(async () => controller.abort());
  let outcome = "pending";
  const headers = request(server.url, {
    method: "POST",
    body: "{}",
    dispatcher,
    signal: controller.signal,
  }).then((response) => {
    outcome = "headers";
    response.body.text().then(
      () => (outcome = "answered"),
      (error: { code?: string }) => (outcome = error.code ?? "error"),
    );
  });
  headers.catch((error: { code?: string }) => (outcome = error.code ?? "error"));
  await (behaviour === "headers-only" ? headers : server.received);
  return () => outcome;
}

/** Moves the faked clock on, then lets real I/O that it set off (a socket closing) land. */
async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  for (let i = 0; i < 10; i++) await setImmediate();
}

type Behaviour = "never-answer" | "headers-only";

function dispatchers(env: Record<string, string>): Dispatcher {
  const made = new Dispatchers(10_000, env);
  cleanups.push(() => made.close());
  return made.for(server.url);
}

it.each<{ behaviour: Behaviour; cut: string }>([
  { behaviour: "never-answer", cut: "UND_ERR_HEADERS_TIMEOUT" },
  { behaviour: "headers-only", cut: "UND_ERR_BODY_TIMEOUT" },
])(
  "control: undici's defaults cut a request ($behaviour) after 300 s",
  async ({ behaviour, cut }) => {
    server = await startServer(behaviour);
    const agent = new Agent();
    cleanups.push(() => agent.destroy());
    const outcome = await send(agent, behaviour);
    await advance(BEYOND_UNDICI_DEFAULT_MS);
    expect(outcome()).toBe(cut);
  },
);

it.each<{ name: string; behaviour: Behaviour; viaProxy: boolean }>([
  { name: "direct, no headers", behaviour: "never-answer", viaProxy: false },
  { name: "direct, headers but no body", behaviour: "headers-only", viaProxy: false },
  { name: "through a proxy, no headers", behaviour: "never-answer", viaProxy: true },
  { name: "through a proxy, headers but no body", behaviour: "headers-only", viaProxy: true },
])("$name: the dispatchers impose no limit of their own", async ({ behaviour, viaProxy }) => {
  server = await startServer(behaviour);
  proxy = viaProxy ? await startProxy() : undefined;
  const env = proxy === undefined ? {} : { HTTP_PROXY: proxy.url };
  const outcome = await send(dispatchers(env), behaviour);
  await advance(BEYOND_LONGEST_TIMEOUT_MS);
  expect(outcome()).toBe(behaviour === "never-answer" ? "pending" : "headers");
  expect(proxy?.targets ?? []).toEqual(viaProxy ? [`127.0.0.1:${server.port}`] : []);
});
