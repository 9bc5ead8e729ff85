import { NameList } from "./name-list.js";

const SHOWN = 3;

/** What dropping a list's repeated names found. */
export interface Repeats {
  /** Distinct names that appear more than once. */
  names: number;
  /** Entries dropped: a name listed three times counts twice. */
  dropped: number;
  /** The first few repeated names, in the order their first repeat came. */
  examples: string[];
}

/** A list without repeats, and a way to ask whether a name is in it. */
export interface DistinctNames {
  /** Each name once, where it first appeared: the same list when nothing repeats. */
  list: NameList;
  repeats: Repeats;
  /** Whether `name` is in the list, byte for byte. */
  has(name: string): boolean;
}

/**
 * Pure: drops every repeat of a name, keeping its first occurrence. Costs a table of 4 to 8 bytes
 * a name while it runs, and two bitmaps once a name repeats; nothing per name on the JavaScript
 * heap. Names are compared by their bytes, so a hash collision never merges two devices.
 */
export function distinctNames(list: NameList): DistinctNames {
  const table = new NameTable(list);
  const repeats: Repeats = { names: 0, dropped: 0, examples: [] };
  // Bit i of `dropped`: name i repeats an earlier one; of `repeated`: a later one repeats name i.
  let dropped: Uint8Array | undefined;
  let repeated: Uint8Array | undefined;
  for (let i = 0; i < list.count; i++) {
    const first = table.insert(i);
    if (first < 0) continue;
    dropped ??= new Uint8Array((list.count + 7) >>> 3);
    repeated ??= new Uint8Array((list.count + 7) >>> 3);
    dropped[i >>> 3]! |= 1 << (i & 7);
    repeats.dropped++;
    if ((repeated[first >>> 3]! & (1 << (first & 7))) !== 0) continue;
    repeated[first >>> 3]! |= 1 << (first & 7);
    repeats.names++;
    if (repeats.examples.length < SHOWN) repeats.examples.push(list.name(i));
  }
  return {
    list: dropped === undefined ? list : without(list, dropped),
    repeats,
    has: (name) => table.has(name),
  };
}

/** The list without the names whose bit is set, copied a run of kept names at a time. */
function without(list: NameList, dropped: Uint8Array): NameList {
  let size = list.lines.length;
  for (let i = 0; i < list.count; i++) {
    if ((dropped[i >>> 3]! & (1 << (i & 7))) !== 0) size -= list.start(i + 1) - list.start(i);
  }
  const lines = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = 0; i < list.count;) {
    let end = i;
    while (end < list.count && (dropped[end >>> 3]! & (1 << (end & 7))) === 0) end++;
    at += list.lines.copy(lines, at, list.start(i), list.start(end));
    i = end + 1;
  }
  return NameList.fromLines(lines);
}

/**
 * Open addressing over the list's names. A slot holds 1 + the index of a name in its low bits
 * and the top bits of the name's hash above them (12 for a million names), so most occupied
 * slots are passed over without reading the names' bytes; at most two-thirds are used.
 */
class NameTable {
  private readonly slots: Uint32Array;
  private readonly mask: number;
  private readonly indexBits: number;

  constructor(private readonly list: NameList) {
    let size = 16;
    while (size < list.count + (list.count >>> 1)) size *= 2;
    this.slots = new Uint32Array(size);
    this.mask = size - 1;
    this.indexBits = 32 - Math.clz32(list.count);
  }

  /** Adds name i and returns -1, or returns the index of the equal name added before. */
  insert(i: number): number {
    const start = this.list.start(i);
    const end = this.list.start(i + 1) - 1;
    const hash = hashBytes(this.list.lines, start, end);
    const slot = this.find(this.list.lines, start, end, hash);
    const entry = this.slots[slot]!;
    if (entry !== 0) return (entry & this.indexMask()) - 1;
    this.slots[slot] = (this.tag(hash) | (i + 1)) >>> 0;
    return -1;
  }

  has(name: string): boolean {
    const bytes = Buffer.from(name);
    return this.slots[this.find(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length))] !== 0;
  }

  /** The slot of the name at `bytes[start, end)`, or the free slot where it would go. */
  private find(bytes: Buffer, start: number, end: number, hash: number): number {
    const tag = this.tag(hash);
    const indexMask = this.indexMask();
    const { list } = this;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return slot;
      if ((entry & ~indexMask) >>> 0 !== tag >>> 0) continue;
      const j = (entry & indexMask) - 1;
      const from = list.start(j);
      const to = list.start(j + 1) - 1;
      if (to - from === end - start && bytes.compare(list.lines, from, to, start, end) === 0) {
        return slot;
      }
    }
  }

  private indexMask(): number {
    return this.indexBits >= 32 ? -1 : (1 << this.indexBits) - 1;
  }

  /** The hash's top bits, where the slot's index does not reach (the slot comes from its low bits). */
  private tag(hash: number): number {
    return this.indexBits >= 32 ? 0 : (hash >>> this.indexBits) << this.indexBits;
  }
}

/** FNV-1a over the bytes, then murmur3's finalizer so the low bits (the slot) are well mixed. */
function hashBytes(bytes: Buffer, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
