import { Agent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { createTaskOnce, listTasksBefore } from "../src/task/create-once.js";
import { lookTimes, lookupPlan, TaskMayExistError } from "../src/task/lookup.js";
import { TencentClient } from "../src/tencent/client.js";
import type { RetryPolicy } from "../src/http/retry.js";
import { startStandIn, type StandIn } from "./support/hostile/api-stand-in.js";

// The lookup's bounds on a fake clock: sleeping advances it, and the stand-in notes the fake
// time of every call, so the schedule and the deadline are checked without waiting.
describe("lookTimes", () => {
  it.each([
    { failedAt: 0, windowMs: 21_000, first: 1000, expected: [1000, 7000, 14_000, 21_000] },
    { failedAt: 500, windowMs: 50_000, first: 800, expected: [1300, 17_167, 33_833, 50_500] },
    { failedAt: 0, windowMs: 600, first: 1000, expected: [200, 400, 600, 600] },
  ])("window $windowMs ms → $expected", ({ failedAt, windowMs, first, expected }) => {
    expect(lookTimes(failedAt, { windowMs, looks: 4 }, first)).toEqual(expected);
  });
});

let standIn: StandIn | undefined;
const agent = new Agent();
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

function setup(deadline: number, creates: Array<"lost" | "ok">) {
  let clock = 0;
  const callTimes: Array<{ action: string; at: number }> = [];
  const lines: string[] = [];
  const note = (action: string) => callTimes.push({ action, at: clock });
  const policy: RetryPolicy = {
    maxAttempts: 5,
    baseDelayMs: 1000,
    maxDelayMs: 20_000,
    deadline,
    sleep: async (ms) => void (clock += ms),
    now: () => clock,
    random: () => 1,
    logger: {
      info: (l) => void lines.push(l),
      warning: (l) => void lines.push(l),
      debug: () => {},
    },
  };
  const handlers = {
    DescribeFirmwareTasks: () => (note("DescribeFirmwareTasks"), { TaskInfos: [], Total: 0 }),
    BatchUpdateFirmware: (_call: unknown, res: { destroy(): void }) => {
      note("BatchUpdateFirmware");
      if (creates.shift() === "lost") return void res.destroy();
      return { TaskId: 9 };
    },
  };
  return { policy, handlers, callTimes, lines };
}

async function client(url: string): Promise<TencentClient> {
  return new TencentClient({
    endpoint: new URL(url),
    service: "iotvideo",
    version: "2020-12-15",
    credentials: { secretId: "AKIDx", secretKey: "keyx" },
    timeoutMs: 1000,
    dispatcher: agent,
    logger: { info: () => {}, warning: () => {}, debug: () => {} },
  });
}

const REQUEST = { ProductID: "P1", FirmwareVersion: "2.0.0", FirmwareOriVersion: "1.0.0" };

async function create(url: string, policy: RetryPolicy) {
  const tencent = await client(url);
  const before = await listTasksBefore(tencent, REQUEST, policy);
  return createTaskOnce(tencent, REQUEST, policy, lookupPlan(1000), before);
}

describe("createTaskOnce on a fake clock", () => {
  it("looks four times over request-timeout + 20 s, then sends again", async () => {
    const { policy, handlers, callTimes } = setup(600_000, ["lost", "ok"]);
    standIn = await startStandIn(handlers);
    const outcome = await create(standIn.url, policy);
    expect(outcome.task.taskId).toBe(9);
    expect(callTimes).toEqual([
      { action: "DescribeFirmwareTasks", at: 0 },
      { action: "BatchUpdateFirmware", at: 0 },
      { action: "DescribeFirmwareTasks", at: 1000 },
      { action: "DescribeFirmwareTasks", at: 7000 },
      { action: "DescribeFirmwareTasks", at: 14_000 },
      { action: "DescribeFirmwareTasks", at: 21_000 },
      { action: "BatchUpdateFirmware", at: 21_000 },
    ]);
  });

  it("no look starts after the run's deadline, and nothing is sent again", async () => {
    const { policy, handlers, callTimes } = setup(15_000, ["lost", "ok"]);
    standIn = await startStandIn(handlers);
    const error = await create(standIn.url, policy).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskMayExistError);
    expect((error as Error).message).toContain(
      "the retry deadline came before the lookup window closed",
    );
    expect(callTimes.every((call) => call.at <= 15_000)).toBe(true);
    expect(callTimes.filter((c) => c.action === "BatchUpdateFirmware")).toHaveLength(1);
  });

  it("the last attempt still looks, and says no task was created", async () => {
    const { policy, handlers, callTimes, lines } = setup(600_000, ["lost", "lost"]);
    standIn = await startStandIn(handlers);
    const error = await create(standIn.url, { ...policy, maxAttempts: 2 }).catch((e: unknown) => e);
    expect((error as Error).message).toContain("gave up on BatchUpdateFirmware after 2 attempts");
    expect(callTimes.filter((c) => c.action === "DescribeFirmwareTasks")).toHaveLength(9);
    expect(lines.at(-1)).toBe(
      "No task of this run appeared within 21 s of that failure: no task was created.",
    );
  });
});
