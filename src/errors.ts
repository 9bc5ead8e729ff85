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
    super(`${action} failed: ${code}: ${apiMessage} (RequestId: ${requestId || "none"})`);
  }
}

/**
 * Whether the server may have acted on a request that failed in transport: "no" when the
 * request never reached it (or was refused before processing), "unknown" when it may have.
 */
export type Delivery = "no" | "unknown";

/** The HTTP exchange itself failed: no connection, timeout, bad status, unreadable answer. */
export class TransportError extends ActionError {
  override name = "TransportError";
  constructor(
    readonly action: string,
    readonly delivery: Delivery,
    detail: string,
    readonly status?: number,
  ) {
    super(`${action} failed: ${detail}`);
  }
}

const MAX_QUOTED = 80;

/**
 * Quotes a user value for an error message: control characters shown as escapes, and cut to
 * MAX_QUOTED characters after escaping, so a line of them cannot blow up the message.
 */
export function quote(value: string): string {
  const escaped = JSON.stringify(value).slice(1, -1);
  return `'${escaped.length > MAX_QUOTED ? `${escaped.slice(0, MAX_QUOTED)}…` : escaped}'`;
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The start of an answer's body on one line, for an error message. */
export function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat === "" ? "(empty body)" : flat.length > 120 ? `${flat.slice(0, 120)}…` : flat;
}
