import type { Stats } from "node:fs";
import { open, stat, type FileHandle } from "node:fs/promises";
import { quote } from "../../run/errors.js";
import { DeviceListError } from "./errors.js";
import { SLACK_BYTES } from "./normalize.js";

/**
 * Bytes read at a time. Large reads keep per-chunk costs (a system call, a hash update, a
 * promise) out of the profile; 1 MiB is still small next to the 120 MiB the action may use.
 */
export const CHUNK_BYTES = 1024 * 1024;

/** A chunk of the file: `buffer[0, length)`, with SLACK_BYTES to spare after it. */
export interface Chunk {
  buffer: Buffer;
  length: number;
}

/** A buffer for one chunk, aligned and with slack as ListNormalizer.feed() wants it. */
export function chunkBuffer(): Buffer {
  return Buffer.allocUnsafeSlow(CHUNK_BYTES + SLACK_BYTES);
}

/**
 * Opens a device-list file. Throws DeviceListError when it is missing, unreadable, not a regular
 * file (it is read twice: once to check, once to upload) or empty.
 */
export async function openList(path: string): Promise<FileHandle> {
  const problem = await notARegularFile(path);
  if (problem !== undefined) throw new DeviceListError(path, problem);
  try {
    const file = await open(path, "r");
    if ((await file.stat()).size === 0) {
      await file.close();
      throw new DeviceListError(path, "The file is empty");
    }
    return file;
  } catch (error) {
    throw error instanceof DeviceListError
      ? error
      : new DeviceListError(path, openProblem(error, path));
  }
}

/**
 * Why a path an input names cannot be read as a file, or undefined when it can. Looked at, never
 * opened: opening a named pipe waits for a writer, maybe for ever, and /dev/zero never ends.
 * Every path input (device-list, firmware-file) is checked so before anything is sent.
 */
export async function notARegularFile(path: string): Promise<string | undefined> {
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch (error) {
    return openProblem(error, path);
  }
  if (stats.isDirectory()) return "This is a directory, not a file";
  if (!stats.isFile()) return `This is not a regular file but ${kindOf(stats)}`;
  return undefined;
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return "a named pipe";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  if (stats.isSocket()) return "a socket";
  return "something else";
}

/**
 * Reads `file` from its start, each chunk into `next()`'s buffer. A consumer that is done with a
 * chunk before asking for the next may hand out the same buffer every time. With `readAhead`, the
 * next read starts before a chunk is handed over, so it overlaps the consumer's work: `next()`
 * must then hand out a buffer other than the one the consumer holds.
 */
export async function* readChunks(
  file: FileHandle,
  path: string,
  next: () => Buffer,
  readAhead = false,
): AsyncGenerator<Chunk> {
  const read = async (position: number): Promise<Chunk> => {
    const buffer = next();
    try {
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, position);
      return { buffer, length: bytesRead };
    } catch (error) {
      throw new DeviceListError(path, `The file could not be read (${describe(error)})`);
    }
  };
  let position = 0;
  let pending = read(0);
  for (;;) {
    const chunk = await pending;
    if (chunk.length === 0) return;
    position += chunk.length;
    if (readAhead) {
      pending = read(position);
      // Awaited on the next turn; a consumer that stops first must not leave it unhandled.
      pending.catch(() => undefined);
    }
    yield chunk;
    if (!readAhead) pending = read(position);
  }
}

/**
 * What went wrong opening a file, in words, from the system error's code. A missing file names
 * the path looked at and the workspace: most often the repository was not checked out.
 */
export function openProblem(error: unknown, path?: string): string {
  switch ((error as { code?: unknown }).code) {
    case "ENOENT": {
      if (path === undefined) return "The file does not exist";
      const workspace = process.env["GITHUB_WORKSPACE"] ?? process.cwd();
      return `The file does not exist: looked for ${quote(path)} (relative paths are the workspace's, ${quote(workspace)}). Is it checked out (actions/checkout) or made by an earlier step`;
    }
    case "EACCES":
    case "EPERM":
      return "The file cannot be read: permission denied";
    case "EISDIR":
      return "This is a directory, not a file";
    case "ENOTDIR":
      return "A part of the path is not a directory";
    default:
      return `The file cannot be opened (${describe(error)})`;
  }
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
}
