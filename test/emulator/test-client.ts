// Test-side helpers to call a running emulator: signed API calls with every knob a test needs
// to break a request on purpose, and plain PUT uploads that can stream.
import { request } from "node:http";
import type { Readable } from "node:stream";
import type { Emulator } from "./index.js";
import { authorizationFor } from "./test-signer.js";

/** Ways to bend one API call; the defaults make a valid request. */
export interface CallOptions {
  secretId?: string;
  secretKey?: string;
  token?: string;
  /** Unix seconds; default the real clock. */
  timestamp?: number;
  version?: string;
  service?: string;
  contentType?: string;
  /** Sent instead of JSON.stringify(params). */
  body?: string;
  signAction?: boolean;
  /** Extra or replaced headers, applied after signing; undefined removes a header. */
  headers?: Record<string, string | undefined>;
  signal?: AbortSignal;
}

/** What came back: the raw answer and, when it parsed, the envelope's Response. */
export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  response?: Record<string, unknown> & { Error?: { Code: string; Message: string } };
}

/** What a call needs of an emulator; a CLI-started one is described by its URL and the test keys. */
export type Target = Pick<Emulator, "url" | "credentials">;

function signedHeaders(emu: Target, action: string, body: string, o: CallOptions) {
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
  const contentType = o.contentType ?? "application/json";
  const authorization = authorizationFor({
    secretId: o.secretId ?? emu.credentials.secretId,
    secretKey: o.secretKey ?? emu.credentials.secretKey,
    service: o.service ?? "iotvideo",
    host: new URL(emu.url).host,
    contentType,
    body,
    timestamp,
    ...(o.signAction ? { action } : {}),
  });
  const headers: Record<string, string | undefined> = {
    Authorization: authorization,
    "Content-Type": contentType,
    "X-TC-Action": action,
    "X-TC-Version": o.version ?? "2020-12-15",
    "X-TC-Timestamp": String(timestamp),
    "X-TC-Token": o.token,
    ...o.headers,
  };
  return Object.fromEntries(
    Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined),
  );
}

/** One signed POST to the emulator. */
export async function callApi(
  emu: Target,
  action: string,
  params: unknown,
  options: CallOptions = {},
): Promise<CallResult> {
  const body = options.body ?? JSON.stringify(params);
  const res = await fetch(`${emu.url}/`, {
    method: "POST",
    headers: signedHeaders(emu, action, body, options),
    body,
    signal: options.signal ?? null,
  });
  const text = await res.text();
  let response: CallResult["response"];
  try {
    response = (JSON.parse(text) as { Response: CallResult["response"] }).Response;
  } catch {
    response = undefined;
  }
  return { status: res.status, headers: res.headers, text, ...(response ? { response } : {}) };
}

/** The error code of an answer, or undefined for a success. */
export function errorCode(result: CallResult): string | undefined {
  return result.response?.Error?.Code;
}

/** A PUT of `body` to a URL; streams when given a Readable. */
export function put(url: string, body: Buffer | string | Readable) {
  return new Promise<{ status: number; etag?: string; text: string }>((resolve, reject) => {
    const req = request(url, { method: "PUT" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const etag = res.headers.etag;
        resolve({ status: res.statusCode ?? 0, text, ...(etag ? { etag } : {}) });
      });
    });
    req.on("error", reject);
    if (typeof body === "string" || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}
