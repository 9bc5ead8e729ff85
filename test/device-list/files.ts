import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ScannedList } from "../../src/target/list-file/scan.js";
import { uploadBody } from "../../src/target/list-file/upload-body.js";

/** A temp directory for one test file's lists, removed by `remove()`. */
export async function tempDir(): Promise<{
  path: (name: string) => string;
  remove(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "device-list-"));
  return {
    path: (name) => join(dir, name),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Writes `content` (UTF-8 when a string) to `path` and returns the path. */
export async function writeList(path: string, content: string | Uint8Array): Promise<string> {
  await writeFile(path, content);
  return path;
}

/** Hex MD5, computed independently of the code under test. */
export function md5Of(content: string | Uint8Array): string {
  return createHash("md5").update(content).digest("hex");
}

/** The normalized form of a list, by plain string operations (the reference for multi-chunk files). */
export function normalizedText(text: string): string {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => `${line}\n`)
    .join("");
}

/** MD5 of the bytes the upload would send for `list`, hashed here from the pieces it yields. */
export async function uploadedMd5(list: ScannedList): Promise<string> {
  const seen = createHash("md5");
  for await (const piece of uploadBody(list, createHash("md5"))) seen.update(piece);
  return seen.digest("hex");
}
