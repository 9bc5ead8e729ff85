import { request, type Dispatcher } from "undici";
import {
  currentCredentials,
  type CredentialSource,
  type Credentials,
} from "../credentials/keys.js";
import { ActionError, ApiError, sentence, snippet, TransportError } from "../run/errors.js";
import { REQUESTS, sizeInWords } from "../http/bounds.js";
import { forLog } from "../report/outside-text.js";
import { transportError } from "../http/transport-error.js";
import type { Logger } from "../run/logger.js";
import { sign } from "./sign.js";

export interface ClientOptions {
  endpoint: URL;
  service: string;
  version: string;
  /** Fixed keys, or a source asked before every request (temporary keys that it renews). */
  credentials: Credentials | CredentialSource;
  region?: string;
  timeoutMs: number;
  dispatcher: Dispatcher;
  logger: Logger;
  /** Milliseconds since the epoch; a seam for tests. */
  now?: () => number;
}

/** A successful answer: the Response object without its RequestId, and the RequestId. */
export interface ApiResult {
  data: Record<string, unknown>;
  requestId: string;
}

const CONTENT_TYPE = "application/json; charset=utf-8";
const MAX_SKEW_NOTE_MS = 1000;

/** What the client keeps of one HTTP answer. */
export interface RawAnswer {
  status: number;
  text: string;
  date?: string | undefined;
  location?: string | undefined;
  retryAfter?: string | undefined;
}

/** One Tencent Cloud API 3.0 endpoint, signing every request with TC3-HMAC-SHA256. */
export class TencentClient {
  private clockOffsetMs = 0;
  private readonly now: () => number;

  constructor(private readonly options: ClientOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The server's clock as best known: the local clock plus any skew learned from its answers. */
  serverNow(): number {
    return this.now() + this.clockOffsetMs;
  }

  /**
   * Sends one action and returns its Response, or throws ApiError / TransportError.
   * A SignatureExpire answer is retried once, signed with the server's clock.
   */
  async call(action: string, params: object): Promise<ApiResult> {
    const body = JSON.stringify(params);
    const answer = await this.send(action, body);
    try {
      return parseEnvelope(action, answer);
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== "AuthFailure.SignatureExpire") throw error;
      if (!this.adoptServerClock(answer.date)) throw error;
      return parseEnvelope(action, await this.send(action, body));
    }
  }

  private adoptServerClock(date: string | undefined): boolean {
    const server = date === undefined ? NaN : Date.parse(date);
    if (Number.isNaN(server)) return false;
    const offset = server - this.now();
    if (Math.abs(offset - this.clockOffsetMs) < MAX_SKEW_NOTE_MS) return false;
    this.clockOffsetMs = offset;
    this.options.logger.warning(
      `The runner's clock is ${Math.round(offset / 1000)} s off Tencent's (server Date: ${forLog(date ?? "", 40)}); signing again with the server's time.`,
    );
    return true;
  }

  private async send(action: string, body: string): Promise<RawAnswer> {
    const { endpoint, timeoutMs, logger } = this.options;
    const credentials = await currentCredentials(this.options.credentials);
    const timestamp = Math.floor(this.serverNow() / 1000);
    const signed = {
      "content-type": CONTENT_TYPE,
      host: endpoint.host,
      "x-tc-action": action.toLowerCase(),
    };
    const authorization = sign({
      ...credentials,
      service: this.options.service,
      headers: signed,
      payload: body,
      timestamp,
    });
    logger.debug(
      `POST ${endpoint.origin}/ ${action} (${Buffer.byteLength(body)} bytes, X-TC-Timestamp ${timestamp})`,
    );
    try {
      const response = await request(endpoint, {
        method: "POST",
        dispatcher: this.options.dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
        headers: this.headers(action, timestamp, authorization, credentials.token),
        body,
      });
      const answer = await readAnswer(action, response);
      logger.debug(`${action} answered HTTP ${answer.status} (${answer.text.length} characters)`);
      return answer;
    } catch (error) {
      if (error instanceof TransportError) throw error;
      throw transportError(action, error, timeoutMs);
    }
  }

  private headers(
    action: string,
    timestamp: number,
    authorization: string,
    token: string | undefined,
  ): Record<string, string> {
    const { region, version } = this.options;
    return {
      "Content-Type": CONTENT_TYPE,
      "X-TC-Action": action,
      "X-TC-Version": version,
      "X-TC-Timestamp": String(timestamp),
      "X-TC-Language": "en-US",
      ...(region === undefined ? {} : { "X-TC-Region": region }),
      ...(token === undefined ? {} : { "X-TC-Token": token }),
      Authorization: authorization,
    };
  }
}

/**
 * An HTTP answer as the client keeps it: its body read whole, but at most `maxBytes` of it (a
 * larger one is no answer of ours, and would not fit a string; the request's signal bounds the
 * time it takes), and the headers that matter.
 */
export async function readAnswer(
  action: string,
  response: Dispatcher.ResponseData,
  maxBytes: number = REQUESTS.iotVideo.maxAnswerBytes,
): Promise<RawAnswer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > maxBytes) {
      response.body.destroy();
      throw new AnswerTooLargeError(action, maxBytes);
    }
    chunks.push(chunk);
  }
  const header = (name: string) => {
    const value = response.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    status: response.statusCode,
    text: Buffer.concat(chunks).toString("utf8"),
    date: header("date"),
    location: header("location"),
    retryAfter: header("retry-after"),
  };
}

/**
 * An answer larger than its request's cap (src/http/bounds.ts). Whether the server acted is not
 * known; a caller for whom a flood is definite (the runner's token service) can tell it apart.
 */
export class AnswerTooLargeError extends TransportError {
  override name = "AnswerTooLargeError";
  constructor(action: string, maxBytes: number) {
    super(
      action,
      "unknown",
      `the answer is larger than ${sizeInWords(maxBytes)}; not read further`,
    );
  }
}

/** Reads Tencent's envelope: success, error, or an answer that is not the envelope at all. */
export function parseEnvelope(action: string, answer: RawAnswer): ApiResult {
  const { status } = answer;
  if (status >= 300 && status <= 399) {
    // Never followed: a signed call sent elsewhere is not the call we signed.
    const where = answer.location ? forLog(answer.location, 200) : "no Location";
    throw new TransportError(
      action,
      "no",
      `HTTP ${status} redirect to ${where}; redirects are not followed: check endpoint`,
      status,
    );
  }
  if (status < 200 || status > 299) {
    const retryAfterMs = retryAfter(answer.retryAfter, answer.date);
    throw new TransportError(
      action,
      status === 429 ? "no" : "unknown",
      `HTTP ${status}: ${snippet(answer.text)}`,
      retryAfterMs === undefined ? { status } : { status, retryAfterMs },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.text);
  } catch {
    throw new TransportError(
      action,
      "unknown",
      `the answer is not JSON: ${snippet(answer.text)}`,
      answer.status,
    );
  }
  const response = isObject(parsed) ? parsed["Response"] : undefined;
  if (!isObject(response)) {
    throw new TransportError(
      action,
      "unknown",
      `the answer has no Response object: ${snippet(answer.text)}`,
      answer.status,
    );
  }
  const { RequestId, Error: error, ...data } = response;
  const requestId = typeof RequestId === "string" ? RequestId : "";
  if (isObject(error)) {
    throw new ApiError(
      action,
      text(error["Code"]) || "UnknownError",
      text(error["Message"]),
      requestId,
    );
  }
  return { data, requestId };
}

/** Pure: Retry-After (seconds, or an HTTP date read against the answer's Date) in ms. */
export function retryAfter(
  value: string | undefined,
  date: string | undefined,
): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  const served = date === undefined ? NaN : Date.parse(date);
  return Math.max(0, at - (Number.isNaN(served) ? Date.now() : served));
}

/** A field that should be text, as text ("" when missing; JSON for anything else). */
function text(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * For a call's `.catch`: a CAM refusal (UnauthorizedOperation) becomes a message saying why the
 * action makes the call and which permission to add; anything else is thrown as it was.
 */
export function explainDenied(action: string, why: string) {
  return (error: unknown): never => {
    if (error instanceof ApiError && /UnauthorizedOperation/.test(error.code)) {
      throw new ActionError(
        `${sentence(error.message)} ${why}; allow iotvideo:${action} in the CAM policy.`,
      );
    }
    throw error;
  };
}
