import { hash } from "node:crypto";
import { endianness } from "node:os";
import { NameList } from "./name-list.js";
import type { WaveSize } from "./settings.js";

/** One wave: its number (1-based) and its devices, in plan order. */
export class Wave {
  constructor(
    readonly number: number,
    /** A canary wave holds the canary devices alone. */
    readonly canary: boolean,
    private readonly list: NameList,
    // Which of the list's names, in plan order.
    private readonly picks: Uint32Array,
  ) {}

  get size(): number {
    return this.picks.length;
  }

  name(i: number): string {
    return this.list.name(this.picks[i]!);
  }

  /** The first `limit` names (all by default), as strings. */
  names(limit = this.size): string[] {
    return Array.from(this.picks.subarray(0, limit), (i) => this.list.name(i));
  }

  /** The wave as a list file (one name per LF-ended line), in pieces of `names` names. */
  *lines(names = 65536): Generator<Buffer> {
    for (let at = 0; at < this.size; at += names) {
      yield this.list.linesOf(this.picks.subarray(at, at + names));
    }
  }
}

/**
 * Where a device falls in the rollout: a stable hash of (firmware version, device name), so
 * each wave is a spread of the fleet, not the first lines of a file sorted by customer or
 * region, and the same inputs always give the same waves. A new version reshuffles the fleet,
 * so the same devices are not always first. The key is the first 48 bits of the SHA-256 of
 * "<version>\n<name>" in UTF-8: a number JavaScript holds exactly.
 */
export function rank(version: string, name: string): number {
  const digest = sha256(`${version}\n${name}`);
  return top32(digest) * 0x10000 + ((digest.charCodeAt(4) << 8) | digest.charCodeAt(5));
}

// The digest as a "binary" (latin1) string, one character a byte: read without slicing or
// parsing, and no ArrayBuffer per name as a Buffer digest would take.
function sha256(input: string | Buffer): string {
  return hash("sha256", input, "binary");
}

function top32(digest: string): number {
  return (
    ((digest.charCodeAt(0) << 24) |
      (digest.charCodeAt(1) << 16) |
      (digest.charCodeAt(2) << 8) |
      digest.charCodeAt(3)) >>>
    0
  );
}

/**
 * Calls `each` with every name's digest of "<version>\n<name>", hashed from one scratch buffer
 * through one view per length: nothing is allocated per name but the digest.
 */
function eachDigest(
  list: NameList,
  version: string,
  each: (i: number, digest: string) => void,
): void {
  const prefix = Buffer.from(`${version}\n`);
  let scratch = Buffer.alloc(0);
  let views: Buffer[] = [];
  for (let i = 0; i < list.count; i++) {
    const name = list.bytes(i);
    const length = prefix.length + name.length;
    if (length > scratch.length) {
      scratch = Buffer.allocUnsafe(Math.max(length, 2 * scratch.length, 1024));
      prefix.copy(scratch);
      views = [];
    }
    name.copy(scratch, prefix.length);
    each(i, sha256((views[length] ??= scratch.subarray(0, length))));
  }
}

/**
 * Pure: the waves of a rollout. Canaries first, on their own; then the rest in rank order, cut
 * at the cumulative sizes (a count, or a share of the whole target rounded down; 100% is every
 * device). A size that adds no device gives no wave, so no wave is empty. `list` holds each name
 * once (see distinct-names.ts) and every canary (see plan-rollout.ts): then the waves hold each
 * device exactly once.
 */
export function planWaves(
  list: NameList,
  version: string,
  sizes: readonly WaveSize[],
  canaryNames: readonly string[] = [],
): Wave[] {
  const canaries = [...new Set(canaryNames)];
  const rest = inRankOrder(list, version, canaries);
  // The target is the canaries and the rest: a canary missing from the list still counts once.
  const total = canaries.length + rest.length;
  const waves: Wave[] = [];
  if (canaries.length > 0) {
    const canaryList = NameList.fromStrings(canaries);
    waves.push(new Wave(1, true, canaryList, Uint32Array.from(canaries.keys())));
  }
  let done = 0;
  for (const size of sizes) {
    const wanted = "count" in size ? size.count : shareOf(size.percent, total);
    const end = Math.min(rest.length, Math.max(done, wanted - canaries.length));
    if (end > done) {
      waves.push(new Wave(waves.length + 1, false, list, rest.subarray(done, end)));
      done = end;
    }
  }
  // Sizes that stop short of 100% (waveSizes never gives those) still leave no device out.
  if (done < rest.length) {
    waves.push(new Wave(waves.length + 1, false, list, rest.subarray(done)));
  }
  return waves;
}

/**
 * percent% of total, rounded down, computed on the percent's decimal digits: in floating point
 * 2.3% of 100,000 comes out as 2,299.
 */
export function shareOf(percent: number, total: number): number {
  if (percent >= 100) return total;
  const [, whole = "0", fraction = "", exponent = "0"] =
    /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(percent)) ?? [];
  // percent = digits / 10^scale
  const scale = fraction.length - Number(exponent);
  const digits = BigInt(whole + fraction) * 10n ** BigInt(Math.max(0, -scale));
  const share = (digits * BigInt(total)) / (100n * 10n ** BigInt(Math.max(0, scale)));
  return Number(share);
}

const LITTLE_ENDIAN = endianness() === "LE";

/**
 * The list's names but the canaries, as indexes in rank order (ties: by the names' bytes). Each
 * name is one 64-bit entry, the top 32 bits of its key above its index, sorted natively (no
 * comparator, no object per name); the few names whose top 32 bits tie are put in order after,
 * by their whole key and bytes.
 */
function inRankOrder(list: NameList, version: string, canaries: readonly string[]): Uint32Array {
  const entries = new BigUint64Array(list.count);
  const halves = new Uint32Array(entries.buffer);
  const [low, high] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  // A name is read as a string only when its top 32 bits are a canary's.
  const canaryNames = new Set(canaries);
  const canaryTops = new Set(canaries.map((name) => top32(sha256(`${version}\n${name}`))));
  let count = 0;
  eachDigest(list, version, (i, digest) => {
    const top = top32(digest);
    if (canaryTops.has(top) && canaryNames.has(list.name(i))) return;
    halves[2 * count + low] = i;
    halves[2 * count + high] = top;
    count++;
  });
  entries.subarray(0, count).sort();
  for (let j = 0; j < count;) {
    let end = j + 1;
    while (end < count && halves[2 * end + high] === halves[2 * j + high]) end++;
    if (end - j > 1) {
      const tied = Uint32Array.from({ length: end - j }, (_, k) => halves[2 * (j + k) + low]!);
      tied.sort(
        (a, b) =>
          rank(version, list.name(a)) - rank(version, list.name(b)) ||
          Buffer.compare(list.bytes(a), list.bytes(b)),
      );
      tied.forEach((i, k) => (halves[2 * (j + k) + low] = i));
    }
    j = end;
  }
  // The indexes, moved down into the first half of the same buffer (index j is read from
  // 2j or 2j + 1, never before it is written): no second array.
  const order = halves.subarray(0, count);
  for (let j = 0; j < count; j++) order[j] = halves[2 * j + low]!;
  return order;
}
