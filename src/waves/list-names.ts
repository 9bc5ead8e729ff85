import { createHash } from "node:crypto";
import { StringDecoder } from "node:string_decoder";
import type { ScannedList } from "../device-list/scan.js";
import { uploadBody } from "../device-list/upload-body.js";

/**
 * The device names of a checked list, exactly as its upload would send them (normalized: one
 * trimmed name per LF-ended line), read through the same code as the upload.
 */
export async function listNames(list: ScannedList): Promise<string[]> {
  const names: string[] = [];
  const decoder = new StringDecoder("utf8");
  let carry = "";
  for await (const piece of uploadBody(list, createHash("md5"))) {
    const lines = (carry + decoder.write(piece)).split("\n");
    carry = lines.pop() ?? "";
    for (const line of lines) names.push(line);
  }
  const last = carry + decoder.end();
  if (last !== "") names.push(last);
  return names;
}
