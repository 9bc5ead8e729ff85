import { describe, expect, it } from "vitest";
import { distinctNames } from "../../src/waves/distinct-names.js";
import { NameList } from "../../src/waves/name-list.js";

const namesOf = (list: NameList): string[] =>
  Array.from({ length: list.count }, (_, i) => list.name(i));

describe("distinctNames", () => {
  it.each([
    { name: "no repeats", names: ["a", "b", "c"], kept: ["a", "b", "c"], repeated: 0, dropped: 0 },
    {
      name: "first occurrence wins, in list order",
      names: ["c", "a", "c", "b", "a", "c"],
      kept: ["c", "a", "b"],
      repeated: 2,
      dropped: 3,
    },
    {
      name: "a list of one name, repeated",
      names: ["x", "x", "x"],
      kept: ["x"],
      repeated: 1,
      dropped: 2,
    },
    {
      name: "prefixes and near names stay apart",
      names: ["cam-1", "cam-10", "cam-1", "cam-100", "cam-10"],
      kept: ["cam-1", "cam-10", "cam-100"],
      repeated: 2,
      dropped: 2,
    },
    {
      name: "UTF-8 names, compared by their bytes",
      names: ["Kamera-ü", "摄像头-2", "Kamera-u", "摄像头-2"],
      kept: ["Kamera-ü", "摄像头-2", "Kamera-u"],
      repeated: 1,
      dropped: 1,
    },
  ])("$name", ({ names, kept, repeated, dropped }) => {
    const distinct = distinctNames(NameList.fromStrings(names));
    expect(namesOf(distinct.list)).toEqual(kept);
    expect(distinct.list.lines.toString()).toBe(kept.map((name) => `${name}\n`).join(""));
    expect(distinct.repeats).toMatchObject({ names: repeated, dropped });
  });

  it("hands back the same list when nothing repeats: no copy", () => {
    const list = NameList.fromStrings(["a", "b"]);
    expect(distinctNames(list).list).toBe(list);
  });

  it("names the first three repeated names in the order their first repeat came", () => {
    const names = ["a", "b", "c", "d", "e", "d", "b", "b", "e", "a", "c"];
    expect(distinctNames(NameList.fromStrings(names)).repeats).toEqual({
      names: 5,
      dropped: 6,
      examples: ["d", "b", "e"],
    });
  });

  it("answers whether a name is in the list, byte for byte", () => {
    const distinct = distinctNames(NameList.fromStrings(["cam-1", "cam-10", "cam-1", "Kamera-ü"]));
    expect(["cam-1", "cam-10", "Kamera-ü"].map((name) => distinct.has(name))).toEqual([
      true,
      true,
      true,
    ]);
    expect(["cam-", "cam-100", "Kamera-u", "", "cam-1 "].map((name) => distinct.has(name))).toEqual(
      [false, false, false, false, false],
    );
  });

  it("agrees with a Set over 300,000 names, a third of them repeats (proves the table at scale)", () => {
    // Enough names that slots collide and wrap around; repeats drawn from a seeded generator.
    let seed = 7;
    const random = (): number =>
      ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
    const names = Array.from({ length: 300_000 }, (_, i) =>
      i % 3 === 2 ? `sn-${Math.floor(random() * i)}` : `sn-${i}`,
    );
    const distinct = distinctNames(NameList.fromStrings(names));
    const expected = [...new Set(names)];
    expect(namesOf(distinct.list)).toEqual(expected);
    expect(distinct.repeats.dropped).toBe(names.length - expected.length);
    const counts = new Map<string, number>();
    for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
    expect(distinct.repeats.names).toBe([...counts.values()].filter((n) => n > 1).length);
    expect(distinct.has("sn-299998") && !distinct.has("sn-300000")).toBe(true);
  });
});
