import { createHash } from "node:crypto";
import type { ScannedList } from "../target/list-file/scan.js";
import { uploadBody } from "../target/list-file/upload-body.js";
import { NameList } from "./name-list.js";

const LF = 0x0a;

/**
 * The device names of a checked list, exactly as its upload would send them (normalized: one
 * trimmed name per LF-ended line), read through the same code as the upload, into one buffer.
 */
export async function listNames(list: ScannedList): Promise<NameList> {
  // One byte more, for an LF after a last line that has none.
  const lines = Buffer.allocUnsafe(list.size + 1);
  let size = 0;
  for await (const piece of uploadBody(list, createHash("md5"))) {
    size += piece.copy(lines, size);
  }
  if (size > 0 && lines[size - 1] !== LF) lines[size++] = LF;
  return NameList.fromLines(lines.subarray(0, size));
}
