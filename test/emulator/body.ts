import type { IncomingMessage } from "node:http";

/** A request body read with a cap: past the cap, bytes are counted but not kept. */
export interface LimitedBody {
  body: Buffer;
  size: number;
  tooLarge: boolean;
}

/** Reads a whole body, keeping at most `limit` bytes in memory. */
export async function readLimited(req: IncomingMessage, limit: number): Promise<LimitedBody> {
  let chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
    else chunks = [];
  }
  return { body: Buffer.concat(chunks), size, tooLarge: size > limit };
}

/** Reads and discards a body, so an early answer does not break a client still sending. */
export async function drain(req: IncomingMessage): Promise<void> {
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) void chunk;
  } catch {
    // The client went away; there is nothing left to drain.
  }
}

/** Number of "\n" bytes in a chunk. */
export function countNewlines(chunk: Buffer): number {
  let count = 0;
  for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) count++;
  return count;
}
