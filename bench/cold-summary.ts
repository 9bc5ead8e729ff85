// What the cold runs add up to: medians, the ratio to the SDK script, and the module-evaluation
// breakdown (each load bundle over bare node, the rest of the action as our code + requests).
import type { ColdResults, ColdRun, Variant } from "./cold.js";
import type { LoadBundle } from "./evaluation.js";
import { COLD_MAX_RATIO } from "./targets.js";

/** One load bundle's medians and what it costs over bare node. */
export interface LoadCost {
  bundle: LoadBundle;
  median: ColdRun;
  /** Median total minus bare node's median total, in seconds. */
  overBare: number;
}

/** Medians of every contender, and what they imply. */
export interface ColdSummary {
  runs: number;
  action: ColdRun;
  sdk: ColdRun;
  bare: ColdRun;
  variants: { variant: Variant; median: ColdRun }[];
  /** Action / SDK script, the target's figure. */
  ratio: number;
  loads: LoadCost[];
  /** The action's total minus the bundle of everything it imports: our code + requests. */
  ourCode?: number;
  /** The SDK script's total × 0.8 against the total of loading @actions/core alone. */
  floor?: { budget: number; coreAlone: number };
}

/** Median of each field over the runs (each field on its own). */
export function medianRun(runs: ColdRun[]): ColdRun {
  const field = (key: keyof ColdRun) => {
    const sorted = runs.map((run) => run[key]).sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)]!;
  };
  const keys = Object.keys(runs[0]!) as (keyof ColdRun)[];
  return Object.fromEntries(keys.map((key) => [key, field(key)])) as unknown as ColdRun;
}

export function summarizeCold(results: ColdResults): ColdSummary {
  const action = medianRun(results.action);
  const sdk = medianRun(results.sdk);
  const bare = medianRun(results.bare);
  const loads = results.loads.map(({ bundle, runs }): LoadCost => {
    const median = medianRun(runs);
    return { bundle, median, overBare: median.seconds - bare.seconds };
  });
  const everything = loads.find((load) => load.bundle.id === "core+github");
  const core = loads.find((load) => load.bundle.id === "core");
  return {
    runs: results.action.length,
    action,
    sdk,
    bare,
    variants: results.variants.map(({ variant, runs }) => ({ variant, median: medianRun(runs) })),
    ratio: action.seconds / sdk.seconds,
    loads,
    ...(everything && { ourCode: action.seconds - everything.median.seconds }),
    ...(core && {
      floor: { budget: sdk.seconds * COLD_MAX_RATIO, coreAlone: core.median.seconds },
    }),
  };
}

const ms = (seconds: number) => (seconds * 1000).toFixed(1);

/** Prints the medians with their phases, the ratios and the breakdown. */
export function printCold(summary: ColdSummary): void {
  const rows: [string, ColdRun][] = [
    ["action", summary.action],
    ["SDK script", summary.sdk],
    ["bare node", summary.bare],
    ...summary.variants.map((one): [string, ColdRun] => [
      `action, ${one.variant.label}`,
      one.median,
    ]),
    ...summary.loads.map((load): [string, ColdRun] => [`loads ${load.bundle.name}`, load.median]),
  ];
  console.log(`\nCold rollout (${summary.runs} alternating rounds, medians, ms):`);
  console.log(
    "total  node start  →1st request  requests (n)  →exit event    exit  RSS MiB  contender",
  );
  for (const [name, m] of rows) {
    const cells = [
      ms(m.seconds).padStart(5),
      ms(m.nodeStart).padStart(10),
      ms(m.toFirstRequest).padStart(12),
      `${ms(m.requests).padStart(8)} (${m.requestCount})`,
      ms(m.afterLastAnswer).padStart(12),
      ms(m.exit).padStart(6),
      m.peakRssMiB.toFixed(1).padStart(7),
      name,
    ];
    console.log(cells.join("  "));
  }
  printBreakdown(summary);
}

function printBreakdown(summary: ColdSummary): void {
  const { action, sdk, bare, ratio } = summary;
  console.log(
    `action / SDK ${ratio.toFixed(2)} (target ≤ ${COLD_MAX_RATIO}: ${ratio <= COLD_MAX_RATIO ? "met" : "NOT met"}),` +
      ` action / bare node ${(action.seconds / bare.seconds).toFixed(1)},` +
      ` SDK / bare node ${(sdk.seconds / bare.seconds).toFixed(1)}`,
  );
  for (const load of summary.loads) {
    const sign = load.overBare < 0 ? "" : "+";
    console.log(`loading ${load.bundle.name}: ${sign}${ms(load.overBare)} ms over bare node`);
  }
  if (summary.ourCode !== undefined) {
    console.log(
      `the action beyond all it imports (our code + requests): ${ms(summary.ourCode)} ms`,
    );
  }
  if (summary.floor !== undefined) {
    const { budget, coreAlone } = summary.floor;
    console.log(
      `floor: SDK × ${COLD_MAX_RATIO} = ${ms(budget)} ms; @actions/core alone takes ${ms(coreAlone)} ms` +
        ` (${ms(budget - coreAlone)} ms left for everything else)`,
    );
  }
}
