import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { ApiError } from "./api-error.js";
import type { Clock } from "./clock.js";
import type { RecordedRequest } from "./types.js";

/** The kind of page a proxy in front of an API answers when something breaks. */
export function errorPage(status: number): string {
  const title = `<title>${status}</title>`;
  return `<html><head>${title}</head><body><center><h1>${status}</h1></center></body></html>\n`;
}

/** What an API request came to: the action's answer fields, or the error to answer. */
export type Outcome = Record<string, unknown> | ApiError;

/** One request and its answer; every way of answering also fills in the request's record. */
export class Exchange {
  // Kept here because req.socket is nulled once the request stream is destroyed.
  private readonly socket: Socket;

  constructor(
    readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    readonly record: RecordedRequest,
    private readonly clock: Clock,
  ) {
    this.socket = req.socket;
    // Date must come from the skewed server clock, not Node's real one.
    res.sendDate = false;
  }

  /** True once the connection is gone (client gave up, or the emulator closed). */
  get gone(): boolean {
    return this.socket.destroyed;
  }

  /** Notes an error outcome in the record, so tests see what was meant even if the answer is lost. */
  note(outcome: Outcome): void {
    if (outcome instanceof ApiError) {
      this.record.errorCode = outcome.code;
      this.record.message = outcome.message;
    }
  }

  /** Answers with a body; the Date header follows the server clock. */
  send(status: number, contentType: string, body: string, headers: Record<string, string> = {}) {
    if (this.gone) return;
    this.record.status = status;
    this.res.writeHead(status, {
      Date: this.clock.httpDate(),
      "Content-Type": contentType,
      "Content-Length": String(Buffer.byteLength(body)),
      ...headers,
    });
    this.res.end(body);
  }

  /** The Tencent envelope text for an outcome, with a fresh RequestId. */
  envelopeText(outcome: Outcome): string {
    const RequestId = randomUUID();
    const response =
      outcome instanceof ApiError
        ? { Error: { Code: outcome.code, Message: outcome.message }, RequestId }
        : { ...outcome, RequestId };
    return JSON.stringify({ Response: response });
  }

  /** Answers an outcome in the Tencent envelope (HTTP 200 for errors too). */
  answer(outcome: Outcome): void {
    this.note(outcome);
    this.send(200, "application/json", this.envelopeText(outcome));
  }

  /** Destroys the connection without answering. */
  cut(): void {
    this.record.status = 0;
    this.socket.destroy();
  }
}
