import { request, type Dispatcher } from "undici";
import { ApiError, snippet, TransportError } from "../errors.js";
import { transportError } from "./http.js";
import { sign } from "./sign.js";

/** Where log lines go; main passes @actions/core. */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}

export interface ClientOptions {
  endpoint: URL;
  service: string;
  version: string;
  credentials: { secretId: string; secretKey: string; token?: string };
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

interface RawAnswer {
  status: number;
  text: string;
  date: string | undefined;
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
      `The runner's clock is ${Math.round(offset / 1000)} s off Tencent's (server Date: ${date}); signing again with the server's time.`,
    );
    return true;
  }

  private async send(action: string, body: string): Promise<RawAnswer> {
    const { endpoint, credentials, timeoutMs, logger } = this.options;
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
        headers: this.headers(action, timestamp, authorization),
        body,
      });
      const text = await response.body.text();
      logger.debug(`${action} answered HTTP ${response.statusCode} (${text.length} characters)`);
      const date = response.headers["date"];
      return { status: response.statusCode, text, date: Array.isArray(date) ? date[0] : date };
    } catch (error) {
      throw transportError(action, error, timeoutMs);
    }
  }

  private headers(
    action: string,
    timestamp: number,
    authorization: string,
  ): Record<string, string> {
    const { credentials, region, version } = this.options;
    return {
      "Content-Type": CONTENT_TYPE,
      "X-TC-Action": action,
      "X-TC-Version": version,
      "X-TC-Timestamp": String(timestamp),
      "X-TC-Language": "en-US",
      ...(region === undefined ? {} : { "X-TC-Region": region }),
      ...(credentials.token === undefined ? {} : { "X-TC-Token": credentials.token }),
      Authorization: authorization,
    };
  }
}

/** Reads Tencent's envelope: success, error, or an answer that is not the envelope at all. */
export function parseEnvelope(action: string, answer: RawAnswer): ApiResult {
  if (answer.status < 200 || answer.status > 299) {
    const delivery = answer.status === 429 ? "no" : "unknown";
    throw new TransportError(
      action,
      delivery,
      `HTTP ${answer.status}: ${snippet(answer.text)}`,
      answer.status,
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
      String(error["Code"] ?? "UnknownError"),
      String(error["Message"] ?? ""),
      requestId,
    );
  }
  return { data, requestId };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
