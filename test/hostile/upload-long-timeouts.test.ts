import { setTimeout as sleep } from "node:timers/promises";
import { Agent, request } from "undici";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { scanDeviceList } from "../../src/target/list-file/scan.js";
import { uploadDeviceList } from "../../src/target/list-file/upload.js";
import { tempDir, writeList } from "../device-list/files.js";
import { startUploadTarget, type UploadTarget } from "../support/hostile/upload-stand-ins.js";

// request-timeout goes up to 600 s; undici cuts a request at 300 s without headers or body data
// unless told otherwise. An upload through an Agent with undici's defaults must wait for its
// answer the whole 600 s, and no longer.
//
// The clock is faked, setTimeout alone: the upload's own timers run on it, and so do undici's
// "fast timers" (lib/util/timers.js advances their clock by 499 ms each time a global setTimeout
// fires). The control, a plain request through the same Agent, shows that the faked clock does
// reach undici's 300 s. undici keeps the timer that drives its fast timers for the life of the
// process, so the whole file shares one faked clock, installed before undici schedules anything.
beforeAll(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
});
afterAll(() => {
  vi.useRealTimers();
});

const REQUEST_TIMEOUT_MS = 600_000;
const UNDICI_DEFAULT_MS = 300_000;

let dir: Awaited<ReturnType<typeof tempDir>>;
let store: UploadTarget;
let agent: Agent;

beforeAll(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await store.close();
  await agent.close().catch(() => undefined);
});
afterAll(async () => {
  await dir.remove();
});

/** Moves the faked clock on, then lets the real I/O it set off (a socket closing) land. */
async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  for (let i = 0; i < 5; i++) await sleep(5);
}

/** Starts `send` and returns how it stands: "pending", "done", or the error's message. */
function watch(send: () => Promise<unknown>): () => string {
  let outcome = "pending";
  send().then(
    () => (outcome = "done"),
    (error: Error) => (outcome = error.message),
  );
  return () => outcome;
}

/** Waits (in real time, bounded) until the store has the whole body of request `n`. */
async function received(n: number): Promise<void> {
  for (let i = 0; i < 200 && store.received[n - 1]?.complete !== true; i++) await sleep(10);
  expect(store.received[n - 1]?.complete).toBe(true);
}

it("waits for the answer the whole request-timeout, past undici's 300 s defaults", async () => {
  // The answer never comes while the test runs: the store holds it for 25 real seconds.
  store = await startUploadTarget({ kind: "answer", delayMs: 25_000 });
  agent = new Agent();
  const control = watch(() =>
    request(`${store.url}/control`, { method: "PUT", body: "x", dispatcher: agent }),
  );
  await received(1);
  const scanned = await scanDeviceList(await writeList(dir.path("a.txt"), "cam-1\ncam-2\n"));
  const upload = watch(() =>
    uploadDeviceList(scanned, `${store.url}/obj`, {
      dispatcher: agent,
      timeoutMs: REQUEST_TIMEOUT_MS,
    }),
  );
  await received(2);

  await advance(UNDICI_DEFAULT_MS + 10_000);
  expect(control()).toBe("Headers Timeout Error");
  expect(upload()).toBe("pending");

  await advance(REQUEST_TIMEOUT_MS - UNDICI_DEFAULT_MS - 20_000);
  expect(upload()).toBe("pending");

  await advance(20_000);
  expect(upload()).toBe(
    "device-list upload failed: no complete answer within 600 s (request-timeout)",
  );
});

it("waits for the rest of the answer likewise, past undici's 300 s body default", async () => {
  store = await startUploadTarget({ kind: "answer", bodyDelayMs: 25_000, body: "done" });
  agent = new Agent();
  const scanned = await scanDeviceList(await writeList(dir.path("a.txt"), "cam-1\ncam-2\n"));
  const upload = watch(() =>
    uploadDeviceList(scanned, `${store.url}/obj`, {
      dispatcher: agent,
      timeoutMs: REQUEST_TIMEOUT_MS,
    }),
  );
  await received(1);
  await advance(UNDICI_DEFAULT_MS + 10_000);
  expect(upload()).toBe("pending");
  await advance(REQUEST_TIMEOUT_MS - UNDICI_DEFAULT_MS);
  expect(upload()).toBe(
    "device-list upload failed: no complete answer within 600 s (request-timeout)",
  );
});
