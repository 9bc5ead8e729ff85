import type { Hash } from "node:crypto";
import { stat } from "node:fs/promises";
import { ActionError, TransportError, type Delivery } from "../../run/errors.js";
import { LineProblem, shownPath } from "./errors.js";
import { forLog } from "../../report/outside-text.js";
import { ListNormalizer } from "./normalize.js";
import { CHUNK_BYTES, chunkBuffer, openList, readChunks } from "./read-file.js";
import type { ScannedList } from "./scan.js";

/** The file was edited between the scan and the upload: what was checked is not what would go. */
export class ListChangedError extends ActionError {
  override name = "ListChangedError";
  constructor(list: ScannedList, detail: string) {
    super(
      `The device list ${forLog(shownPath(list.path), 300)} changed after it was checked (${detail}); the upload was stopped before its last byte. Run the job again once the file is final.`,
    );
  }
}

/**
 * The slowest pace the upload must count as moving. undici asks for the next piece once the
 * socket has taken this one, and the watch (below) counts each ask as progress, so a piece must
 * go out well within request-timeout: at this pace, within a quarter of it. A whole 1 MiB read
 * takes 16 s at 64 KB/s, longer than a request-timeout of 10 s.
 */
const SLOW_LINK_BYTES_PER_SECOND = 64_000;
// Smaller pieces cost a write and an event-loop turn each: 64 KiB ones made the 8M-name
// benchmark's run 5-15% slower than 256 KiB ones, which cost nothing measurable over 1 MiB.
const MIN_PIECE_BYTES = 64 * 1024;

/**
 * Bytes handed to undici at a time, cut from the 1 MiB reads: the largest power of two (64 KiB
 * to 1 MiB) that a link of SLOW_LINK_BYTES_PER_SECOND sends in a quarter of `timeoutMs`: 64 KiB
 * for a request-timeout up to 8 s, 128 KiB for 10 s, 256 KiB for the default 30 s, 1 MiB from 66 s.
 */
export function pieceBytes(timeoutMs: number): number {
  const fits = Math.min(CHUNK_BYTES, (SLOW_LINK_BYTES_PER_SECOND * timeoutMs) / 1000 / 4);
  let piece = MIN_PIECE_BYTES;
  while (piece * 2 <= fits) piece *= 2;
  return piece;
}

/**
 * The bytes to upload, read from the file again: as they are, or normalized by the code that
 * scanned them, in pieces of at most `piece` bytes. Every byte is counted and fed to `md5`; the last
 * read is held back until the count matches the scan and the file is unchanged since (size,
 * mtime, inode), so a file edited in between is never stored whole. Normalized files are checked
 * line by line again, too.
 *
 * Reads go into a few reused 1 MiB buffers, so memory stays flat however big the file (fresh
 * buffers would pile up as garbage, ~60 MiB of it, before the collector runs). Given an async
 * iterable, undici (client-h1.js, writeIterable) asks for the next piece only when the socket
 * holds less than its highWaterMark (16 KiB in Node 20, 64 KiB from 22) still unsent: a write
 * that leaves more waits for 'drain'. So once undici has asked for the piece after a whole buffer
 * of later bytes (1 MiB, far above any highWaterMark), the buffer before them has left the
 * process and may be filled again, whatever the piece size; bufferPool's counts keep to that.
 */
export async function* uploadBody(
  list: ScannedList,
  md5: Hash,
  piece = MIN_PIECE_BYTES,
): AsyncGenerator<Buffer> {
  let sent = 0;
  let held: Buffer | undefined;
  const pieces = list.normalized ? normalizedPieces(list) : filePieces(list.path);
  for await (const read of pieces) {
    sent += read.length;
    if (sent > list.size) throw new ListChangedError(list, `more than ${list.size} bytes`);
    md5.update(read);
    if (held !== undefined) yield* slices(held, piece);
    held = read;
  }
  if (sent !== list.size) throw new ListChangedError(list, `${sent} bytes instead of ${list.size}`);
  const now = await stat(list.path);
  const { version } = list;
  if (now.size !== version.size || now.mtimeMs !== version.mtimeMs || now.ino !== version.ino) {
    throw new ListChangedError(list, "it was modified");
  }
  if (held !== undefined) yield* slices(held, piece);
}

function* slices(buffer: Buffer, piece: number): Generator<Buffer> {
  for (let at = 0; at < buffer.length; at += piece) yield buffer.subarray(at, at + piece);
}

/**
 * `count` buffers handed out in turn. A buffer may be filled again once the bytes of the buffer
 * after it have all been asked for (above). As they are, reads need four: the one whose last
 * bytes may still be queued on the socket, the one held back by uploadBody, the one just read,
 * and the one being read ahead (readChunks starts the next read before it hands one over, so
 * the thread pool reads while this thread hashes and sends: ~30 ms less over 8M names).
 * Normalized: the one queued, the one held back, and the one being filled, which may complete
 * two more within one chunk (a chunk's output is at most a chunk and a carried line): five.
 * Each path gets one spare.
 */
function bufferPool(count: number): () => Buffer {
  const buffers = Array.from({ length: count }, chunkBuffer);
  let next = 0;
  return () => buffers[next++ % count]!;
}

async function* filePieces(path: string): AsyncGenerator<Buffer> {
  const file = await openList(path);
  try {
    for await (const { buffer, length } of readChunks(file, path, bufferPool(5), true)) {
      yield buffer.subarray(0, length);
    }
  } finally {
    await file.close();
  }
}

async function* normalizedPieces(list: ScannedList): AsyncGenerator<Buffer> {
  const pool = bufferPool(6);
  let filling = pool();
  let filled = 0;
  const full: Buffer[] = [];
  const normalizer = new ListNormalizer(CHUNK_BYTES, (piece) => {
    for (let at = 0; at < piece.length;) {
      const copied = piece.copy(filling, filled, at, at + CHUNK_BYTES - filled);
      at += copied;
      filled += copied;
      if (filled < CHUNK_BYTES) continue;
      full.push(filling.subarray(0, CHUNK_BYTES));
      filling = pool();
      filled = 0;
    }
  });
  const file = await openList(list.path);
  const input = chunkBuffer();
  try {
    for await (const { length } of readChunks(file, list.path, () => input)) {
      normalizer.feed(input, length);
      yield* full.splice(0);
    }
    normalizer.end();
    if (normalizer.devices !== list.deviceCount) {
      throw new ListChangedError(
        list,
        `${normalizer.devices} devices instead of ${list.deviceCount}`,
      );
    }
    yield* full.splice(0);
    if (filled > 0) yield filling.subarray(0, filled);
  } catch (error) {
    if (error instanceof LineProblem) throw new ListChangedError(list, error.message);
    throw error;
  } finally {
    await file.close();
  }
}

/**
 * The upload's clock (upload.ts turns undici's timers off). While sending, a stall timer that
 * every piece the connection takes restarts; from the last piece taken, or from an answer that
 * came first, one fixed deadline for the whole answer. Either aborts `signal` with a
 * TransportError that says which.
 */
export class UploadWatch {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  /** Bytes the connection has taken. */
  taken = 0;
  /** Bytes taken when an answer came before the last of them; undefined while none did. */
  takenAtAnswer: number | undefined;
  private connected = false;
  private sent = false;
  private answering = false;
  private timer: NodeJS.Timeout;

  constructor(
    private readonly step: string,
    private readonly timeoutMs: number,
  ) {
    // Before the connection asks for the first piece, not a byte of the request has gone out.
    this.timer = setTimeout(
      () =>
        this.connected
          ? this.abort("no progress for", "unknown")
          : this.abort("no connection within", "no"),
      timeoutMs,
    );
  }

  /** The connection took `bytes` more (0: it is ready for the first). */
  took(bytes: number): void {
    this.connected = true;
    this.taken += bytes;
    if (!this.answering) this.timer.refresh();
  }

  /** The connection took the last byte. */
  finished(): void {
    this.sent = true;
    this.awaitAnswer();
  }

  /** The answer's headers arrived. */
  answered(): void {
    if (!this.sent) this.takenAtAnswer = this.taken;
    this.awaitAnswer();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private awaitAnswer(): void {
    if (this.answering) return;
    this.answering = true;
    clearTimeout(this.timer);
    const abort = () => this.abort("no complete answer within", "unknown");
    this.timer = setTimeout(abort, this.timeoutMs);
  }

  private abort(what: string, delivery: Delivery): void {
    const detail = `${what} ${this.timeoutMs / 1000} s (request-timeout)`;
    this.controller.abort(new TransportError(this.step, delivery, detail));
  }
}

/** `pieces` as undici pulls them, telling `watch` what the connection took and when it had all. */
export async function* watched(
  pieces: AsyncIterable<Buffer>,
  watch: UploadWatch,
): AsyncGenerator<Buffer> {
  // undici asks for the first piece once connected, and for each next once the socket took the last.
  watch.took(0);
  for await (const piece of pieces) {
    yield piece;
    watch.took(piece.length);
  }
  watch.finished();
}
