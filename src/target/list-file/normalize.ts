// The one pass over a device-list file: split into lines, check each, and produce the bytes to
// upload. Decision: we upload a NORMALIZED form, each name trimmed and ended by "\n" (the last one
// too), blank lines dropped, no BOM. A file already in that form (what generators write) is
// uploaded byte for byte, so the logged MD5 is what `md5sum` says of the repository's file.
import { LineProblem } from "./errors.js";
import {
  BYTE_KIND,
  lookAt,
  MAX_LINE_BYTES,
  NEWLINE,
  PLAIN,
  WORD_TRICK_APPLIES,
  writeLine,
} from "./line-rule.js";
import { DEVICE_NAME_MAX_LENGTH } from "../../tencent/assumptions.js";

/** Receives the normalized bytes in order; a piece is only valid during the call. */
export type OutputSink = (piece: Buffer) => void;

/** Receives the device names, e.g. to look for repeats. */
export interface NameSink {
  /**
   * Takes the name `bytes[start, start + length)`, which has at least 3 readable bytes after it.
   * Returns false once it wants no more names.
   */
  add(bytes: Buffer, start: number, length: number, line: number): boolean;
  /** Called before the bytes given to add() are overwritten. */
  flush(): void;
}

/** Extra bytes every buffer given to feed() must have past `length`, for whole-word reads. */
export const SLACK_BYTES = 8;

/** Turns chunks of a file into normalized output, counting lines and devices. */
export class ListNormalizer {
  /** Device names so far. */
  devices = 0;
  /** Whether the output differs from the input so far. */
  changed = false;
  private line = 1;
  private readonly carry = Buffer.allocUnsafeSlow(MAX_LINE_BYTES + 1 + SLACK_BYTES);
  private carried = 0;
  private readonly out: Buffer;
  private outAt = 0;
  private runStart = 0;
  private rebuilding = false;
  private wantNames: boolean;

  constructor(
    chunkBytes: number,
    private readonly output: OutputSink,
    private readonly names?: NameSink,
  ) {
    this.out = Buffer.allocUnsafeSlow(Math.max(chunkBytes, this.carry.length) + SLACK_BYTES);
    this.wantNames = names !== undefined;
  }

  /**
   * Takes the next `length` bytes of the file from `chunk`, which must start on a 4-byte boundary
   * of its ArrayBuffer, hold at most the constructor's chunkBytes, and have SLACK_BYTES after them.
   */
  feed(chunk: Buffer, length: number): void {
    const lastNewline = length === 0 ? -1 : chunk.lastIndexOf(10, length - 1);
    if (lastNewline === -1) {
      this.carryOn(chunk, 0, length);
      return;
    }
    let from = 0;
    if (this.carried > 0) {
      // The line split by the chunk boundary is checked on its own, in the carry buffer.
      from = chunk.indexOf(10) + 1;
      this.carryOn(chunk, 0, from);
      this.lines(this.carry, 0, this.carried);
      this.carried = 0;
    }
    this.lines(chunk, from, lastNewline + 1);
    this.carryOn(chunk, lastNewline + 1, length);
  }

  /** Ends the file: a last line without "\n" is a line all the same, and gets one. */
  end(): void {
    if (this.carried === 0) return;
    this.changed = true;
    this.carry[this.carried++] = 10;
    this.lines(this.carry, 0, this.carried);
    this.carried = 0;
  }

  private carryOn(chunk: Buffer, start: number, end: number): void {
    // MAX_LINE_BYTES and the line's "\n": the same limit writeLine() applies to lines in a chunk.
    if (this.carried + end - start > MAX_LINE_BYTES + 1) {
      throw new LineProblem(this.line, `the line is longer than ${MAX_LINE_BYTES} bytes`);
    }
    this.carried += chunk.copy(this.carry, this.carried, start, end);
  }

  /**
   * Checks the whole lines `buf[from, to)` and emits their output. The file is read four bytes
   * at a time: lookAt() flags the bytes of a word that are not name characters (in a clean file,
   * only "\n"), and only those are looked at. Lines that are exactly a valid name pass through
   * untouched; anything else goes to writeLine() and the output is rebuilt. One function, with
   * no call per line for the common case: this loop is most of the scan's time.
   */
  private lines(buf: Buffer, from: number, to: number): void {
    if (from === to) return;
    const words = new Int32Array(buf.buffer, buf.byteOffset, (to + 3) >>> 2);
    this.rebuilding = false;
    this.runStart = from;
    let lineStart = from;
    let special = false;
    let crAt = -2; // where a CR LF began; never "just before" the first byte
    let line = this.line;
    let clean = 0;
    const first = from >>> 2;
    const last = words.length - 1;
    for (let w = first; w <= last; w++) {
      // One pass per flagged byte: in a clean file, the newline and little else.
      for (let flags = look(words[w]!); flags !== 0;) {
        const i = (w << 2) + ((31 - Math.clz32(flags & -flags)) >>> 3);
        flags &= flags - 1;
        // The first and last words may hold bytes of the lines before and after.
        if (i < from || i >= to) continue;
        const kind = BYTE_KIND[buf[i]!];
        if (kind === PLAIN) continue;
        if (kind !== NEWLINE) {
          // CR LF line ends are common enough to deserve a path of their own.
          if (buf[i] === 13 && i + 1 < to && buf[i + 1] === 10) crAt = i;
          else special = true;
          continue;
        }
        const crlf = crAt === i - 1;
        const length = i - lineStart - (crlf ? 1 : 0);
        if (special || length === 0 || length > DEVICE_NAME_MAX_LENGTH) {
          this.rewrite(buf, lineStart, i, line);
        } else if (crlf) {
          this.dropCr(buf, lineStart, length, line);
        } else {
          clean++;
          if (this.wantNames) this.wantNames = this.names!.add(buf, lineStart, length, line);
        }
        line++;
        lineStart = i + 1;
        special = false;
      }
    }
    this.line = line;
    this.devices += clean;
    this.names?.flush();
    this.emit(buf, from, to);
  }

  /** Any line that is not exactly a name: trimmed, dropped, or refused by writeLine. */
  private rewrite(buf: Buffer, start: number, end: number, line: number): void {
    this.copyRun(buf, start);
    const written = writeLine(buf, start, end, line, this.out, this.outAt);
    if (written !== end + 1 - start) this.changed = true;
    if (written > 0) this.named(written - 1, line);
    this.outAt += written;
    this.runStart = end + 1;
  }

  /** A valid name of `length` ASCII bytes at `start`, then CR LF: written without the CR. */
  private dropCr(buf: Buffer, start: number, length: number, line: number): void {
    this.copyRun(buf, start);
    const { out, outAt } = this;
    // A loop: for at most 48 bytes, cheaper than a call into Buffer.copy.
    for (let i = 0; i < length; i++) out[outAt + i] = buf[start + i]!;
    out[outAt + length] = 10;
    this.changed = true;
    this.named(length, line);
    this.outAt += length + 1;
    this.runStart = start + length + 2;
  }

  /** Switches to rebuilding the output, copying the untouched lines before `start`. */
  private copyRun(buf: Buffer, start: number): void {
    if (!this.rebuilding) {
      this.rebuilding = true;
      this.outAt = 0;
    }
    if (start > this.runStart) this.outAt += buf.copy(this.out, this.outAt, this.runStart, start);
  }

  private named(length: number, line: number): void {
    this.devices++;
    if (this.wantNames) this.wantNames = this.names!.add(this.out, this.outAt, length, line);
  }

  private emit(buf: Buffer, from: number, to: number): void {
    if (!this.rebuilding) {
      this.output(buf.subarray(from, to));
      return;
    }
    this.outAt += buf.copy(this.out, this.outAt, this.runStart, to);
    if (this.outAt > 0) this.output(this.out.subarray(0, this.outAt));
  }
}

// Chosen once, so the loop has one path; a check per word costs more than it looks.
const look: (word: number) => number = WORD_TRICK_APPLIES ? lookAt : () => 0x80808080 | 0;
