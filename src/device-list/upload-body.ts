import type { Hash } from "node:crypto";
import { stat } from "node:fs/promises";
import { ActionError } from "../errors.js";
import { LineProblem, shownPath } from "./errors.js";
import { ListNormalizer } from "./normalize.js";
import { CHUNK_BYTES, chunkBuffer, openList, readChunks } from "./read-file.js";
import type { ScannedList } from "./scan.js";

/** The file was edited between the scan and the upload: what was checked is not what would go. */
export class ListChangedError extends ActionError {
  override name = "ListChangedError";
  constructor(list: ScannedList, detail: string) {
    super(
      `The device list ${shownPath(list.path)} changed after it was checked (${detail}); the upload was stopped before its last byte. Run the job again once the file is final.`,
    );
  }
}

/**
 * The bytes to upload, read from the file again: as they are, or normalized by the code that
 * scanned them. Every byte is counted and fed to `md5`; the last piece is held back until the
 * count matches the scan and the file is unchanged since (size, mtime, inode), so a file edited
 * in between is never stored whole. Normalized files are checked line by line again, too.
 *
 * Pieces live in a few reused buffers, so memory stays flat however big the file (fresh 1 MiB
 * buffers would pile up as garbage, ~60 MiB of it, before the collector runs). Reuse is safe
 * because every piece but the last fills a whole buffer, and undici, given an async iterable,
 * waits for the socket's 'drain' after any write it could not pass on at once (client-h1.js,
 * writeIterable): when it asks for a piece, the ones before have left the process.
 */
export async function* uploadBody(list: ScannedList, md5: Hash): AsyncGenerator<Buffer> {
  let sent = 0;
  let held: Buffer | undefined;
  const pieces = list.normalized ? normalizedPieces(list) : filePieces(list.path);
  for await (const piece of pieces) {
    sent += piece.length;
    if (sent > list.size) throw new ListChangedError(list, `more than ${list.size} bytes`);
    md5.update(piece);
    if (held !== undefined) yield held;
    held = piece;
  }
  if (sent !== list.size) throw new ListChangedError(list, `${sent} bytes instead of ${list.size}`);
  const now = await stat(list.path);
  const { version } = list;
  if (now.size !== version.size || now.mtimeMs !== version.mtimeMs || now.ino !== version.ino) {
    throw new ListChangedError(list, "it was modified");
  }
  if (held !== undefined) yield held;
}

/**
 * `count` buffers handed out in turn. A buffer may be filled again once undici has asked for the
 * piece after it (the 'drain' above). As they are, pieces need two: one held back by uploadBody,
 * one being read. Normalized, one being filled may complete two more within one chunk (a
 * chunk's output is at most a chunk and a carried line): four. Each path gets one spare.
 */
function bufferPool(count: number): () => Buffer {
  const buffers = Array.from({ length: count }, chunkBuffer);
  let next = 0;
  return () => buffers[next++ % count]!;
}

async function* filePieces(path: string): AsyncGenerator<Buffer> {
  const file = await openList(path);
  try {
    for await (const { buffer, length } of readChunks(file, path, bufferPool(3))) {
      yield buffer.subarray(0, length);
    }
  } finally {
    await file.close();
  }
}

async function* normalizedPieces(list: ScannedList): AsyncGenerator<Buffer> {
  const pool = bufferPool(5);
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
