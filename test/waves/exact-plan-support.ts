import { expect } from "vitest";
import { NameList } from "../../src/waves/name-list.js";
import { exactPlan } from "../../src/waves/plan-rollout.js";
import type { Wave } from "../../src/waves/plan.js";
import { waveSizes } from "../../src/waves/settings.js";

// What "exact" means for a plan: every distinct device of the target in exactly one wave, no
// empty wave, no stray one, the canaries alone and first.

/** `count` device names: dev-1, dev-2, … */
export const fleet = (count: number, prefix = "dev-"): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);

/** The waves the action plans for a device-list of these lines. */
export function plan(
  names: readonly string[],
  spec: string,
  canaries: readonly string[] = [],
): Wave[] {
  const settings = { sizes: waveSizes(spec), canaries: [...canaries] };
  return exactPlan(NameList.fromStrings(names), "2.0.0", settings, "device-list fleet.txt").waves;
}

/** Throws unless the waves hold exactly the target's distinct devices, canaries first. */
export function expectExact(
  waves: Wave[],
  names: readonly string[],
  canaries: readonly string[],
): void {
  const planned = waves.flatMap((wave) => wave.names());
  const target = new Set(names);
  expect(
    waves.reduce((sum, wave) => sum + wave.size, 0),
    "sum of wave sizes",
  ).toBe(target.size);
  expect(new Set(planned).size, "no device twice").toBe(planned.length);
  expect(new Set(planned)).toEqual(target);
  expect(
    waves.filter((wave) => wave.size === 0),
    "empty waves",
  ).toEqual([]);
  expect(waves.map((wave) => wave.number)).toEqual(waves.map((_, i) => i + 1));
  const distinctCanaries = [...new Set(canaries)];
  expect(waves.map((wave) => wave.canary)).toEqual(
    waves.map((_, i) => i === 0 && distinctCanaries.length > 0),
  );
  if (distinctCanaries.length > 0) expect(waves[0]!.names()).toEqual(distinctCanaries);
}
