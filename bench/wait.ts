// Waiting at scale: the bundled action following a 100,000-device task with 2% failures, and
// wave planning of 1,000,000 names in-process.
import { productSeed, startEmulator, SAMPLE_PRODUCT_ID } from "../test/emulator/index.js";
import type { DevicePlan, RecordedRequest } from "../test/emulator/types.js";
import { sampleInputs } from "../test/support/sample-inputs.js";
import { NameList } from "../src/waves/name-list.js";
import { planWaves } from "../src/waves/plan.js";
import { runActionMeasured } from "./measure.js";

const DISTRIBUTION = "DescribeFirmwareTaskDistribution";
const DEVICES = "DescribeFirmwareTaskDevices";

/** What one followed rollout cost. */
export interface WaitRun {
  devices: number;
  failing: number;
  seconds: number;
  code: number | null;
  /** DescribeFirmwareTaskDistribution calls: one per poll. */
  polls: number;
  /** DescribeFirmwareTaskDevices calls (pages of device rows), in all. */
  devicePages: number;
  /** DescribeFirmwareTaskDevices pages read after each poll, in poll order. */
  pagesPerPoll: number[];
  /** Every API call by action. */
  calls: Record<string, number>;
  peakRssMiB: number;
  outputs: Record<string, string>;
}

/**
 * A 100,000-device original-version rollout followed to its end: every `1 / failShare`-th
 * device fails at once, the rest succeed. Runs the bundle as a process against the emulator.
 */
export async function followedRollout(
  node: string,
  entry: string,
  devices = 100_000,
  failShare = 0.02,
): Promise<WaitRun> {
  const seed = productSeed({ deviceCount: devices });
  const plans: Record<string, DevicePlan> = {};
  const every = Math.round(1 / failShare);
  let failing = 0;
  Object.keys(seed.devices).forEach((name, i) => {
    const fails = i % every === every - 1;
    if (fails) failing++;
    plans[name] = fails ? "fail-at-once" : "succeed";
  });
  const emulator = await startEmulator({
    products: { [SAMPLE_PRODUCT_ID]: seed },
    devicePlans: plans,
  });
  try {
    const inputs = sampleInputs(emulator, {
      "firmware-original-version": "1.0.0",
      wait: "true",
      "poll-interval": "5s",
      "wait-timeout": "10m",
      "max-failed-devices": "3%",
    });
    const run = await runActionMeasured(node, entry, inputs, process.cwd());
    const calls = countCalls(emulator.requests);
    return {
      devices,
      failing,
      seconds: run.seconds,
      code: run.code,
      polls: calls[DISTRIBUTION] ?? 0,
      devicePages: calls[DEVICES] ?? 0,
      pagesPerPoll: pagesAfterPolls(emulator.requests),
      calls,
      peakRssMiB: run.peakRssMiB,
      outputs: run.outputs,
    };
  } finally {
    await emulator.close();
  }
}

function countCalls(requests: readonly RecordedRequest[]): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const request of requests) {
    if (request.kind === "api" && request.action !== undefined) {
      calls[request.action] = (calls[request.action] ?? 0) + 1;
    }
  }
  return calls;
}

function pagesAfterPolls(requests: readonly RecordedRequest[]): number[] {
  const pages: number[] = [];
  for (const request of requests) {
    if (request.action === DISTRIBUTION) pages.push(0);
    else if (request.action === DEVICES && pages.length > 0) pages[pages.length - 1]!++;
  }
  return pages;
}

/**
 * planWaves on `count` generated names, five waves, in this process: the time from a list's
 * bytes (as the action reads them) to the plan, and how much the heap and buffers grew.
 */
export function planMillion(count = 1_000_000): {
  seconds: number;
  heapMiB: number;
  waves: number[];
} {
  const lines = Buffer.from(
    Array.from({ length: count }, (_, i) => `camera-sn-${String(i).padStart(9, "0")}\n`).join(""),
  );
  globalThis.gc?.();
  const before = process.memoryUsage();
  const started = performance.now();
  const waves = planWaves(NameList.fromLines(lines), "2.0.0", [
    { percent: 1 },
    { percent: 5 },
    { percent: 20 },
    { percent: 50 },
    { percent: 100 },
  ]);
  const seconds = (performance.now() - started) / 1000;
  const after = process.memoryUsage();
  const heapMiB = (after.heapUsed + after.external - before.heapUsed - before.external) / 2 ** 20;
  return { seconds, heapMiB, waves: waves.map((wave) => wave.size) };
}

/** Prints the followed rollout's calls and the planning figures. */
export function printWait(run: WaitRun, plan: ReturnType<typeof planMillion>): void {
  console.log(`\nWaiting at scale: ${run.devices} devices, ${run.failing} failing at once:`);
  console.log(
    `exit ${run.code}, status ${run.outputs["status"]}, ${run.seconds.toFixed(1)} s,` +
      ` peak RSS ${run.peakRssMiB.toFixed(1)} MiB`,
  );
  console.log(
    `${run.polls} polls (${DISTRIBUTION}: one per poll), ${run.devicePages} ${DEVICES} pages` +
      ` (after each poll: ${run.pagesPerPoll.join(", ")}); all calls: ${JSON.stringify(run.calls)}`,
  );
  console.log(
    `planWaves, 1,000,000 names, five waves: ${plan.seconds.toFixed(2)} s` +
      ` (target < 2 s: ${plan.seconds < 2 ? "PASS" : "FAIL"}), heap +${plan.heapMiB.toFixed(0)} MiB`,
  );
}
