import { mkdir, open, stat } from "node:fs/promises";
import { dirname } from "node:path";

/** Every generated name is this long plus "\n": `camera-sn-000000001`. */
const NAME_BYTES = 19;
const LINE_BYTES = NAME_BYTES + 1;
const PREFIX = "camera-sn-";
const LINES_PER_WRITE = 65_536;

/** Size in bytes of a generated list of `names` names. */
export function listBytes(names: number): number {
  return names * LINE_BYTES;
}

/**
 * Writes `names` distinct device names, one per line, to `path`, unless a file of exactly that
 * size is already there. Returns whether it wrote one.
 */
export async function ensureList(path: string, names: number): Promise<boolean> {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.size === listBytes(names)) return false;
  await mkdir(dirname(path), { recursive: true });
  const file = await open(path, "w");
  try {
    const block = Buffer.alloc(LINES_PER_WRITE * LINE_BYTES);
    for (let first = 1; first <= names; first += LINES_PER_WRITE) {
      const count = Math.min(LINES_PER_WRITE, names - first + 1);
      for (let i = 0; i < count; i++) writeName(block, i * LINE_BYTES, first + i);
      await file.write(block, 0, count * LINE_BYTES);
    }
  } finally {
    await file.close();
  }
  return true;
}

// Digits written by hand: a string per name would make generating 8M names the slow part.
function writeName(block: Buffer, at: number, serial: number): void {
  block.write(PREFIX, at, "latin1");
  let rest = serial;
  for (let digit = NAME_BYTES - 1; digit >= PREFIX.length; digit--) {
    block[at + digit] = 48 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  block[at + NAME_BYTES] = 10;
}
