import { createHash } from "node:crypto";
import { readFile, utimes, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TransportError } from "../../src/run/errors.js";
import { scanDeviceList, type ScannedList } from "../../src/target/list-file/scan.js";
import { ListChangedError, pieceBytes } from "../../src/target/list-file/upload-body.js";
import { uploadDeviceList } from "../../src/target/list-file/upload.js";
import { socketPathFor } from "../support/hostile/upload-stand-ins.js";
import { md5Of, normalizedText, tempDir, writeList } from "./files.js";

/** One PUT as the stand-in object store saw it. */
interface Received {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  size: number;
  md5: string;
  complete: boolean;
  /** Date.now() when the request came, and when its last byte did. */
  arrived: number;
  ended?: number;
}

const EXPIRED_XML = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  "<Error>",
  "  <Code>AccessDenied</Code>",
  "  <Message>Request has expired</Message>",
  "  <RequestId>NjQ1ZTQ5YzFfNjA</RequestId>",
  "</Error>",
].join("\n");

// A tiny object store: hashes what it receives; the path says how to misbehave.
function objectStore(received: Received[]): Server {
  return createServer((req, res) => {
    const path = req.url ?? "/";
    const record: Received = {
      path,
      method: req.method ?? "",
      headers: req.headers,
      size: 0,
      md5: "",
      complete: false,
      arrived: Date.now(),
    };
    received.push(record);
    if (path === "/silent") return;
    const hash = createHash("md5");
    let pauses = 0;
    req.on("data", (chunk: Buffer) => {
      hash.update(chunk);
      record.size += chunk.length;
      if (path === "/cut" && record.size >= 64 * 1024) req.socket.destroy();
      // A slow reader: the sender meets backpressure and must not touch bytes still queued.
      if (path === "/slow" && ++pauses % 5 === 0) {
        req.pause();
        setTimeout(() => req.resume(), 2);
      }
      // Steady, 4 MB/s for 1.2 s: an upload longer than the 1 s timeout that never stalls. Then
      // as fast as it comes: the several MB that loopback's socket buffers hold after the last
      // byte left the client are not paced, so the answer does not wait on a busy machine's
      // late timers (paced to the end, it came after the client's timeout on a loaded runner).
      if (path === "/steady" && Date.now() - record.arrived < 1_200) {
        req.pause();
        setTimeout(() => req.resume(), chunk.length / 4_000);
      }
      if (path === "/stall" && record.size >= 64 * 1024) req.pause();
    });
    req.on("end", () => {
      record.ended = Date.now();
      record.complete = true;
      record.md5 = hash.digest("hex");
      if (path === "/expired") res.writeHead(403, { "content-type": "application/xml" });
      else if (path === "/broken") res.writeHead(500, { "content-type": "text/html" });
      else res.writeHead(200, { etag: `"${record.md5}"` });
      res.end(path === "/expired" ? EXPIRED_XML : path === "/broken" ? "<h1>Oops</h1>" : "");
    });
  });
}

let dir: Awaited<ReturnType<typeof tempDir>>;
let server: Server;
let base: string;
const received: Received[] = [];
const dispatcher = new Agent({ connectTimeout: 5_000 });
const options = { dispatcher, timeoutMs: 10_000 };
// The same store on a Unix socket, whose buffers hold ~200 KB: loopback TCP's are autotuned
// (receive up to 32 MB here), so how much a stalled store takes in there is the kernel's call.
const socketPath = socketPathFor("device-list");
const unixServer = objectStore(received);
const unixDispatcher = new Agent({ connect: { socketPath } });

beforeAll(async () => {
  dir = await tempDir();
  server = objectStore(received);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => unixServer.listen(socketPath, resolve));
});
afterEach(() => void received.splice(0));
afterAll(async () => {
  for (const each of [server, unixServer]) {
    each.closeAllConnections();
    await new Promise((resolve) => each.close(resolve));
  }
  await dispatcher.close();
  await unixDispatcher.close();
  await dir.remove();
});

/** A list of `count` names, written with `end` after each, and its scan. */
async function list(name: string, count: number, end = "\n"): Promise<ScannedList> {
  const names = Array.from({ length: count }, (_, i) => `cam-${String(i).padStart(8, "0")}`);
  return scanDeviceList(await writeList(dir.path(name), names.join(end) + end));
}

async function uploadError(list: ScannedList, path: string, timeoutMs = 10_000): Promise<Error> {
  const outcome = await uploadDeviceList(list, `${base}${path}`, { dispatcher, timeoutMs }).then(
    (md5) => ({ failed: false as const, md5 }),
    (thrown: unknown) => ({ failed: true as const, thrown }),
  );
  expect(outcome.failed).toBe(true);
  if (!outcome.failed) throw new Error("unreachable");
  expect(outcome.thrown).toBeInstanceOf(Error);
  return outcome.thrown as Error;
}

describe("uploadDeviceList", () => {
  it("PUTs the file's own bytes when it needs no normalizing", async () => {
    const scanned = await list("clean.txt", 1000);
    const md5 = await uploadDeviceList(scanned, `${base}/ok?sign=abc`, options);
    expect(md5).toBe(md5Of(await readFile(scanned.path)));
    expect(received).toMatchObject([
      { path: "/ok?sign=abc", method: "PUT", size: scanned.size, md5 },
    ]);
    expect(received[0]?.headers).toMatchObject({
      "content-length": String(scanned.size),
      "content-type": "text/plain; charset=utf-8",
    });
  });

  it("PUTs exactly the normalized bytes of a messy multi-chunk file", async () => {
    const text = `\uFEFF${"  dev-1 \r\n\n".repeat(3)}${Array.from({ length: 150_000 }, (_, i) => `n${i}\r\n`).join("")}last`;
    const scanned = await scanDeviceList(await writeList(dir.path("messy.txt"), text));
    const expected = normalizedText(text.slice(1));
    expect(scanned).toMatchObject({ normalized: true, size: Buffer.byteLength(expected) });
    expect(await uploadDeviceList(scanned, `${base}/ok`, options)).toBe(md5Of(expected));
    expect(received).toMatchObject([{ size: Buffer.byteLength(expected), md5: md5Of(expected) }]);
  });

  it.each([
    { name: "as they are", end: "\n" },
    { name: "normalized", end: "\r\n" },
  ])("sends the right bytes to a slow reader, $name", async ({ end }) => {
    const scanned = await list("slow.txt", 400_000, end);
    await uploadDeviceList(scanned, `${base}/slow`, options);
    const expected = md5Of(normalizedText(await readFile(scanned.path, "utf8")));
    expect(received).toMatchObject([{ size: scanned.size, md5: expected, complete: true }]);
  });

  it("reports a 403 with the store's Code and Message; nothing was stored", async () => {
    const error = await uploadError(await list("a.txt", 10), "/expired");
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ status: 403, delivery: "no" });
    expect(error.message).toBe(
      "device-list upload failed: HTTP 403: AccessDenied: Request has expired",
    );
  });

  it("reports a 5xx with the start of its body; the store may have acted", async () => {
    const error = await uploadError(await list("a.txt", 10), "/broken");
    expect(error).toMatchObject({ status: 500, delivery: "unknown" });
    expect(error.message).toContain("HTTP 500: <h1>Oops</h1>");
  });

  it("reports a connection cut mid-body as a transport failure of unknown outcome", async () => {
    const error = await uploadError(await list("big.txt", 200_000), "/cut");
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ delivery: "unknown" });
    expect(received[0]?.complete).toBe(false);
  });

  it("reports a refused connection as never delivered", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const scanned = await list("a.txt", 10);
    const error: unknown = await uploadDeviceList(
      scanned,
      `http://127.0.0.1:${port}/`,
      options,
    ).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ delivery: "no" });
  });

  it("lets an upload take longer than request-timeout while it makes progress", async () => {
    const scanned = await list("steady.txt", 1_000_000);
    await uploadDeviceList(scanned, `${base}/steady`, { dispatcher, timeoutMs: 1000 });
    // Longer than request-timeout as the store took it in, or this would prove nothing.
    expect(received[0]!.ended! - received[0]!.arrived).toBeGreaterThan(1000);
    expect(received).toMatchObject([
      { size: scanned.size, md5: md5Of(await readFile(scanned.path)) },
    ]);
  });

  it("gives up when the store stops reading, after request-timeout without progress", async () => {
    // 1.3 MB, far more than the Unix socket holds: the sender really stalls.
    const scanned = await list("stall.txt", 100_000);
    const error: unknown = await uploadDeviceList(scanned, "http://127.0.0.1/stall", {
      dispatcher: unixDispatcher,
      timeoutMs: 300,
    }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({
      message: "device-list upload failed: no progress for 0.3 s (request-timeout)",
    });
    expect(received[0]?.complete).toBe(false);
  });

  it("gives up when the store stops answering, request-timeout after the last byte", async () => {
    const error = await uploadError(await list("a.txt", 10), "/silent", 300);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toBe(
      "device-list upload failed: no complete answer within 0.3 s (request-timeout)",
    );
  });
});

describe("uploadDeviceList when the file changed after the scan", () => {
  it("stops when the file grew", async () => {
    const scanned = await list("grown.txt", 300_000);
    await writeFile(scanned.path, "extra-device\n", { flag: "a" });
    const error = await uploadError(scanned, "/ok");
    expect(error).toBeInstanceOf(ListChangedError);
    expect(error.message).toContain(`more than ${scanned.size} bytes`);
    expect(received.every((upload) => !upload.complete)).toBe(true);
  });

  it("stops before the last byte when the size is the same but the file was modified", async () => {
    const scanned = await list("edited.txt", 300_000);
    const text = await readFile(scanned.path, "utf8");
    await writeFile(scanned.path, text.replace("cam-00000007", "cam-00000008"));
    // File times tick at the kernel's clock granularity; make the edit's mtime certainly new.
    const later = new Date(scanned.version.mtimeMs + 2000);
    await utimes(scanned.path, later, later);
    const error = await uploadError(scanned, "/ok");
    expect(error).toBeInstanceOf(ListChangedError);
    expect(error.message).toContain("it was modified");
    expect(received.every((upload) => !upload.complete && upload.size < scanned.size)).toBe(true);
  });

  it("stops when a normalized file now has a bad line", async () => {
    const scanned = await list("crlf.txt", 1000, "\r\n");
    await writeFile(scanned.path, "bad name\r\n", { flag: "a" });
    const error = await uploadError(scanned, "/ok");
    expect(error).toBeInstanceOf(ListChangedError);
    expect(error.message).toContain("line 1001");
  });
});

describe("pieceBytes", () => {
  // A link of 64 KB/s sends a piece within a quarter of request-timeout, or the piece is 64 KiB.
  it.each([
    { timeoutS: 1, expected: 64 * 1024 },
    { timeoutS: 8, expected: 64 * 1024 },
    { timeoutS: 10, expected: 128 * 1024 },
    { timeoutS: 30, expected: 256 * 1024 },
    { timeoutS: 60, expected: 512 * 1024 },
    { timeoutS: 66, expected: 1024 * 1024 },
    { timeoutS: 600, expected: 1024 * 1024 },
  ])("is $expected bytes for request-timeout $timeoutS s", ({ timeoutS, expected }) => {
    const piece = pieceBytes(timeoutS * 1000);
    expect(piece).toBe(expected);
    expect(piece === 64 * 1024 || piece / 64_000 <= timeoutS / 4).toBe(true);
  });
});
