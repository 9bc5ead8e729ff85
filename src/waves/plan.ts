import { hash } from "node:crypto";
import type { WaveSize } from "./settings.js";

/** One wave: its number (1-based) and its devices, in plan order. */
export interface Wave {
  number: number;
  names: string[];
  /** A canary wave holds the canary devices alone. */
  canary: boolean;
}

/**
 * Where a device falls in the rollout: a stable hash of (firmware version, device name), so
 * each wave is a spread of the fleet, not the first lines of a file sorted by customer or
 * region, and the same inputs always give the same waves. A new version reshuffles the fleet,
 * so the same devices are not always first.
 */
export function rank(version: string, name: string): number {
  // The first 48 bits of the digest: a number JavaScript holds exactly, and sorts fast.
  return hash("sha256", `${version}\n${name}`, "buffer").readUIntBE(0, 6);
}

/**
 * Pure: the waves of a rollout. Canaries first, on their own; then the rest in rank order, cut
 * at the cumulative sizes (a count, or a share of the whole list rounded down; 100% is every
 * device). A size that adds no device gives no wave.
 */
export function planWaves(
  names: readonly string[],
  version: string,
  sizes: readonly WaveSize[],
  canaries: readonly string[] = [],
): Wave[] {
  const canarySet = new Set(canaries);
  const others = names.filter((name) => !canarySet.has(name));
  // Sorting indexes by precomputed keys keeps a million-name plan to two arrays.
  const keys = Float64Array.from(others, (name) => rank(version, name));
  const order = Uint32Array.from(others.keys()).sort(
    (a, b) => keys[a]! - keys[b]! || (others[a]! < others[b]! ? -1 : 1),
  );
  const rest = Array.from(order, (i) => others[i]!);
  const total = names.length;
  const waves: Wave[] = [];
  if (canaries.length > 0) waves.push({ number: 1, names: [...canaries], canary: true });
  let done = 0;
  for (const size of sizes) {
    const wanted =
      "count" in size
        ? size.count
        : size.percent >= 100
          ? total
          : Math.floor((size.percent * total) / 100);
    const end = Math.min(rest.length, Math.max(done, wanted - canaries.length));
    if (end > done) {
      waves.push({ number: waves.length + 1, names: rest.slice(done, end), canary: false });
      done = end;
    }
  }
  if (done < rest.length) {
    waves.push({ number: waves.length + 1, names: rest.slice(done), canary: false });
  }
  return waves;
}
