import { describe, expect, it } from "vitest";
import { expectExact, fleet, plan } from "./exact-plan-support.js";

// Random fleets (with repeated lines), canaries and sizes, from a fixed seed: every plan holds
// the invariants, and its cuts match a reference computed in integers.

/** mulberry32: the same seed gives the same fleets, so a failure can be replayed. */
function generator(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe("exact plans, over random fleets and sizes (seeded)", () => {
  it("hold every invariant and cut where exact arithmetic says, 400 cases", () => {
    const random = generator(20240611);
    const int = (below: number): number => Math.floor(random() * below);
    for (let run = 0; run < 400; run++) {
      const distinct = fleet(1 + int(run % 10 === 0 ? 3000 : 60), `cam-${run}-`);
      const names = [
        ...distinct,
        ...Array.from({ length: int(20) }, () => distinct[int(distinct.length)]!),
      ];
      for (let i = names.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [names[i], names[j]] = [names[j]!, names[i]!];
      }
      const canaries = Array.from({ length: int(5) }, () => distinct[int(distinct.length)]!);
      // Sizes as a user writes them: growing counts and growing shares, interleaved, then 100%.
      const steps: Array<{ count: number } | { m: number; d: number }> = [];
      let [count, share] = [0, 0];
      while (random() < 0.7 && share < 9000) {
        if (random() < 0.4) steps.push({ count: (count += 1 + int(distinct.length / 3 + 1)) });
        else {
          // Hundredths of a percent, written with 0 to 2 decimals; kept only when it grows and stays below 100%.
          const d = int(3);
          const m = Math.floor((share + 1 + int(3000)) / 10 ** (2 - d));
          if (m * 10 ** (2 - d) <= share || m * 10 ** (2 - d) >= 10_000) continue;
          share = m * 10 ** (2 - d);
          steps.push({ m, d });
        }
      }
      const spec = [
        ...steps.map((s) =>
          "count" in s ? String(s.count) : `${(s.m / 10 ** s.d).toFixed(s.d)}%`,
        ),
        "100%",
      ].join(", ");
      const label = `case ${run}: ${distinct.length} devices, ${names.length} lines, canaries ${canaries.join(",")}, waves ${spec}`;
      const waves = plan(names, spec, canaries);
      expectExact(waves, names, canaries);
      // The reference: cumulative ends in integers (m/10^d percent of total, rounded down).
      const total = distinct.length;
      const k = new Set(canaries).size;
      const ends = k > 0 ? [k] : [];
      let done = k;
      for (const s of [...steps, { m: 100, d: 0 }]) {
        const wanted = "count" in s ? s.count : Math.floor((s.m * total) / (100 * 10 ** s.d));
        const end = Math.min(total, Math.max(done, wanted));
        if (end > done) ends.push((done = end));
      }
      let sum = 0;
      expect(
        waves.map((wave) => (sum += wave.size)),
        label,
      ).toEqual(ends);
    }
  });
});
