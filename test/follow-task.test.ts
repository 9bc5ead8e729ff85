import { Agent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { followTask, resultCounts, type FollowContext } from "../src/follow/follow-task.js";
import type { Gate } from "../src/follow/judge.js";
import type { WaitSettings } from "../src/inputs/read-inputs.js";
import { TencentClient } from "../src/tencent/client.js";
import type { RetryPolicy } from "../src/http/retry.js";
import {
  productSeed,
  SAMPLE_PRODUCT_ID,
  startEmulator,
  type DevicePlan,
  type Emulator,
} from "./emulator/index.js";
import { callApi } from "./emulator/test-client.js";

// Following a task, in-process against the emulator, on a fake clock: devices take one step per
// poll, sleeping only moves the clock, so each scenario runs in milliseconds and counts its calls.
const agent = new Agent();
let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const SETTINGS: WaitSettings = {
  timeoutMs: 600_000,
  pollIntervalMs: 15_000,
  maxFailed: { count: 0 },
  retryFailed: 0,
};

async function scenario(plans: Record<string, DevicePlan>, deviceCount = 5) {
  emulator = await startEmulator({
    products: { [SAMPLE_PRODUCT_ID]: productSeed({ deviceCount }) },
    devicePlans: plans,
  });
  const created = await callApi(emulator, "BatchUpdateFirmware", {
    ProductID: SAMPLE_PRODUCT_ID,
    FirmwareVersion: "2.0.0",
    FirmwareOriVersion: "1.0.0",
  });
  const taskId = created.response?.["TaskId"] as number;
  let clock = 0;
  const lines: string[] = [];
  const logger = {
    info: (l: string) => void lines.push(l),
    warning: (l: string) => void lines.push(l),
    debug: () => {},
  };
  const client = new TencentClient({
    endpoint: new URL(emulator.url),
    service: "iotvideo",
    version: "2020-12-15",
    credentials: emulator.credentials,
    timeoutMs: 2000,
    dispatcher: agent,
    logger,
  });
  const policy = (deadline: number): RetryPolicy => ({
    maxAttempts: 3,
    baseDelayMs: 1000,
    maxDelayMs: 20_000,
    deadline,
    sleep: async (ms) => void (clock += ms),
    now: () => clock,
    random: () => 0.5,
    logger,
  });
  const ctx: FollowContext = {
    now: () => clock,
    sleep: async (ms) => void (clock += ms),
    cancelled: () => false,
    policy,
    logger,
  };
  const calls = (action: string) => emulator!.requests.filter((r) => r.action === action).length;
  const follow = (settings: Partial<WaitSettings> = {}, gate: Partial<Gate> = {}) =>
    followTask(
      client,
      { productId: SAMPLE_PRODUCT_ID, firmwareVersion: "2.0.0", taskId },
      { ...SETTINGS, ...settings },
      { maxFailed: settings.maxFailed ?? SETTINGS.maxFailed, ...gate },
      ctx,
    );
  return { follow, calls, lines, taskId, elapsed: () => clock };
}

describe("followTask", () => {
  it("every device done: one distribution call per poll, no device rows read", async () => {
    const s = await scenario({});
    const result = await s.follow();
    expect(result.decision.kind).toBe("succeeded");
    expect(resultCounts(result)).toEqual({
      total: 5,
      succeeded: 5,
      failed: 0,
      pending: 0,
      cancelled: 0,
    });
    const polls = s.lines.filter((l) => l.startsWith(`Task ${s.taskId} after`));
    expect(polls).toHaveLength(s.calls("DescribeFirmwareTaskDistribution"));
    expect(polls.at(-1)).toBe(
      `Task ${s.taskId} after 30s: 0 pending, 0 downloading, 0 flashing, 5 done, 0 failed, 0 timed out, 0 offline, 0 awaiting confirmation (of 5).`,
    );
    expect(s.calls("DescribeFirmwareTaskDevices")).toBe(0);
  });

  it("a failure over a threshold of 0 ends the wait at once, naming the device", async () => {
    const s = await scenario({
      "dev-002": { outcome: "fail", errMsg: "flash checksum mismatch", retcode: -7 },
      "dev-004": "stall",
    });
    const result = await s.follow();
    expect(result.decision).toEqual({ kind: "failed", allowed: 0, why: "failures" });
    expect(result.devices.failed).toEqual([
      { name: "dev-002", status: 5, retcode: -7, message: "flash checksum mismatch" },
    ]);
    // dev-004 still downloads: the wait did not hold for it.
    expect(result.counts.downloading).toBe(1);
    expect(s.calls("DescribeFirmwareTaskDevices")).toBe(1);
  });

  it("failures within a count or a share pass", async () => {
    const s = await scenario({ "dev-001": "fail", "dev-002": "time-out" });
    expect((await s.follow({ maxFailed: { count: 2 } })).decision.kind).toBe("succeeded");
  });

  it("failures over a share fail", async () => {
    const s = await scenario({ "dev-001": "fail", "dev-002": "fail" });
    expect((await s.follow({ maxFailed: { percent: 20 } })).decision).toEqual({
      kind: "failed",
      allowed: 1,
      why: "failures",
    });
  });

  it("offline devices and those awaiting confirmation do not hold the wait", async () => {
    const s = await scenario({ "dev-001": "offline", "dev-002": "await-confirmation" });
    const result = await s.follow();
    expect(result.decision.kind).toBe("succeeded");
    expect(resultCounts(result)).toEqual({
      total: 5,
      succeeded: 3,
      failed: 0,
      pending: 2,
      cancelled: 0,
    });
  });

  it("a device already on the version counts as up to date, never as a failure", async () => {
    const s = await scenario({ "dev-003": "up-to-date" });
    const result = await s.follow();
    expect(result.decision.kind).toBe("succeeded");
    expect(resultCounts(result)).toEqual({
      total: 5,
      succeeded: 5,
      failed: 0,
      pending: 0,
      cancelled: 0,
    });
    expect(s.lines.at(-1)).toContain("1 already up to date");
  });

  it("times out at wait-timeout, polling the last time at the deadline", async () => {
    const s = await scenario({ "dev-001": "stall" });
    const result = await s.follow({ timeoutMs: 60_000, pollIntervalMs: 25_000 });
    expect(result.decision.kind).toBe("timed-out");
    expect(s.elapsed()).toBe(60_000);
    expect(s.calls("DescribeFirmwareTaskDistribution")).toBe(4); // at 0, 25, 50 and 60 s
  });

  it("a big task with 2% failures: the failed devices are named with a few pages", async () => {
    const plans: Record<string, DevicePlan> = {};
    for (let i = 1; i <= 250; i += 50) plans[`dev-${String(i).padStart(3, "0")}`] = "fail";
    const s = await scenario(plans, 250);
    const result = await s.follow({ maxFailed: { percent: 2 } });
    expect(result.decision.kind).toBe("succeeded");
    expect(result.devices.failed.map((d) => d.name)).toEqual([
      "dev-001",
      "dev-051",
      "dev-101",
      "dev-151",
      "dev-201",
    ]);
    expect(s.calls("DescribeFirmwareTaskDevices")).toBe(3);
  });

  it("a poll that keeps failing ends the wait with a clear message", async () => {
    const s = await scenario({});
    emulator!.script(
      "DescribeFirmwareTaskDistribution",
      ...Array(3).fill({ type: "status", status: 503 }),
    );
    await expect(s.follow()).rejects.toThrow(
      /^Stopped following task \d+: DescribeFirmwareTaskDistribution failed: HTTP 503.*gave up on DescribeFirmwareTaskDistribution after 3 attempts.*The task goes on upgrading devices on Tencent's side/,
    );
  });
});
