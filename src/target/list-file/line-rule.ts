// The device-name rule of src/device-names.ts, applied to the raw bytes of one line of a file.
import { isUtf8 } from "node:buffer";
import { deviceNameProblem } from "../../inputs/device-names.js";
import { DEVICE_NAME_FORBIDDEN, DEVICE_NAME_MAX_LENGTH } from "../../tencent/assumptions.js";
import { quote } from "../../run/errors.js";
import { LineProblem } from "./errors.js";

/** What a byte means to the line scanner. */
export const PLAIN = 0;
export const NEWLINE = 1;
/** Whitespace, control characters, commas, and every byte of a non-ASCII character. */
export const SPECIAL = 2;

/**
 * BYTE_KIND[b] for every byte value, derived from DEVICE_NAME_FORBIDDEN so that files and the
 * device-names input follow one rule: an ASCII byte is PLAIN exactly when a name may contain it.
 */
export const BYTE_KIND: Uint8Array = byteKinds();

/**
 * Raw lines longer than this are refused without decoding them: a valid line is one name of at
 * most 48 characters, and this bounds what is carried from one chunk to the next.
 */
export const MAX_LINE_BYTES = 64 * 1024;

/**
 * Whether lookAt() may be trusted: it knows the forbidden bytes of today's rule and reads words
 * little-endian. Should the rule forbid more, or the machine be big-endian, every byte is looked
 * at instead (slower, still right).
 */
export const WORD_TRICK_APPLIES =
  new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 &&
  BYTE_KIND.every((kind, byte) => kind === PLAIN || byte < 0x21 || byte === 0x2c || byte >= 0x7f);

/**
 * The bytes of a little-endian word that may not be name characters, as their top bits: below
 * 0x21 (newline, whitespace, controls), a comma, DEL, or 0x80 and above. The classic "has a zero
 * byte" bit trick; it may also flag the byte after a flagged one, never misses one.
 */
export function lookAt(word: number): number {
  const comma = word ^ 0x2c2c2c2c;
  const del = word ^ 0x7f7f7f7f;
  const flags =
    (((word - 0x21212121) | 0) & ~word) |
    (((comma - 0x01010101) | 0) & ~comma) |
    (((del - 0x01010101) | 0) & ~del) |
    word;
  return flags & 0x80808080;
}

/** 1 where JavaScript's trim() would cut an ASCII line: tab, LF, VT, FF, CR and space. */
const TRIMMED = new Uint8Array(256);
for (const byte of [9, 10, 11, 12, 13, 32]) TRIMMED[byte] = 1;

function byteKinds(): Uint8Array {
  const kinds = new Uint8Array(256).fill(SPECIAL);
  for (let byte = 0; byte < 128; byte++) {
    if (!DEVICE_NAME_FORBIDDEN.test(String.fromCharCode(byte))) kinds[byte] = PLAIN;
  }
  kinds[10] = NEWLINE;
  return kinds;
}

/**
 * Writes the device name of `src[start, end)` (one line without its "\n"), trimmed the way the
 * device-names input is, followed by "\n", into `out` at `at`. Returns the number of bytes
 * written: 0 for a blank line. Throws LineProblem when the line cannot be a device name.
 */
export function writeLine(
  src: Buffer,
  start: number,
  end: number,
  line: number,
  out: Buffer,
  at: number,
): number {
  if (end - start > MAX_LINE_BYTES) {
    throw new LineProblem(line, `the line is longer than ${MAX_LINE_BYTES} bytes`);
  }
  let ascii = true;
  for (let i = start; i < end && ascii; i++) ascii = src[i]! < 0x80;
  return ascii
    ? writeAsciiLine(src, start, end, line, out, at)
    : writeTextLine(src, start, end, line, out, at);
}

function writeAsciiLine(
  src: Buffer,
  start: number,
  end: number,
  line: number,
  out: Buffer,
  at: number,
) {
  let first = start;
  let last = end;
  while (first < last && TRIMMED[src[first]!] === 1) first++;
  while (last > first && TRIMMED[src[last - 1]!] === 1) last--;
  if (first === last) return 0;
  let plain = last - first <= DEVICE_NAME_MAX_LENGTH;
  for (let i = first; i < last && plain; i++) plain = BYTE_KIND[src[i]!] === PLAIN;
  if (!plain) nameProblem(src.toString("latin1", first, last), line);
  // A loop: for a name of at most 48 bytes, cheaper than a call into Buffer.copy.
  for (let i = first; i < last; i++) out[at + i - first] = src[i]!;
  out[at + last - first] = 10;
  return last - first + 1;
}

function writeTextLine(
  src: Buffer,
  start: number,
  end: number,
  line: number,
  out: Buffer,
  at: number,
) {
  const bytes = src.subarray(start, end);
  if (!isUtf8(bytes)) throw new LineProblem(line, notUtf8(bytes, line));
  // trim() also drops a byte-order mark (U+FEFF), which is how a leading BOM goes.
  const name = bytes.toString("utf8").trim();
  if (name === "") return 0;
  if (deviceNameProblem(name) !== undefined) nameProblem(name, line);
  const length = out.write(name, at, "utf8");
  out[at + length] = 10;
  return length + 1;
}

// Windows PowerShell 5 writes UTF-16 by default (Out-File, ">"); say so rather than "not UTF-8".
function notUtf8(bytes: Buffer, line: number): string {
  const [first, second] = bytes;
  const utf16 =
    line === 1 && ((first === 0xff && second === 0xfe) || (first === 0xfe && second === 0xff));
  return utf16
    ? "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8"
    : "the line is not valid UTF-8 text";
}

function nameProblem(name: string, line: number): never {
  const problem = deviceNameProblem(name) ?? "cannot be a device name";
  throw new LineProblem(line, `device name ${quote(name)} ${problem}`);
}
