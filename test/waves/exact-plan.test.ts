import { describe, expect, it } from "vitest";
import { InputError } from "../../src/run/errors.js";
import { NameList } from "../../src/waves/name-list.js";
import { describeRepeats, exactPlan } from "../../src/waves/plan-rollout.js";
import { waveSizes } from "../../src/waves/settings.js";
import { expectExact, fleet, plan } from "./exact-plan-support.js";

// Plans of every kind of size and canary that has gone wrong, or could: each holds the
// invariants of exact-plan-support.ts and cuts where the table says.

describe("exact plans", () => {
  const twenty = fleet(20);
  it.each([
    { name: "counts", names: twenty, spec: "2, 5, 100%", canaries: [], sizes: [2, 3, 15] },
    {
      name: "canaries and counts: canaries count in the cumulative sizes",
      names: twenty,
      spec: "5, 10, 100%",
      canaries: ["dev-7", "dev-3"],
      sizes: [2, 3, 5, 10],
    },
    {
      name: "a count below the canaries adds no wave",
      names: twenty,
      spec: "2, 10, 100%",
      canaries: ["dev-1", "dev-2", "dev-3"],
      sizes: [3, 7, 10],
    },
    {
      name: "canaries that already make up the first share",
      names: twenty,
      spec: "10%, 100%",
      canaries: ["dev-4", "dev-9"],
      sizes: [2, 18],
    },
    {
      name: "canaries past the first shares",
      names: fleet(10),
      spec: "10%, 50%, 100%",
      canaries: ["dev-1", "dev-2", "dev-3"],
      sizes: [3, 2, 5],
    },
    {
      name: "counts larger than the fleet",
      names: fleet(5),
      spec: "10, 50, 100%",
      canaries: [],
      sizes: [5],
    },
    {
      name: "a count larger than the fleet, with a canary",
      names: fleet(5),
      spec: "10, 100%",
      canaries: ["dev-5"],
      sizes: [1, 4],
    },
    {
      name: "shares that round to the same size give one wave",
      names: twenty,
      spec: "1%, 2%, 4%, 5%, 100%",
      canaries: [],
      sizes: [1, 19],
    },
    {
      name: "10% and 12% of 30 are both 3",
      names: fleet(30),
      spec: "10%, 12%, 100%",
      canaries: [],
      sizes: [3, 27],
    },
    {
      name: "shares of the distinct devices, not of the lines",
      names: [...twenty, ...twenty.slice(0, 10)],
      spec: "25%, 100%",
      canaries: [],
      sizes: [5, 15],
    },
    {
      name: "repeated canaries are one canary",
      names: twenty,
      spec: "5, 100%",
      canaries: ["dev-2", "dev-2"],
      sizes: [1, 4, 15],
    },
    {
      name: "a repeated canary in a list that repeats it",
      names: ["dev-1", "dev-2", "dev-1", "dev-3", "dev-1"],
      spec: "100%",
      canaries: ["dev-1"],
      sizes: [1, 2],
    },
    {
      name: "every device a canary",
      names: fleet(3),
      spec: "50%, 100%",
      canaries: ["dev-3", "dev-1", "dev-2"],
      sizes: [3],
    },
    {
      name: "a decimal share, exactly (2.3% of 3000 is 69; floating point says 68)",
      names: fleet(3000),
      spec: "2.3%, 100%",
      canaries: [],
      sizes: [69, 2931],
    },
  ])("$name → $sizes", ({ names, spec, canaries, sizes }) => {
    const waves = plan(names, spec, canaries);
    expect(waves.map((wave) => wave.size)).toEqual(sizes);
    expectExact(waves, names, canaries);
  });

  it.each([
    {
      canaries: ["dev-1", "lab-9", "dev-2", "lab-10"],
      message:
        "Invalid input 'canary-devices': 'lab-9'. Expected each canary to be one of the devices of device-list fleet.txt (canaries are the rollout's first wave); 2 of the 4 canaries are not, this one first.",
    },
    {
      canaries: ["dev-21"],
      message:
        "Invalid input 'canary-devices': 'dev-21'. Expected each canary to be one of the devices of device-list fleet.txt (canaries are the rollout's first wave); this one is not.",
    },
  ])("refuses canaries outside the target: $canaries", ({ canaries, message }) => {
    expect(() => plan(fleet(20), "10%, 100%", canaries)).toThrow(InputError);
    expect(() => plan(fleet(20), "10%, 100%", canaries)).toThrow(message);
  });

  it("reports repeats: how many devices, how many extra entries, the first three", () => {
    const names = ["a", "b", "c", "d", "b", "a", "a", "d", "c"];
    const { repeats } = exactPlan(
      NameList.fromStrings(names),
      "2.0.0",
      { sizes: waveSizes("100%"), canaries: [] },
      "device-list f.txt",
    );
    expect(describeRepeats(repeats, "device-list f.txt")).toBe(
      "device-list f.txt names 4 device(s) more than once (5 extra entries; first: b, a, d, …): each is planned once.",
    );
  });
});
