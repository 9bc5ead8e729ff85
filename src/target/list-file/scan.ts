import { DuplicateFinder, type DuplicateReport } from "./duplicates.js";
import { DeviceListError, LineProblem } from "./errors.js";
import { ListNormalizer } from "./normalize.js";
import { CHUNK_BYTES, chunkBuffer, openList, readChunks } from "./read-file.js";

/** A checked device-list file and what uploading it will send. */
export interface ScannedList {
  /** Absolute path. */
  path: string;
  deviceCount: number;
  /** Byte count of exactly the bytes that will be uploaded (FileSize). */
  size: number;
  /** The file as it was when checked; the upload refuses a file changed since. */
  version: { size: number; mtimeMs: number; ino: number };
  /** True when the uploaded bytes differ from the file (see normalize.ts). */
  normalized: boolean;
  duplicates: DuplicateReport;
}

/**
 * Reads the file once: checks every line, counts devices and the bytes to upload. The MD5 of
 * those bytes is computed as they are uploaded (upload-body.ts), where it overlaps with the
 * network instead of adding a second pass of hashing to the run. Throws DeviceListError before
 * anything is sent anywhere.
 */
export async function scanDeviceList(path: string): Promise<ScannedList> {
  const file = await openList(path);
  const { size: fileSize, mtimeMs, ino } = await file.stat();
  const duplicates = new DuplicateFinder();
  let size = 0;
  const normalizer = new ListNormalizer(
    CHUNK_BYTES,
    (piece) => {
      size += piece.length;
    },
    duplicates,
  );
  // Two buffers in turn: the next chunk is read while this one is checked.
  const buffers = [chunkBuffer(), chunkBuffer()];
  let reads = 0;
  try {
    for await (const chunk of readChunks(file, path, () => buffers[reads++ % 2]!, true)) {
      normalizer.feed(chunk.buffer, chunk.length);
    }
    normalizer.end();
    if (normalizer.devices === 0) {
      throw new DeviceListError(path, "The file has no device names, only blank lines");
    }
    return {
      path,
      deviceCount: normalizer.devices,
      size,
      version: { size: fileSize, mtimeMs, ino },
      normalized: normalizer.changed,
      duplicates: duplicates.report(),
    };
  } catch (error) {
    throw error instanceof LineProblem
      ? new DeviceListError(path, error.problem, error.line)
      : error;
  } finally {
    await file.close();
  }
}
