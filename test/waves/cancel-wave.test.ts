import { Agent } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { TencentClient, type ApiResult } from "../../src/tencent/client.js";
import { DEFAULT_BACKOFF, type RetryPolicy } from "../../src/http/retry.js";
import { cancelNotStarted, type CancelReport } from "../../src/waves/cancel-wave.js";
import { PROGRESS_EVERY_MS } from "../../src/waves/pacer.js";
import {
  startCancelStandIn,
  type CancelStandIn,
  type CancelStandInOptions,
  type Row,
} from "../support/hostile/cancel-stand-in.js";
import { SimClock } from "../support/sim-clock.js";

// cancelNotStarted through the real client and real HTTP to a stand-in that counts its rate
// limit on the same simulated clock the code sleeps on: 20/s is enforced, and minutes of
// pacing take well under a second.
const TASK = 1003;
const agent = new Agent();
afterAll(() => agent.close());

/** The client, holding the simulated clock still while a call is on the wire. */
class ClockedClient extends TencentClient {
  constructor(
    url: string,
    private readonly clock: SimClock,
  ) {
    super({
      endpoint: new URL(url),
      service: "iotvideo",
      version: "2020-12-15",
      credentials: { secretId: "AKIDstandin", secretKey: "stand-in-key" },
      timeoutMs: 5000,
      dispatcher: agent,
      logger: { info: () => {}, warning: () => {}, debug: () => {} },
    });
  }

  override call(action: string, params: object): Promise<ApiResult> {
    return this.clock.track(super.call(action, params));
  }
}

function names(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `cam-${String(i).padStart(5, "0")}`);
}

/** The task's not-started devices (statuses 0, 1, 2, 8), and rows that must not be cancelled. */
function rows(notStarted: string[]): Row[] {
  return [
    ...notStarted.map((name, i) => ({
      DeviceName: name,
      Status: [0, 1, 2, 8][i % 4]!,
      TaskId: TASK,
    })),
    ...names(40).map((name, i) => ({
      DeviceName: `up-${name}`,
      Status: [3, 4, 5, 6][i % 4]!,
      TaskId: TASK,
    })),
    ...names(40).map((name) => ({ DeviceName: `old-${name}`, Status: 1, TaskId: TASK - 1 })),
  ];
}

interface Cancelled {
  report: CancelReport;
  info: string[];
  warnings: string[];
  stand: CancelStandIn;
  elapsedMs: number;
}

async function cancel(
  options: Omit<CancelStandInOptions, "clock" | "rows"> & { devices: string[]; rows?: Row[] },
): Promise<Cancelled> {
  const clock = new SimClock();
  const stand = await startCancelStandIn({
    ...options,
    clock,
    rows: options.rows ?? rows(options.devices),
  });
  const info: string[] = [];
  const warnings: string[] = [];
  const policy: RetryPolicy = {
    maxAttempts: 4,
    ...DEFAULT_BACKOFF,
    deadline: Infinity,
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0.5,
    logger: {
      info: (l) => void info.push(l),
      warning: (l) => void warnings.push(l),
      debug: () => {},
    },
  };
  try {
    const client = new ClockedClient(stand.standIn.url, clock);
    const task = { productId: "P1", firmwareVersion: "2.0.0", taskId: TASK };
    const report = await clock.run(() => cancelNotStarted(client, task, policy));
    return { report, info, warnings, stand, elapsedMs: clock.now() };
  } finally {
    await stand.standIn.close();
  }
}

describe("cancelNotStarted over HTTP, on a simulated clock", () => {
  it("1,500 devices against 20/s (scale): every one cancelled, ≥ 90% of the limit, progress lines only", async () => {
    const devices = names(1500);
    const run = await cancel({ devices, limit: 20 });
    expect([...run.stand.cancelled.keys()].sort()).toEqual(devices);
    expect(new Set(run.stand.cancelled.values())).toEqual(new Set([TASK]));
    expect(run.report).toEqual({
      cancelled: 1500,
      skipped: 0,
      failed: 0,
      failures: [],
      notTried: [],
    });
    expect(run.stand.window.refused).toBeGreaterThan(0);
    expect(run.stand.window.share(run.elapsedMs)).toBeGreaterThanOrEqual(0.9);
    expect(run.warnings).toEqual([]);
    expect(run.info[0]).toBe(
      "Cancelling 1,500 not-started devices of task 1003, paced to the API's rate limit.",
    );
    expect(run.info.at(-1)).toMatch(
      /^Cancelled 1,500 of 1,500 not-started devices of task 1003 in \d+ s \(1,5\d\d calls, rate limited \d+ times\)\.$/,
    );
    const progress = run.info.slice(1, -1);
    expect(progress.length).toBeGreaterThanOrEqual(10);
    expect(progress.length).toBeLessThanOrEqual(run.elapsedMs / PROGRESS_EVERY_MS);
    for (const line of progress) {
      expect(line).toMatch(
        /^Cancelling not-started devices of task 1003: [\d,]+ of 1,500 cancelled, \d+\/s \((not rate limited|rate limited (once|[\d,]+ times))\)\.$/,
      );
    }
  }, 120_000); // 1,538 real HTTP calls: seconds on a quiet machine, more on a busy one

  it("devices past cancelling (done, in another task, gone) are skipped, not failed", async () => {
    const devices = names(50);
    const answers = Object.fromEntries([
      ...devices.slice(0, 5).map((n) => [n, "FailedOperation.DeviceFirmwareTaskAlreadDone"]),
      ...devices.slice(5, 8).map((n) => [n, "FailedOperation.DeviceRunningOtherOtaTask"]),
      ...devices.slice(8, 10).map((n) => [n, "ResourceNotFound.DeviceFirmwareTaskNotExist"]),
    ]);
    const run = await cancel({ devices, limit: 20, answers });
    expect(run.report).toEqual({
      cancelled: 40,
      skipped: 10,
      failed: 0,
      failures: [],
      notTried: [],
    });
    expect(run.stand.cancelled.size).toBe(40);
    expect(run.warnings).toEqual([]);
    expect(run.info.at(-1)).toContain("; 10 had moved on.");
  });

  it("devices the API refuses for good are named with its answer, in the report and the log", async () => {
    const devices = names(50);
    const refused = [devices[3]!, devices[17]!, devices[42]!];
    const answers = Object.fromEntries(refused.map((n) => [n, "InvalidParameterValue"]));
    const run = await cancel({ devices, limit: 20, answers });
    expect(run.report.cancelled).toBe(47);
    expect(run.report.failures).toEqual(
      refused.map((name) => ({
        name,
        reason:
          "CancelDeviceFirmwareTask failed: InvalidParameterValue: stand-in: InvalidParameterValue (RequestId: stand-in-request)",
      })),
    );
    expect(run.report.failed).toBe(3);
    expect(run.warnings).toEqual([
      expect.stringContaining(
        "3 devices of task 1003 could not be cancelled and will still take the firmware: cam-00003, cam-00017, cam-00042.",
      ),
    ]);
  });

  it("rate-limited for ever: ends by the bound, every device not tried and counted, few calls", async () => {
    const devices = names(1500);
    const run = await cancel({ devices, limit: 20, limitedForever: true });
    expect(run.report).toMatchObject({ cancelled: 0, skipped: 0, failed: 1500, failures: [] });
    expect([...run.report.notTried].sort()).toEqual(devices);
    expect(run.report.stopped).toMatch(/^no call went through for 2 minutes/);
    expect(run.stand.standIn.count("CancelDeviceFirmwareTask")).toBeLessThan(150);
    expect(run.elapsedMs).toBeLessThan(125_000);
    expect(run.warnings).toEqual([
      expect.stringMatching(
        /^Stopped cancelling task 1003's devices: no call went through for 2 minutes \(\d+ rate-limit answers in all\)\. 1,500 devices were not cancelled and will still take the firmware: (cam-\d{5}, ){9}cam-\d{5} and 1,490 more\.$/,
      ),
    ]);
  });

  it("a device listed twice (pages that shift) is cancelled once", async () => {
    const devices = names(30);
    const twice = [...rows(devices), ...rows(devices.slice(0, 10))];
    const run = await cancel({ devices, limit: Infinity, rows: twice });
    expect(run.report).toMatchObject({ cancelled: 30, skipped: 0, failed: 0 });
    expect(run.stand.standIn.count("CancelDeviceFirmwareTask")).toBe(30);
  });
});
