import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { request, type Dispatcher } from "undici";
import { ActionError, snippet, TransportError } from "../errors.js";
import { transportError } from "../tencent/http.js";
import type { ScannedList } from "./scan.js";
import { uploadBody } from "./upload-body.js";

/** How upload failures are named in messages. */
export const UPLOAD_STEP = "device-list upload";

/**
 * ASSUMPTION (Tencent documents neither): the pre-signed URL signs the host only, so headers are
 * ours to choose, and the file is plain UTF-8 text. We say so, for whoever reads the object.
 */
const CONTENT_TYPE = "text/plain; charset=utf-8";
const MAX_ERROR_BODY = 4096;

export interface UploadOptions {
  dispatcher: Dispatcher;
  /**
   * Longest wait without progress: for the connection to take the next piece (1 MiB), and after
   * the last one for the answer (while the OS sends what it still buffers). Not a limit on the
   * whole upload, which for 150 MiB over a slow link can rightly take minutes: at the default
   * 30 s, anything faster than 35 KB/s gets there.
   */
  timeoutMs: number;
}

/**
 * PUTs the scanned list's bytes to a pre-signed URL, streaming them from the file. Throws
 * TransportError for network failures and error answers (status and the store's Code/Message),
 * or ListChangedError when the file changed since the scan. Returns the hex MD5 of the bytes sent.
 */
export async function uploadDeviceList(
  list: ScannedList,
  url: string,
  options: UploadOptions,
): Promise<string> {
  const { dispatcher, timeoutMs } = options;
  const md5 = createHash("md5");
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      method: "PUT",
      dispatcher,
      headers: { "content-type": CONTENT_TYPE, "content-length": String(list.size) },
      // An async iterable, not a stream: upload-body.ts relies on how undici writes those.
      body: uploadBody(list, md5) as unknown as Readable,
      // undici's headers timer only fires on a socket that is waiting to drain or done sending,
      // and restarts with every write that must wait: it measures a stall, not the whole upload.
      // The body timer covers an answer that stops halfway.
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  } catch (error) {
    throw failure(error, timeoutMs);
  }
  if (response.statusCode >= 200 && response.statusCode <= 299) {
    await response.body.dump();
    return md5.digest("hex");
  }
  const text = await readSome(response.body);
  // An object store refuses (4xx) before storing anything; past a gateway's 5xx, who knows.
  const delivery = response.statusCode < 500 ? "no" : "unknown";
  throw new TransportError(
    UPLOAD_STEP,
    delivery,
    `HTTP ${response.statusCode}: ${storeError(text)}`,
    response.statusCode,
  );
}

const INACTIVITY_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

function failure(error: unknown, timeoutMs: number): ActionError {
  // ListChangedError, or a DeviceListError from reading the file again.
  if (error instanceof ActionError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && INACTIVITY_CODES.has(code)) {
    const detail = `no progress for ${timeoutMs / 1000} s (request-timeout)`;
    return new TransportError(UPLOAD_STEP, "unknown", detail);
  }
  return transportError(UPLOAD_STEP, error, timeoutMs);
}

async function readSome(body: Dispatcher.ResponseData["body"]): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= MAX_ERROR_BODY) break;
    }
  } catch {
    // What arrived before the answer broke off is all there is to show.
  }
  return Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY).toString("utf8");
}

/** `Code: Message` from an object store's XML error, else the start of the body. */
export function storeError(text: string): string {
  const field = (name: string) =>
    new RegExp(`<${name}>([^<]{0,200})</${name}>`).exec(text)?.[1]?.trim();
  const code = field("Code");
  const message = field("Message");
  if (code !== undefined) return message ? `${code}: ${message}` : code;
  return snippet(text);
}
