import { forLog, userValue } from "../report/outside-text.js";

/** Base of every failure this action expects: main prints its message alone, never a stack. */
export class ActionError extends Error {
  override name = "ActionError";
}

/** An input (or an environment variable standing in for one) that cannot be used. */
export class InputError extends ActionError {
  override name = "InputError";
  constructor(
    readonly input: string,
    readonly value: string,
    expected: string,
  ) {
    super(`Invalid input '${input}': ${quote(value)}. ${expected}`);
  }
}

/** Tencent answered with an error envelope. */
export class ApiError extends ActionError {
  override name = "ApiError";
  constructor(
    readonly action: string,
    readonly code: string,
    readonly apiMessage: string,
    readonly requestId: string,
  ) {
    super(
      `${action} failed: ${forLog(code, MAX_CODE)}: ${forLog(apiMessage, MAX_API_MESSAGE)}${requestIdNote(requestId)}`,
    );
  }
}

/**
 * Whether the server may have acted on a request that failed in transport: "no" when the
 * request never reached it (or was refused before processing), "unknown" when it may have,
 * "yes" when it answered success but the answer cannot be used (a TaskId that is not an integer).
 */
export type Delivery = "no" | "unknown" | "yes";

/** What else a failed exchange told us. */
export interface TransportDetail {
  /** The HTTP status, when an answer came. */
  status?: number;
  /** How long the server asked us to wait (Retry-After), in ms. */
  retryAfterMs?: number;
  /** A failure that no attempt can change (a certificate that does not verify): not retried. */
  definite?: boolean;
}

/** The HTTP exchange itself failed: no connection, timeout, bad status, unreadable answer. */
export class TransportError extends ActionError {
  override name = "TransportError";
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly definite: boolean;
  constructor(
    readonly action: string,
    readonly delivery: Delivery,
    detail: string,
    statusOrDetail?: number | TransportDetail,
  ) {
    super(`${action} failed: ${detail}`);
    const extra = typeof statusOrDetail === "number" ? { status: statusOrDetail } : statusOrDetail;
    this.status = extra?.status;
    this.retryAfterMs = extra?.retryAfterMs;
    this.definite = extra?.definite ?? false;
  }
}

const MAX_QUOTED = 80;
const MAX_CODE = 80;
const MAX_API_MESSAGE = 300;
const MAX_SNIPPET = 120;

/**
 * Quotes a user value for an error message: secrets redacted, control characters shown as
 * escapes, and cut to MAX_QUOTED characters after that, so a line of them cannot blow up the message.
 */
export function quote(value: string): string {
  return `'${userValue(value, MAX_QUOTED)}'`;
}

/** " (RequestId: X)" for a message, or nothing when the server sent none. */
export function requestIdNote(requestId: string): string {
  return requestId === "" ? "" : ` (RequestId: ${forLog(requestId, MAX_CODE)})`;
}

/**
 * A message as the first sentence of a longer one: ending in exactly one period, whether it
 * ended with one (a server's message, "…was cancelled.") or not ("(RequestId: …)").
 */
export function sentence(message: string): string {
  return `${message.replace(/[\s.]+$/, "")}.`;
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The start of an answer's body on one line, for an error message. */
export function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat === "" ? "(empty body)" : forLog(flat, MAX_SNIPPET);
}
