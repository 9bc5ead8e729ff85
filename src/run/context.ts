import { setTimeout as delay } from "node:timers/promises";
import type { Inputs } from "../inputs/read-inputs.js";
import type { Dispatchers } from "../http/dispatchers.js";
import type { RetryPolicy } from "../http/retry.js";
import type { RunReport } from "../report/run-report.js";
import type { TencentClient } from "../tencent/client.js";
import type { CancelWatch } from "./cancel-watch.js";
import type { DeploymentRecord } from "../deployment/record.js";

/** What a run shares with its steps. */
export interface RunContext {
  startedAt: number;
  dispatchers: Dispatchers;
  watch: CancelWatch;
  report: RunReport;
  /** The clock every wait and deadline uses; a seam for tests (main passes the real one). */
  clock: Clock;
  /** The rollout's GitHub Deployment (a record that does nothing when deployments are off). */
  deployment: DeploymentRecord;
}

/**
 * Time as the run sees it. `sleep` resolves early when the step is cancelled, or when `stop`
 * aborts (a bound that is no longer needed, so it holds nothing open).
 */
export interface Clock {
  now: () => number;
  sleep: (ms: number, stop?: AbortSignal) => Promise<void>;
}

/** The real clock, its sleeps woken by a cancel signal. */
export function realClock(signal: AbortSignal): Clock {
  return {
    now: Date.now,
    sleep: (ms, stop) =>
      delay(ms, undefined, { signal: stop ? AbortSignal.any([signal, stop]) : signal }).catch(
        () => undefined,
      ),
  };
}

/**
 * The run's context once it can call IoT Video: the inputs, the client, and the retry bounds of
 * each call. Every step from the firmware check on takes this one object.
 */
export interface StepContext extends RunContext {
  inputs: Inputs;
  client: TencentClient;
  policy: RetryPolicy;
}
