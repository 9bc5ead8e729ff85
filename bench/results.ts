// What one run of the bench measured, per Node version: the data the console and BENCHMARKS.md
// are written from.
import type { CancelRun } from "./cancel.js";
import type { ColdSummary } from "./cold-summary.js";
import type { InlineRun } from "./inline.js";
import type { Row } from "./table.js";
import type { planMillion, WaitRun } from "./wait.js";
import type { fiveWaves, resumedWaves } from "./waves.js";

export type PlanRun = ReturnType<typeof planMillion>;
export type WavesRun = Awaited<ReturnType<typeof fiveWaves>>;
export type ResumedRun = Awaited<ReturnType<typeof resumedWaves>>;

/** One Node version's figures; a section that was not run is absent. */
export interface NodeResults {
  /** The binary, as spawned. */
  node: string;
  /** `node --version`, e.g. v24.21.0. */
  version: string;
  /** Sections that threw on this Node: left out, and named in the output. */
  failed: string[];
  cold?: ColdSummary;
  lists?: Row[];
  wait?: WaitRun;
  /** planWaves on 1M names, in a process of this Node. */
  plan?: PlanRun;
  waves?: WavesRun;
  /** The same rollout resumed after four waves: the device rows read back. */
  resumed?: ResumedRun;
  /** The same, with the waves' tasks read from the deployment's record (a GitHub stand-in). */
  resumedLedger?: ResumedRun;
  /** How many inline names a process takes, and where the action warns. */
  inline?: InlineRun;
  /** 100,000 not-started devices cancelled against a 20/s limit, on a simulated clock. */
  cancel?: CancelRun;
}
