// `npm run bench -- --sections cancel`: cancelling 100,000 not-started devices against a 20/s
// rate limit, the real pacer (src/waves/pacer.ts) on a simulated clock, so 83 minutes of calls
// take seconds: each call is a 100 ms round trip, and the "server" counts its limit halfway.
import { fileURLToPath } from "node:url";
import { ApiError } from "../src/run/errors.js";
import { DEFAULT_BACKOFF } from "../src/http/retry.js";
import { paceCalls } from "../src/waves/pacer.js";
import { RateWindow } from "../test/support/rate-window.js";
import { SimClock } from "../test/support/sim-clock.js";
import { count, nodeName, table, verdict } from "./markdown.js";
import { timed } from "./measure.js";
import type { NodeResults } from "./results.js";
import type { Check } from "./targets.js";

export const CANCEL_DEVICES = 100_000;
export const CANCEL_LIMIT = 20;
const ROUND_TRIP_MS = 100;
/** The share of the limit the cancels must use. */
export const MIN_SHARE = 0.9;
const CANCEL_ONCE = fileURLToPath(new URL("./cancel-once.ts", import.meta.url));

/** What one simulated cancel did. */
export interface CancelRun {
  devices: number;
  limit: number;
  calls: number;
  refused: number;
  /** Simulated time from the first call to the last answer. */
  simulatedSeconds: number;
  /** Accepted calls over what the limit allows in that time. */
  share: number;
  /** Devices the server never cancelled. */
  left: number;
  progressReports: number;
  /** Real time the simulation took. */
  seconds: number;
}

/** One simulated cancel of `devices` not-started devices, in this process. */
export async function simulatedCancel(devices = CANCEL_DEVICES): Promise<CancelRun> {
  const clock = new SimClock();
  const window = new RateWindow(CANCEL_LIMIT, clock.now);
  const cancelled = new Set<string>();
  const attempt = async (name: string) => {
    await clock.sleep(ROUND_TRIP_MS / 2);
    const accepted = window.admit();
    await clock.sleep(ROUND_TRIP_MS / 2);
    if (!accepted) throw new ApiError("CancelDeviceFirmwareTask", "RequestLimitExceeded", "", "");
    cancelled.add(name);
  };
  const names = Array.from({ length: devices }, (_, i) => `cam-${String(i).padStart(8, "0")}`);
  const policy = {
    maxAttempts: 4,
    ...DEFAULT_BACKOFF,
    random: () => 0.5,
    now: clock.now,
    sleep: clock.sleep,
  };
  let progressReports = 0;
  const started = performance.now();
  const result = await clock.run(() =>
    paceCalls(names, attempt, policy, {
      movedOn: () => false,
      onProgress: () => progressReports++,
    }),
  );
  return {
    devices,
    limit: CANCEL_LIMIT,
    calls: result.calls,
    refused: window.refused,
    simulatedSeconds: result.elapsedMs / 1000,
    share: window.share(result.elapsedMs),
    left: devices - cancelled.size,
    progressReports,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The same in a fresh process of `node` (cancel-once.ts). */
export async function cancelOnce(node: string): Promise<CancelRun> {
  const run = await timed(node, ["--import", "tsx", CANCEL_ONCE]);
  if (run.code !== 0) throw new Error(`the cancel simulation failed: ${run.stderr.trim()}`);
  return JSON.parse(run.stdout) as CancelRun;
}

export function printCancel(run: CancelRun): void {
  console.log(
    `\nCancelling ${count(run.devices)} not-started devices against ${run.limit}/s (simulated clock):`,
  );
  console.log(
    `  ${count(run.calls)} calls (${count(run.refused)} refused for the rate), ${minutes(run)} simulated in ${run.seconds.toFixed(1)} s; share of the limit used ${run.share.toFixed(3)} (goal ≥ ${MIN_SHARE}), ${count(run.left)} left (goal 0), ${count(run.progressReports)} progress lines`,
  );
}

export function cancelCheck(run: CancelRun): Check {
  return {
    target: `cancel ${count(run.devices)} devices at ${run.limit}/s: ≥ ${MIN_SHARE} of the limit used, none left`,
    figure: `${run.share.toFixed(3)} of the limit, ${count(run.left)} left`,
    met: run.share >= MIN_SHARE && run.left === 0,
  };
}

export function cancelSection(nodes: NodeResults[]): string {
  const rows = nodes.flatMap((one) => {
    const run = one.cancel;
    if (run === undefined) return [];
    const floor = run.devices / run.limit;
    return [
      [
        nodeName(one.version),
        `${count(run.calls)} (${(run.calls / run.devices).toFixed(3)} per device)`,
        `${minutes(run)} (${(run.simulatedSeconds / floor).toFixed(3)}× the floor)`,
        `${run.share.toFixed(3)}: ${verdict(run.share >= MIN_SHARE)}`,
        `${count(run.left)}: ${verdict(run.left === 0)}`,
        count(run.progressReports),
        `${run.seconds.toFixed(1)} s`,
      ],
    ];
  });
  if (rows.length === 0) return "";
  return [
    "## Paced cancels",
    [
      `\`on-failure: cancel\` sends one CancelDeviceFirmwareTask per not-started device. Here`,
      `${count(CANCEL_DEVICES)} of them against a server that accepts ${CANCEL_LIMIT} calls in any 1,000 ms and`,
      `answers RequestLimitExceeded past that: the pacer of \`src/waves/pacer.ts\` as it runs, on a`,
      `simulated clock, each call a ${ROUND_TRIP_MS} ms round trip. The floor is devices / limit; the share`,
      "is the calls accepted over what the limit allows in the time taken. One run per Node.",
    ].join("\n"),
    table(
      [
        "Node",
        "calls",
        "simulated time",
        `share of the limit (goal ≥ ${MIN_SHARE})`,
        "devices left (goal 0)",
        "progress lines",
        "real time",
      ],
      rows,
    ),
  ].join("\n\n");
}

function minutes(run: CancelRun): string {
  return `${(run.simulatedSeconds / 60).toFixed(1)} min`;
}
