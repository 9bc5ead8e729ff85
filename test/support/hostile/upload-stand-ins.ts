import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
// Not the globals: a test that fakes the clock must not make the stand-ins stop early or hang.
import { clearInterval, clearTimeout, setInterval, setTimeout } from "node:timers";
import { runAction, type ActionRun } from "../run-action.js";

/**
 * Misbehaving object stores and a signature-blind Tencent API, written apart from the project's
 * emulator (which shares the action's assumptions). Each stops by itself after LIFETIME_MS.
 */
const LIFETIME_MS = 30_000;
const EARLY_PAUSE_MS = 300;
/** A trickled answer sends at most this many bytes, one a second. */
const MAX_TRICKLE = 60;

/** What an upload target does with a PUT. */
export type TargetBehaviour =
  /** Sends `status` (an empty body) at once, reads nothing for EARLY_PAUSE_MS, then reads and drops the rest. */
  | { kind: "early"; status: number }
  /** Reads the body, then answers `status` with a body that never comes faster than a byte a second; `head`: the status line and headers too. */
  | { kind: "trickle"; status: number; head?: boolean }
  /** Reads at a steady `bytesPerSecond`, then answers 200 with the MD5 as ETag. */
  | { kind: "rate"; bytesPerSecond: number }
  /** Reads `afterBytes`, then stops reading for good. */
  | { kind: "stall"; afterBytes: number }
  /**
   * Reads the body, waits `delayMs`, sends `status` (200) with `etag` (default: the MD5, quoted)
   * and `location`, waits `bodyDelayMs`, sends `body`.
   */
  | {
      kind: "answer";
      status?: number;
      etag?: string;
      location?: string;
      body?: string;
      delayMs?: number;
      bodyDelayMs?: number;
    };

/** One PUT as the target saw it. */
export interface Received {
  bytes: number;
  md5: string;
  complete: boolean;
}

export interface StandIn {
  url: string;
  close(): Promise<void>;
}

/**
 * When things happened to one PUT, in Date.now() milliseconds, as the target saw them: a test
 * bounds what the client did by these, not by a stopwatch around it that a busy machine's
 * scheduling would stretch.
 */
export interface Timing {
  arrived: number;
  /** The target stopped reading (a "stall"). */
  stalled?: number;
  /** The last byte of the body came. */
  ended?: number;
  /** The client closed the connection. */
  closed?: number;
}

export interface UploadTarget extends StandIn {
  received: Received[];
  /** One per PUT, as `received`. */
  timings: Timing[];
  /** The timing of PUT `index` once its connection has closed. */
  closed(index: number): Promise<Timing & { closed: number }>;
}

/** An upload target on 127.0.0.1, or on the Unix socket `socketPath` (see test/hostile/upload-slow-link.test.ts). */
export async function startUploadTarget(
  behaviour: TargetBehaviour,
  socketPath?: string,
): Promise<UploadTarget> {
  const received: Received[] = [];
  const timings: Timing[] = [];
  const onClose = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };
  const server = createServer((req, res) => {
    const record: Received = { bytes: 0, md5: "", complete: false };
    received.push(record);
    const timing: Timing = { arrived: Date.now() };
    timings.push(timing);
    req.socket.once("close", () => {
      timing.closed = Date.now();
      for (const check of onClose) check();
    });
    const hash = createHash("md5");
    const stall = behaviour.kind === "stall" ? behaviour.afterBytes : Infinity;
    req.on("data", (chunk: Buffer) => {
      hash.update(chunk);
      record.bytes += chunk.length;
      if (record.bytes >= stall && timing.stalled === undefined) timing.stalled = Date.now();
      if (record.bytes >= stall) req.pause();
      if (behaviour.kind === "rate") {
        req.pause();
        later((chunk.length / behaviour.bytesPerSecond) * 1000, () => req.resume());
      }
    });
    req.on("end", () => {
      timing.ended = Date.now();
      record.complete = true;
      record.md5 = hash.digest("hex");
      if (behaviour.kind !== "early") answer(behaviour, record, req, res, later, timers);
    });
    if (behaviour.kind === "early") {
      // Reads nothing for a while, so a sender cannot finish meanwhile (given more than
      // loopback's socket buffers, ~4 MB), then drops the rest.
      req.pause();
      res.writeHead(behaviour.status, { "content-length": 0 }).end();
      later(EARLY_PAUSE_MS, () => req.resume());
    }
  });
  const standIn = await listen(server, socketPath, () => {
    for (const timer of timers) clearTimeout(timer);
  });
  const closed = (index: number) =>
    new Promise<Timing & { closed: number }>((resolve) => {
      const check = () => {
        const timing = timings[index];
        if (timing?.closed === undefined) return;
        onClose.delete(check);
        resolve({ ...timing, closed: timing.closed });
      };
      onClose.add(check);
      check();
    });
  return { ...standIn, received, timings, closed };
}

function answer(
  behaviour: Exclude<TargetBehaviour, { kind: "early" }>,
  record: Received,
  req: IncomingMessage,
  res: ServerResponse,
  later: (ms: number, run: () => void) => void,
  timers: Set<NodeJS.Timeout>,
): void {
  if (behaviour.kind === "trickle") {
    // The head goes out raw, past the server's own writing; a body through the response.
    if (behaviour.head) {
      const head = `HTTP/1.1 ${behaviour.status} OK\r\ncontent-length: ${MAX_TRICKLE}\r\n\r\n`;
      trickle(head, (byte) => req.socket.write(byte, "latin1"), req.socket, timers);
    } else {
      res.writeHead(behaviour.status, { "content-length": MAX_TRICKLE }).flushHeaders();
      const body = "<Error><Code>SlowDown</Code>".padEnd(MAX_TRICKLE, ".");
      trickle(body, (byte) => res.write(byte), req.socket, timers);
    }
    return;
  }
  if (behaviour.kind !== "answer") {
    res.writeHead(200, { etag: `"${record.md5}"` }).end();
    return;
  }
  later(behaviour.delayMs ?? 0, () => {
    const etag = behaviour.etag ?? `"${record.md5}"`;
    const location = behaviour.location === undefined ? {} : { location: behaviour.location };
    res.writeHead(behaviour.status ?? 200, { etag, ...location });
    res.flushHeaders();
    later(behaviour.bodyDelayMs ?? 0, () => res.end(behaviour.body ?? ""));
  });
}

/** Writes `text` a byte now and one a second after, while `socket` is open, for at most MAX_TRICKLE seconds. */
function trickle(
  text: string,
  write: (byte: string) => void,
  socket: Socket,
  timers: Set<NodeJS.Timeout>,
): void {
  let at = 0;
  const next = () => {
    if (socket.destroyed || at >= Math.min(text.length, MAX_TRICKLE)) {
      clearInterval(timer);
      timers.delete(timer);
      return;
    }
    write(text.slice(at, ++at));
  };
  const timer = setInterval(next, 1000);
  next();
  timers.add(timer);
}

/** Calls made to the API stand-in, by X-TC-Action. */
export interface ApiStandIn extends StandIn {
  actions: string[];
}

/**
 * A Tencent API that checks no signature: every answer is an HTTP 200 envelope. Every firmware
 * version is registered and has no tasks; CreateTaskFileUrl hands out `uploadUrl` and `fileName`;
 * BatchUpdateFirmware creates task 1; any other action is refused (UnsupportedOperation).
 */
export async function startApiStandIn(uploadUrl: string, fileName = "f1"): Promise<ApiStandIn> {
  const actions: string[] = [];
  const answers: Record<string, object> = {
    // Whatever version is asked for is registered, and has no tasks yet.
    DescribeFirmware: { Version: "", Md5sum: "", Name: "" },
    GetAllFirmwareVersion: { Version: [] },
    DescribeFirmwareTasks: { TaskInfos: [], Total: 0 },
    CreateTaskFileUrl: { Url: uploadUrl, FileName: fileName },
    BatchUpdateFirmware: { TaskId: 1 },
  };
  const server = createServer((req, res) => {
    const header = req.headers["x-tc-action"];
    const action = (Array.isArray(header) ? header[0] : header) ?? "";
    actions.push(action);
    req.resume().on("end", () => {
      const known = Object.entries(answers).find(
        ([name]) => name.toLowerCase() === action.toLowerCase(),
      );
      const data = known?.[1] ?? { Error: { Code: "UnsupportedOperation", Message: action } };
      const body = JSON.stringify({ Response: { ...data, RequestId: "r1" } });
      res.writeHead(200, { "content-type": "application/json" }).end(body);
    });
  });
  return { ...(await listen(server, undefined, () => undefined)), actions };
}

async function listen(
  server: Server,
  socketPath: string | undefined,
  onClose: () => void,
): Promise<StandIn> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket)).on("error", () => undefined);
  });
  const close = async () => {
    clearTimeout(lifetime);
    onClose();
    for (const socket of sockets) socket.destroy();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (socketPath !== undefined) await rm(socketPath, { force: true });
  };
  const lifetime = setTimeout(() => void close(), LIFETIME_MS);
  lifetime.unref();
  if (socketPath === undefined) {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close };
  }
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { url: "http://127.0.0.1", close };
}

/** A fresh path for a Unix socket in the temp directory. */
export function socketPathFor(name: string): string {
  return join(tmpdir(), `upload-${name}-${process.pid}-${Date.now()}.sock`);
}

/**
 * The bundled action rolling out `fleet.txt` of `cwd` (written there by the test) through a
 * signature-blind API stand-in at `endpoint`.
 */
export function rolloutFleet(
  cwd: string,
  endpoint: string,
  bounds: { "request-timeout": string; "max-attempts": string },
): Promise<ActionRun> {
  return runAction({
    cwd,
    inputs: {
      "product-id": "PRODUCT1",
      "firmware-version": "2.0.0",
      "secret-id": "AKIDtest",
      "secret-key": "keytest123456",
      endpoint,
      "device-list": "fleet.txt",
      ...bounds,
    },
  });
}
