import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import { ActionError, snippet, TransportError } from "../../run/errors.js";
import { forLog } from "../../report/outside-text.js";
import { REQUESTS, sizeInWords } from "../../http/bounds.js";
import { transportError } from "../../http/transport-error.js";
import type { ScannedList } from "./scan.js";
import { pieceBytes, uploadBody, UploadWatch, watched } from "./upload-body.js";

/** How upload failures are named in messages. */
export const UPLOAD_STEP = "device-list upload";

/**
 * ASSUMPTION (Tencent documents neither): the pre-signed URL signs the host only, so headers are
 * ours to choose, and the file is plain UTF-8 text. We say so, for whoever reads the object.
 */
const CONTENT_TYPE = "text/plain; charset=utf-8";
/**
 * ASSUMPTION: an ETag of 32 hex digits (quoted or not) is the MD5 of the object, as COS and S3
 * send for a single PUT. Others (a multipart "…-3", a weak W/"…") are not compared.
 */
const MD5_ETAG = /^"?([0-9a-fA-F]{32})"?$/;
const MAX_ERROR_BODY = 4096;
const MAX_CODE = 80;
const MAX_MESSAGE = 300;
const MAX_LOCATION = 200;

export interface UploadOptions {
  dispatcher: Dispatcher;
  /**
   * Longest wait without progress while sending (for the connection to take the next piece, of
   * pieceBytes()), then for the whole answer, headers and body, once the last piece was taken
   * (while the OS sends what it still buffers). Not a limit on the whole upload, which for
   * 150 MiB over a slow link can rightly take minutes: at the default 30 s, anything faster than
   * about 9 KB/s gets there.
   */
  timeoutMs: number;
}

/**
 * PUTs the scanned list's bytes to a pre-signed URL, streaming them from the file. Throws
 * TransportError for network failures, error answers (status and the store's Code/Message), a
 * 2xx that came before the last byte was sent, or an MD5 ETag that is not the MD5 of what was
 * sent; ListChangedError when the file changed since the scan. Returns the hex MD5 of the bytes sent.
 */
export async function uploadDeviceList(
  list: ScannedList,
  url: string,
  options: UploadOptions,
): Promise<string> {
  const md5 = createHash("md5");
  const watch = new UploadWatch(UPLOAD_STEP, options.timeoutMs);
  const body = watched(uploadBody(list, md5, pieceBytes(options.timeoutMs)), watch);
  let response: Dispatcher.ResponseData | undefined;
  try {
    response = await send(url, list.size, body, watch, options);
    const { statusCode } = response;
    if (statusCode < 200 || statusCode > 299) throw await refusal(response);
    if (watch.takenAtAnswer !== undefined) {
      const taken = `${watch.takenAtAnswer} of ${list.size} bytes`;
      const detail = `HTTP ${statusCode} came when only ${taken} had been sent, so the store cannot have read the whole list`;
      throw new TransportError(UPLOAD_STEP, "no", detail, statusCode);
    }
    const sent = md5.digest("hex");
    checkEtag(response.headers["etag"], sent, statusCode);
    await readToEnd(response.body, options.timeoutMs);
    return sent;
  } finally {
    watch.stop();
    response?.body.on("error", () => undefined).destroy();
    // Closes the file when undici stopped pulling early (an answer, an abort).
    await body.return(undefined).catch(() => undefined);
  }
}

/**
 * Starts the PUT; resolves when the answer's headers arrive. The callback form tells the watch
 * at that very moment, so a body that finishes a few microtasks later cannot pass for sent.
 */
function send(
  url: string,
  size: number,
  body: AsyncIterable<Buffer>,
  watch: UploadWatch,
  options: UploadOptions,
): Promise<Dispatcher.ResponseData> {
  const { origin, pathname, search } = new URL(url);
  return new Promise((resolve, reject) => {
    options.dispatcher.request(
      {
        origin,
        path: `${pathname}${search}`,
        method: "PUT",
        headers: { "content-type": CONTENT_TYPE, "content-length": String(size) },
        // An async iterable, not a stream: upload-body.ts relies on how undici writes those.
        body: body as unknown as Readable,
        // The watch keeps time. undici's headers timer runs only while a write waits to drain
        // (a 1 MiB write at 64 KB/s looked stalled), and both its timers would otherwise take the
        // dispatcher's defaults (300 s) and cut a request-timeout of up to 600 s.
        headersTimeout: 0,
        bodyTimeout: 0,
        signal: watch.signal,
      },
      (error, response) => {
        if (error !== null) return reject(failure(error, options.timeoutMs));
        watch.answered();
        resolve(response);
      },
    );
  });
}

function failure(error: unknown, timeoutMs: number): ActionError {
  // The watch's own error, ListChangedError, or a DeviceListError from reading the file again.
  if (error instanceof ActionError) return error;
  return transportError(UPLOAD_STEP, error, timeoutMs);
}

/** An error answer as a TransportError: its status and the store's Code/Message, or a redirect's Location. */
async function refusal(response: Dispatcher.ResponseData): Promise<TransportError> {
  const { statusCode, headers } = response;
  if (statusCode >= 300 && statusCode <= 399) {
    // Never followed: the URL is the one CreateTaskFileUrl signed, and nothing else is.
    const location = [headers["location"] ?? []].flat()[0];
    const where = location === undefined ? "no Location" : forLog(location, MAX_LOCATION);
    const detail = `HTTP ${statusCode} redirect to ${where}; redirects are not followed`;
    return new TransportError(UPLOAD_STEP, "no", detail, statusCode);
  }
  const text = await readSome(response.body);
  // An object store refuses (4xx) before storing anything; past a gateway's 5xx, who knows.
  const delivery = statusCode < 500 ? "no" : "unknown";
  return new TransportError(
    UPLOAD_STEP,
    delivery,
    `HTTP ${statusCode}: ${storeError(text)}`,
    statusCode,
  );
}

/**
 * Reads a success answer to its end, keeping nothing: only a whole answer counts. The watch
 * aborts one that does not come in time; one longer than an API answer may be is no store's.
 */
async function readToEnd(body: Dispatcher.ResponseData["body"], timeoutMs: number): Promise<void> {
  let length = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > REQUESTS.upload.maxAnswerBytes) {
        const detail = `the answer was longer than ${sizeInWords(REQUESTS.upload.maxAnswerBytes)}`;
        throw new TransportError(UPLOAD_STEP, "unknown", detail);
      }
    }
  } catch (error) {
    throw failure(error, timeoutMs);
  }
}

/** Refuses a 2xx whose ETag is an MD5 other than the one of the bytes sent. */
function checkEtag(etag: string | string[] | undefined, sent: string, status: number): void {
  for (const value of [etag ?? []].flat()) {
    const stored = MD5_ETAG.exec(value.trim())?.[1]?.toLowerCase();
    if (stored === undefined || stored === sent) continue;
    const detail = `the store's ETag ${forLog(value, MAX_CODE)} is not the MD5 of the bytes sent (${sent}), so it did not store them as sent`;
    throw new TransportError(UPLOAD_STEP, "no", detail, status);
  }
}

/** Up to MAX_ERROR_BODY bytes of an answer; what came before it broke off or ran out of time. */
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

/** `Code: Message` from an object store's XML error, else the start of the body; one line, redacted. */
export function storeError(text: string): string {
  const field = (name: string) =>
    new RegExp(`<${name}>([^<]{0,200})</${name}>`).exec(text)?.[1]?.trim();
  const code = field("Code");
  const message = field("Message");
  if (code === undefined) return snippet(text);
  const shown = forLog(code, MAX_CODE);
  return message ? `${shown}: ${forLog(message, MAX_MESSAGE)}` : shown;
}
