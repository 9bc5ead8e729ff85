import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/run/errors.js";
import { NameList } from "../../src/waves/name-list.js";
import { planWaves } from "../../src/waves/plan.js";
import { waveSizes, type WaveSize } from "../../src/waves/settings.js";

// A fleet listed the way exports are: sorted, say, by region and then customer.
const FLEET = Array.from({ length: 1000 }, (_, i) => `cam-${String(i).padStart(4, "0")}`);
const SIZES = waveSizes("10, 5%, 25%, 100%");

/** The waves' names, as the action would send them. */
function plan(
  names: readonly string[],
  version: string,
  sizes: readonly WaveSize[],
  canaries: readonly string[] = [],
): string[][] {
  return planWaves(NameList.fromStrings(names), version, sizes, canaries).map((w) => w.names());
}

describe("planWaves", () => {
  it("cuts at the cumulative sizes: 10, then up to 5%, 25% and the rest", () => {
    expect(plan(FLEET, "2.0.0", SIZES).map((w) => w.length)).toEqual([10, 40, 200, 750]);
  });

  it("covers every device exactly once", () => {
    const all = plan(FLEET, "2.0.0", SIZES).flat();
    expect(all).toHaveLength(FLEET.length);
    expect(new Set(all)).toEqual(new Set(FLEET));
  });

  it("is stable: the same inputs give the same waves, whatever the list's order", () => {
    const shuffled = [...FLEET].reverse();
    expect(plan(shuffled, "2.0.0", SIZES)).toEqual(plan(FLEET, "2.0.0", SIZES));
  });

  it("orders devices by the first 48 bits of SHA-256 of version, LF, name", () => {
    const key = (name: string): string =>
      createHash("sha256").update(`2.0.0\n${name}`, "utf8").digest("hex").slice(0, 12);
    const expected = [...FLEET].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    expect(plan(FLEET, "2.0.0", SIZES).flat()).toEqual(expected);
  });

  it("orders names whose first 32 bits tie by the rest of the key", () => {
    // Pairs whose keys for 2.0.0 share their first 32 bits, found once by hashing "sn-0" to
    // "sn-199999" and grouping by the first 8 hex digits (200,000 names hold about 4.7 such
    // pairs). In some pairs the list's order agrees with the rest of the key, in others it does
    // not: keeping either the list's order or its reverse for a tie puts some pair wrong.
    const pairs = [
      ["sn-11061", "sn-34442"],
      ["sn-13867", "sn-89122"],
      ["sn-66734", "sn-147941"],
      ["sn-66805", "sn-156190"],
      ["sn-107374", "sn-166260"],
      ["sn-84469", "sn-179704"],
    ];
    const key = (name: string): string =>
      createHash("sha256").update(`2.0.0\n${name}`, "utf8").digest("hex").slice(0, 12);
    for (const [a, b] of pairs) {
      expect(key(a!).slice(0, 8), `${a} and ${b} tie in 32 bits`).toBe(key(b!).slice(0, 8));
      expect(key(a!)).not.toBe(key(b!));
    }
    const names = pairs.flat();
    const expected = [...names].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    for (const list of [names, [...names].reverse()]) {
      const planned = planWaves(NameList.fromStrings(list), "2.0.0", [{ percent: 100 }]);
      expect(planned[0]!.names()).toEqual(expected);
    }
  });

  it("spreads each wave over the fleet instead of taking the first lines", () => {
    for (const wave of plan(FLEET, "2.0.0", SIZES).slice(1)) {
      const positions = wave.map((name) => FLEET.indexOf(name));
      // Every tenth of the list is represented in a wave of 40 or more.
      const tenths = new Set(positions.map((p) => Math.floor(p / 100)));
      expect(tenths.size).toBe(10);
    }
  });

  it("reshuffles with a new version, so the same devices are not always first", () => {
    const first = plan(FLEET, "2.0.0", SIZES)[0]!;
    const next = plan(FLEET, "2.1.0", SIZES)[0]!;
    expect(first.filter((name) => next.includes(name)).length).toBeLessThan(5);
  });

  it("puts canaries first, on their own, counted in the cumulative sizes", () => {
    const waves = planWaves(NameList.fromStrings(FLEET), "2.0.0", SIZES, ["cam-0500", "cam-0007"]);
    expect(waves.map((w) => [w.number, w.canary, w.size])).toEqual([
      [1, true, 2],
      [2, false, 8],
      [3, false, 40],
      [4, false, 200],
      [5, false, 750],
    ]);
    expect(waves[0]!.names()).toEqual(["cam-0500", "cam-0007"]);
    expect(waves.slice(1).flatMap((w) => w.names())).not.toContain("cam-0500");
  });

  it("drops a size that adds no device, and a tiny list still gets every device", () => {
    const waves = planWaves(NameList.fromStrings(FLEET.slice(0, 12)), "2.0.0", SIZES);
    expect(waves.map((w) => [w.number, w.size])).toEqual([
      [1, 10],
      [2, 2],
    ]);
  });
});

describe("waveSizes", () => {
  it.each([
    {
      spec: "10, 5%, 25%, 100%",
      sizes: [{ count: 10 }, { percent: 5 }, { percent: 25 }, { percent: 100 }],
    },
    { spec: "100%", sizes: [{ percent: 100 }] },
    { spec: "1\n2.5%\n100%", sizes: [{ count: 1 }, { percent: 2.5 }, { percent: 100 }] },
  ])("$spec", ({ spec, sizes }) => {
    expect(waveSizes(spec)).toEqual(sizes);
  });

  it.each(["10, 50%", "0, 100%", "50%, 20%, 100%", "20, 10, 100%", "ten, 100%", "150%", ""])(
    "refuses %j",
    (spec) => {
      expect(() => waveSizes(spec)).toThrow(InputError);
    },
  );
});
