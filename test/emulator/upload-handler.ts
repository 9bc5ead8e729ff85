// PUT /upload/<FileName>?expires=…&sign=… : the object-storage side of CreateTaskFileUrl.
// Bodies may be ~150 MiB, so they are hashed and counted as they stream, never held whole.
import { createHash, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { KEEP_NAMES_MAX_BYTES, KEEP_NAMES_MAX_LINES } from "./assumptions.js";
import { countNewlines, drain } from "./body.js";
import { errorPage, type Exchange } from "./exchange.js";
import { processes, UPLOAD_TARGET } from "./faults.js";
import type { ServerContext } from "./server-context.js";
import type { Fault, UploadRecord } from "./types.js";

/** How much of the body a "drop" fault reads before cutting the connection. */
const DROP_AFTER_BYTES = 64 * 1024;

interface Refusal {
  status: number;
  code: string;
  message: string;
}

interface Received {
  upload: UploadRecord;
  names: string[] | undefined;
}

function sendXmlError(ex: Exchange, refusal: Refusal): void {
  ex.record.errorCode = refusal.code;
  ex.record.message = refusal.message;
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    "<Error>",
    `  <Code>${refusal.code}</Code>`,
    `  <Message>${refusal.message}</Message>`,
    `  <RequestId>${randomUUID()}</RequestId>`,
    "</Error>",
  ].join("\n");
  ex.send(refusal.status, "application/xml", xml);
}

function refusalOf(fileName: string, query: URLSearchParams, ctx: ServerContext, fault?: Fault) {
  const expires = ctx.state.slots.has(fileName) ? ctx.presigner.check(fileName, query) : undefined;
  if (expires === undefined) {
    const message =
      "The request signature we calculated does not match the signature you provided.";
    return { status: 403, code: "SignatureDoesNotMatch", message };
  }
  if (fault?.type === "expired" || ctx.clock.nowSeconds() > expires) {
    return { status: 403, code: "AccessDenied", message: "Request has expired" };
  }
  if (fault?.type === "rate-limit") {
    return {
      status: 503,
      code: fault.code ?? "SlowDown",
      message: "Please reduce your request rate.",
    };
  }
  if (fault?.type === "error" && !processes(fault)) {
    return { status: 500, code: fault.code, message: fault.message ?? fault.code };
  }
  return undefined;
}

function namesOf(kept: Buffer[] | undefined, lineCount: number): string[] | undefined {
  if (!kept || lineCount > KEEP_NAMES_MAX_LINES) return undefined;
  return Buffer.concat(kept)
    .toString("utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

async function receive(req: IncomingMessage, fileName: string, hash: boolean): Promise<Received> {
  if (!hash) {
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) size += chunk.length;
    return { upload: { fileName, md5: "", size }, names: undefined };
  }
  const md5 = createHash("md5");
  let size = 0;
  let newlines = 0;
  let lastByte: number | undefined;
  let kept: Buffer[] | undefined = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    md5.update(chunk);
    size += chunk.length;
    lastByte = chunk.at(-1) ?? lastByte;
    // Lines are counted (and names kept) for small files only: counting 8M lines would make
    // the emulator, not the action, the slow end of the benchmark's uploads.
    if (kept && size <= KEEP_NAMES_MAX_BYTES) {
      kept.push(chunk);
      newlines += countNewlines(chunk);
    } else kept = undefined;
  }
  const lineCount = kept
    ? newlines + (lastByte !== undefined && lastByte !== 10 ? 1 : 0)
    : undefined;
  const upload = {
    fileName,
    md5: md5.digest("hex"),
    size,
    ...(lineCount === undefined ? {} : { lineCount }),
  };
  return { upload, names: lineCount === undefined ? undefined : namesOf(kept, lineCount) };
}

async function dropPartway(ex: Exchange): Promise<void> {
  let seen = 0;
  try {
    for await (const chunk of ex.req as AsyncIterable<Buffer>) {
      seen += chunk.length;
      if (seen >= DROP_AFTER_BYTES) break;
    }
  } finally {
    ex.cut();
  }
}

async function store(ex: Exchange, fileName: string, ctx: ServerContext): Promise<UploadRecord> {
  const { upload, names } = await receive(ex.req, fileName, ctx.hashUploads);
  ctx.state.uploads.set(fileName, upload);
  if (names) ctx.state.fileDeviceNames.set(fileName, names);
  else ctx.state.fileDeviceNames.delete(fileName);
  return upload;
}

async function finish(ex: Exchange, upload: UploadRecord, ctx: ServerContext, fault?: Fault) {
  if (fault?.type === "lost-after-process") return ex.cut();
  if (fault?.type === "error") {
    return sendXmlError(ex, {
      status: 500,
      code: fault.code,
      message: fault.message ?? fault.code,
    });
  }
  if (fault?.type === "status") {
    return ex.send(fault.status, "text/html", fault.body ?? errorPage(fault.status));
  }
  if (fault?.type === "slow" && processes(fault)) await ctx.sleep(fault.delayMs);
  ex.send(200, "text/plain", "", upload.md5 === "" ? {} : { ETag: `"${upload.md5}"` });
}

/** Handles one upload: check the pre-signed query, stream-hash the body, store, answer. */
export async function handleUpload(ex: Exchange, ctx: ServerContext, fileName: string) {
  ex.record.kind = "upload";
  const fault = ctx.faults.take(UPLOAD_TARGET);
  if (fault) ex.record.fault = fault.type;
  if (fault?.type === "reset-before") return ex.cut();
  if (fault?.type === "drop") return dropPartway(ex);
  const query = new URL(ex.req.url ?? "/", "http://emulator.invalid").searchParams;
  const refusal = refusalOf(fileName, query, ctx, fault);
  if (refusal || (fault?.type === "status" && !processes(fault))) {
    await drain(ex.req);
    if (refusal) return sendXmlError(ex, refusal);
    if (fault?.type === "status") {
      return ex.send(fault.status, "text/html", fault.body ?? errorPage(fault.status));
    }
  }
  if (fault?.type === "slow" && !processes(fault)) await ctx.sleep(fault.delayMs);
  if (ex.gone) return;
  try {
    const upload = await store(ex, fileName, ctx);
    await finish(ex, upload, ctx, fault);
  } catch (error) {
    if (!ex.req.errored && !ex.gone) throw error;
    // The client broke off mid-body: nothing is stored.
    ex.cut();
  }
}
