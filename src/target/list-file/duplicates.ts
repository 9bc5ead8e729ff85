// Repeated device names in a list, found with a fixed amount of memory whatever the list's size.
import type { NameSink } from "./normalize.js";

/** What the duplicate check found. Repeats are a warning: each device is upgraded once. */
export interface DuplicateReport {
  /** Lines whose name appeared on an earlier line (a name on three lines counts twice). */
  count: number;
  /** Distinct names that appear on more than one line. */
  names: number;
  /** The first few repeats in file order, with the line the name first appeared on. */
  examples: Array<{ name: string; lines: [first: number, repeat: number] }>;
  /** How many names, from the top of the file, were checked against every earlier one. */
  checked: number;
  /** Whether that was every name; when false, repeats among later names went unnoticed. */
  complete: boolean;
}

/**
 * Names checked at most. Each takes a 32-bit fingerprint and its first line in an 8 MiB table
 * kept half empty, so a lookup costs one or two probes. Past this many names the check stops:
 * the action must run in 120 MiB, of which it needs ~80 before reading a byte of the list, and
 * no structure that fits what is left tells 8 million names apart reliably (under one false
 * report needs ~26 bits a name): a guess would report devices that are not repeated.
 */
export const MAX_CHECKED_NAMES = 1 << 19;
const SLOTS = MAX_CHECKED_NAMES * 2;
const MAX_EXAMPLES = 5;
// Names are hashed as they come and looked up in batches: lookups in a row can wait on memory
// together, where one lookup per line would wait alone (~100 ns each on a cloud VM).
const BATCH = 4096;
const LAST_BYTES = [0, 0xff, 0xffff, 0xffffff];

/**
 * Finds repeated names by a hash of each: 20 bits pick the slot, 32 more are kept to compare.
 * Two different names are taken for one with a chance of about 1 in 3000 over a full table
 * (half a million names), 1 in 40000 over 100000 names.
 */
export class DuplicateFinder implements NameSink {
  // Slot i is table[2i] (fingerprint; 0 when free) and table[2i + 1] (first line, negated once
  // the name has been seen again).
  private table: Int32Array | undefined;
  private readonly batch = new Int32Array(BATCH * 5);
  private batched = 0;
  private bytes: Buffer | undefined;
  private view: DataView | undefined;
  private stored = 0;
  private readonly found: Omit<DuplicateReport, "checked" | "complete"> = {
    count: 0,
    names: 0,
    examples: [],
  };
  private complete = true;

  add(bytes: Buffer, start: number, length: number, line: number): boolean {
    if (this.stored + this.batched >= MAX_CHECKED_NAMES) {
      this.complete = false;
      return false;
    }
    if (bytes !== this.bytes) {
      this.flush();
      this.bytes = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset);
    }
    const at = this.batched++ * 5;
    hashName(this.view!, start, length, this.batch, at);
    this.batch[at + 2] = line;
    this.batch[at + 3] = start;
    this.batch[at + 4] = length;
    if (this.batched === BATCH) this.flush();
    return true;
  }

  flush(): void {
    const table = (this.table ??= new Int32Array(SLOTS * 2));
    const { batch } = this;
    for (let at = 0; at < this.batched * 5; at += 5) {
      let slot = batch[at]! * 2;
      const fingerprint = batch[at + 1]!;
      while (table[slot] !== 0 && table[slot] !== fingerprint) slot = (slot + 2) & (SLOTS * 2 - 1);
      if (table[slot] === 0) {
        table[slot] = fingerprint;
        table[slot + 1] = batch[at + 2]!;
        this.stored++;
      } else {
        this.repeat(slot + 1, at);
      }
    }
    this.batched = 0;
  }

  /** The report; the table's memory is let go. */
  report(): DuplicateReport {
    this.flush();
    this.table = this.bytes = this.view = undefined;
    const checked = this.stored + this.found.count;
    return { ...this.found, checked, complete: this.complete };
  }

  private repeat(firstLineAt: number, at: number): void {
    const table = this.table!;
    const first = table[firstLineAt]!;
    this.found.count++;
    if (first > 0) {
      this.found.names++;
      table[firstLineAt] = -first;
    }
    if (this.found.examples.length === MAX_EXAMPLES) return;
    const start = this.batch[at + 3]!;
    const name = this.bytes!.toString("utf8", start, start + this.batch[at + 4]!);
    this.found.examples.push({ name, lines: [Math.abs(first), this.batch[at + 2]!] });
  }
}

/**
 * Hashes four bytes at a time in two independent lanes (murmur-style mixing) into out[at] (slot)
 * and out[at + 1] (fingerprint, never 0). The last word is masked to the name's own bytes.
 */
function hashName(view: DataView, start: number, length: number, out: Int32Array, at: number) {
  let a = length;
  let b = Math.imul(length, 0x9e3779b1);
  const end = start + length;
  for (let i = start; i < end; i += 4) {
    const word = view.getInt32(i, true) & (end - i >= 4 ? -1 : LAST_BYTES[end - i]!);
    a = Math.imul(a ^ word, 0x5bd1e995);
    a ^= a >>> 15;
    b = Math.imul(b + word, 0xcc9e2d51);
    b = (b << 13) | (b >>> 19);
  }
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  out[at] = (a ^ (a >>> 13)) & (SLOTS - 1);
  b = Math.imul(b ^ (b >>> 16), 0xc2b2ae35);
  out[at + 1] = b ^ (b >>> 16) || 1;
}
