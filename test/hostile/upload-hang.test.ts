import { writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { Agent } from "undici";
import { describe, expect, it } from "vitest";
import { scanDeviceList, type ScannedList } from "../../src/target/list-file/scan.js";
import { uploadDeviceList } from "../../src/target/list-file/upload.js";
import { TransportError } from "../../src/run/errors.js";
import { writeList } from "../device-list/files.js";
import {
  startApiStandIn,
  startUploadTarget,
  type TargetBehaviour,
  type UploadTarget,
  rolloutFleet,
  socketPathFor,
} from "../support/hostile/upload-stand-ins.js";
import { standInSuite } from "../support/hostile/stand-in-suite.js";

// "Never a hang": request-timeout bounds a stall while sending, and the whole answer (headers
// and body) once the last byte went out, however slowly the store drips it.

const TIMEOUT_MS = 1_000;
// Ceilings are timed at the target (when the last byte came, or it stopped reading, to when the
// client closed the connection or failed), so the test's own scanning and connecting are no part
// of them. The slack is for a late timer on a busy machine; a bound that did not hold would keep
// the connection for the whole 60 s trickle, or undici's 300 s. Floors are timed from the call:
// a busy machine can only lengthen that, while the target's own view lags by its event loop.
const SLACK_MS = 5_000;

const { dispatcher, standIns, path } = standInSuite();

async function list(name: string, count: number): Promise<ScannedList> {
  const names = Array.from({ length: count }, (_, i) => `cam-${String(i).padStart(8, "0")}`);
  return scanDeviceList(await writeList(path(name), `${names.join("\n")}\n`));
}

/**
 * Uploads `scanned` to a target behaving so, over loopback TCP or the Unix socket `socketPath`;
 * returns the error, how long the call took to fail (`ms`) and when (`failedAt`), and the target.
 */
async function failedUpload(
  scanned: ScannedList,
  behaviour: TargetBehaviour,
  { timeoutMs = TIMEOUT_MS, socketPath }: { timeoutMs?: number; socketPath?: string } = {},
) {
  const store = await startUploadTarget(behaviour, socketPath);
  standIns.push(store);
  const through = socketPath === undefined ? dispatcher : new Agent({ connect: { socketPath } });
  const started = Date.now();
  const error: unknown = await uploadDeviceList(scanned, `${store.url}/obj`, {
    dispatcher: through,
    timeoutMs,
  }).then(
    () => new Error("expected the upload to fail"),
    (thrown: unknown) => thrown,
  );
  const failedAt = Date.now();
  if (through !== dispatcher) await through.close();
  expect(error).toBeInstanceOf(TransportError);
  return { error: error as TransportError, ms: failedAt - started, failedAt, store };
}

/** Milliseconds from the last byte of PUT `index` reaching the target to the client giving up. */
async function afterLastByte(store: UploadTarget, index = 0): Promise<number> {
  const timing = await store.closed(index);
  return timing.closed - timing.ended!;
}

describe("an answer that trickles in", () => {
  it("is given up on request-timeout after the last byte: a 200 whose body drips", async () => {
    const { error, ms, store } = await failedUpload(await list("a.txt", 1000), {
      kind: "trickle",
      status: 200,
    });
    expect(store.received[0]?.complete).toBe(true);
    expect(error.message).toBe(
      "device-list upload failed: no complete answer within 1 s (request-timeout)",
    );
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
    expect(await afterLastByte(store)).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });

  it("is given up on likewise when the status line and headers drip", async () => {
    const { error, store } = await failedUpload(await list("a.txt", 1000), {
      kind: "trickle",
      status: 200,
      head: true,
    });
    expect(error.message).toBe(
      "device-list upload failed: no complete answer within 1 s (request-timeout)",
    );
    expect(await afterLastByte(store)).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });

  it("shows what came of an error answer that drips, within the same bound", async () => {
    const { error, store } = await failedUpload(await list("a.txt", 1000), {
      kind: "trickle",
      status: 403,
    });
    expect(error.status).toBe(403);
    // One byte a second: what came within request-timeout is all there is to show.
    expect(error.message).toMatch(/^device-list upload failed: HTTP 403: <E?$/);
    expect(await afterLastByte(store)).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });
});

describe("an answer that does not end", () => {
  it("is cut off past 4 MiB, as any answer is", async () => {
    // request-timeout is no part of this: set past the test's own timeout, so however long a
    // busy machine takes to read 4 MiB, only the size can end the upload.
    const { error, store } = await failedUpload(
      await list("a.txt", 10),
      { kind: "answer", body: "x".repeat(5 * 1024 * 1024) },
      { timeoutMs: 60_000 },
    );
    expect(store.received[0]?.complete).toBe(true);
    expect(error.message).toBe("device-list upload failed: the answer was longer than 4 MiB");
  });
});

describe("a store that stops reading", () => {
  it("fails the upload about request-timeout after it stopped taking bytes", async () => {
    // Over a Unix socket, which holds ~200 KB: loopback TCP's buffers are autotuned (receive up
    // to 32 MB here), so how much a stalled store takes in there is the kernel's call. 1.3 MB is
    // far more, and the sender really stalls.
    const { error, ms, failedAt, store } = await failedUpload(
      await list("big.txt", 100_000),
      { kind: "stall", afterBytes: 64 * 1024 },
      { socketPath: socketPathFor("stall") },
    );
    expect(error.message).toBe("device-list upload failed: no progress for 1 s (request-timeout)");
    expect(store.received[0]?.complete).toBe(false);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
    // From when the target stopped reading to the error (a paused target cannot see the close).
    expect(failedAt - store.timings[0]!.stalled!).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });
});

describe("a connection that is slow to open", () => {
  it("counts against request-timeout, and then nothing was sent", async () => {
    // undici learns of the signal only once connected: the connector (its own timeout, 10 s in
    // the action) bounds the wait, and the watch's error says what request-timeout saw.
    const late = new Agent({
      connect: (options, callback) => {
        setTimeout(() => {
          const socket = connect(Number(options.port), options.hostname);
          socket.once("connect", () => callback(null, socket));
          socket.once("error", (error) => callback(error, null));
        }, 2 * TIMEOUT_MS);
      },
    });
    const store = await startUploadTarget({ kind: "answer" });
    standIns.push(store);
    try {
      const error: unknown = await uploadDeviceList(await list("a.txt", 10), `${store.url}/obj`, {
        dispatcher: late,
        timeoutMs: TIMEOUT_MS,
      }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({
        delivery: "no",
        message: "device-list upload failed: no connection within 1 s (request-timeout)",
      });
      expect(store.received).toEqual([]);
    } finally {
      await late.close();
    }
  });
});

describe("the dispatcher's own limits", () => {
  it("do not cut an upload whose request-timeout is longer than they are", async () => {
    // undici's 300 s defaults scaled down a thousand times, against a longer request-timeout
    // (upload-long-timeouts.test.ts has the full-size case on a faked clock).
    const short = new Agent({ headersTimeout: 300, bodyTimeout: 300 });
    const store = await startUploadTarget({
      kind: "answer",
      delayMs: 700,
      bodyDelayMs: 700,
      body: "ok",
    });
    standIns.push(store);
    const scanned = await list("a.txt", 1000);
    try {
      const md5 = await uploadDeviceList(scanned, `${store.url}/obj`, {
        dispatcher: short,
        timeoutMs: 3 * TIMEOUT_MS,
      });
      expect(store.received).toEqual([{ bytes: scanned.size, md5, complete: true }]);
    } finally {
      await short.close();
    }
  });
});

describe("through the bundled action", () => {
  it("fails within its bounds, creating no task, when the store's answer drips", async () => {
    const store = await startUploadTarget({ kind: "trickle", status: 200 });
    const api = await startApiStandIn(`${store.url}/obj?sign=x`);
    standIns.push(store, api);
    await writeFile(path("fleet.txt"), "cam-1\ncam-2\n");
    const run = await rolloutFleet(path(""), api.url, {
      "request-timeout": "1",
      "max-attempts": "2",
    });
    // Two attempts, each given up on request-timeout after its last byte, against a 60 s trickle.
    for (const attempt of [0, 1]) {
      expect(await afterLastByte(store, attempt)).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    }
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain("no complete answer within 1 s (request-timeout)");
    expect(store.received).toHaveLength(2);
    expect(api.actions).not.toContain("BatchUpdateFirmware");
  });
});
