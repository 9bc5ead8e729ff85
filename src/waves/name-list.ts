const LF = 0x0a;

/**
 * Device names packed in one buffer, one per LF-ended line, with where each starts: a list of
 * a million names costs its bytes and 4 bytes a name, outside the JavaScript heap, where a
 * million strings would grow the heap by ~40 MiB and the collector's young space with it.
 */
export class NameList {
  private constructor(
    /** Every name followed by LF: what a list file of these names holds. */
    readonly lines: Buffer,
    // starts[i] is where name i begins; starts[count] is the end of the last LF.
    private readonly starts: Uint32Array,
  ) {}

  /** LF-ended lines, each a name (no blank lines): the bytes of a checked list as uploaded. */
  static fromLines(lines: Buffer): NameList {
    let count = 0;
    for (let at = lines.indexOf(LF); at !== -1; at = lines.indexOf(LF, at + 1)) count++;
    const starts = new Uint32Array(count + 1);
    let i = 0;
    for (let at = lines.indexOf(LF); at !== -1; at = lines.indexOf(LF, at + 1))
      starts[++i] = at + 1;
    return new NameList(lines, starts);
  }

  static fromStrings(names: readonly string[]): NameList {
    return NameList.fromLines(Buffer.from(names.map((name) => `${name}\n`).join("")));
  }

  get count(): number {
    return this.starts.length - 1;
  }

  name(i: number): string {
    return this.lines.toString("utf8", this.starts[i], this.starts[i + 1]! - 1);
  }

  /** Where name i starts in `lines`; it ends one byte (its LF) before `start(i + 1)`. */
  start(i: number): number {
    return this.starts[i]!;
  }

  /** Name i's bytes, without its LF: a view of the list, not a copy. */
  bytes(i: number): Buffer {
    return this.lines.subarray(this.starts[i], this.starts[i + 1]! - 1);
  }

  /** The list file of the names at `picks`, in that order. */
  linesOf(picks: Uint32Array): Buffer {
    let size = 0;
    for (const i of picks) size += this.starts[i + 1]! - this.starts[i]!;
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    for (const i of picks) at += this.lines.copy(out, at, this.starts[i], this.starts[i + 1]);
    return out;
  }
}
