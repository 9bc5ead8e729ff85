// `npm run emulator`: flags and JSON files script faults and device plans; a busy port is one
// line and exit 1. The spawned CLI is the real one (node --import tsx).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { DEFAULT_PORT, DEFAULT_STEP_MS } from "./cli-flags.js";
import { parseCli, UsageError } from "./cli-options.js";
import { SAMPLE_PRODUCT_ID, TEST_CREDENTIALS } from "./index.js";
import { banner, spawnCli as run, stopCliProcesses, targetOf } from "./spawn-cli.js";
import { callApi, errorCode, type CallResult } from "./test-client.js";

const dir = mkdtempSync(join(tmpdir(), "emulator-cli-"));
let blocker: Server | undefined;

afterEach(async () => {
  stopCliProcesses();
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

async function busyPort(): Promise<number> {
  blocker = createServer();
  const server = blocker;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

/**
 * Creates again until the devices are no longer updating, and returns that answer. Only
 * BatchUpdateFirmware is called, which never moves a device: with steps per poll this never ends
 * (and the test times out). It waits for the state, not for a length of time.
 */
async function nextRollout(create: () => Promise<CallResult>): Promise<CallResult> {
  for (;;) {
    const answer = await create();
    if (errorCode(answer) !== "FailedOperation.DeviceIsUpdating") return answer;
    await sleep(20);
  }
}

describe("the CLI", () => {
  it("says in one line that a busy port is busy, and exits 1", async () => {
    const port = await busyPort();
    const started = run(["--port", String(port)]);
    expect(await started.exited).toBe(1);
    const lines = started.stderr().trimEnd().split("\n");
    expect(lines).toEqual([expect.stringContaining(`127.0.0.1:${port} is already in use`)]);
    expect(started.stdout()).toBe("");
  });

  it("scripts faults and device plans from JSON files, and says so at start", async () => {
    const faults = file("faults.json", { BatchUpdateFirmware: [{ type: "lost-after-process" }] });
    const devices = file("devices.json", { "dev-002": "fail" });
    const started = run([
      ...["--port", "0", "--step-ms", "poll"],
      ...["--faults", faults, "--devices", devices, "--device", "dev-003=stall"],
    ]);
    const text = await banner(started);
    expect(text).toContain(`SecretId:  ${TEST_CREDENTIALS.secretId}`);
    expect(text).toContain("BatchUpdateFirmware: lost-after-process");
    expect(text).toMatch(/dev-002: fail\n\s+dev-003: stall/);
    expect(text).toContain("Device steps: one per DescribeFirmwareTaskDistribution call");
    const target = targetOf(text);
    const params = { ProductID: SAMPLE_PRODUCT_ID, FirmwareVersion: "2.0.0" };
    const create = () =>
      callApi(target, "BatchUpdateFirmware", { ...params, DeviceNames: ["dev-002", "dev-003"] });
    await expect(create()).rejects.toThrow();
    expect(errorCode(await create())).toBe("FailedOperation.DeviceIsUpdating");
    const poll = () =>
      callApi(target, "DescribeFirmwareTaskDistribution", { ...params, TaskId: 1 });
    await poll();
    const { response } = await poll();
    expect(response?.["StatusInfos"]).toEqual([
      { Status: 3, Total: 1 },
      { Status: 5, Total: 1 },
    ]);
    started.child.kill("SIGTERM");
    expect(await started.exited).toBe(0);
  });

  it(
    "moves devices on its own clock: a rollout nobody follows ends, so the next one starts",
    { timeout: 60_000 },
    async () => {
      const target = targetOf(await banner(run(["--port", "0", "--step-ms", "20"])));
      const params = { ProductID: SAMPLE_PRODUCT_ID, FirmwareVersion: "2.0.0" };
      const create = () =>
        callApi(target, "BatchUpdateFirmware", { ...params, DeviceNames: ["dev-001", "dev-002"] });
      expect((await create()).response?.["TaskId"]).toBe(1);
      const next = await nextRollout(create);
      expect(errorCode(next)).toBeUndefined();
      expect(next.response?.["TaskId"]).toBe(2);
      const { response } = await callApi(target, "DescribeFirmwareTaskDistribution", {
        ...params,
        TaskId: 1,
      });
      expect(response?.["StatusInfos"]).toEqual([{ Status: 6, Total: 2 }]);
    },
  );

  it("refuses a fault for a target that does not exist, before listening (exit 2)", async () => {
    const started = run(["--faults", file("bad.json", { BatchUpdateFirmwares: "rate-limit" })]);
    expect(await started.exited).toBe(2);
    expect(started.stderr()).toMatch(/^emulator: no action or target named BatchUpdateFirmwares/);
    expect(started.stdout()).toBe("");
  });
});

describe("parseCli", () => {
  it("reads flags and files together; inline flags come after the file", () => {
    const faults = file("both.json", { upload: { type: "slow", delayMs: 100 } });
    const config = parseCli([
      "--faults",
      faults,
      "--fault",
      "upload=drop",
      "--fault",
      'BatchUpdateFirmware={"type":"error","code":"InternalError"}',
      "--device",
      'dev-001=["fail","succeed"]',
      "--step-ms",
      "500",
    ]);
    expect(config).toEqual({
      port: DEFAULT_PORT,
      skew: 0,
      stepMs: 500,
      faults: {
        upload: [{ type: "slow", delayMs: 100 }, { type: "drop" }],
        BatchUpdateFirmware: [{ type: "error", code: "InternalError" }],
      },
      plans: { "dev-001": ["fail", "succeed"] },
    });
  });

  it("defaults to a fixed port and devices that move every DEFAULT_STEP_MS", () => {
    expect(parseCli([])).toEqual({
      port: 18080,
      skew: 0,
      stepMs: DEFAULT_STEP_MS,
      faults: {},
      plans: {},
    });
    expect(DEFAULT_STEP_MS).toBe(2000);
    expect(parseCli(["--step-ms", "poll", "--port", "0"])).toMatchObject({
      port: 0,
      stepMs: undefined,
    });
  });

  it.each([["--help"], ["-h"], ["--port", "0", "-h"]])("%s asks for the help", (...args) => {
    expect(parseCli(args)).toBe("help");
  });

  it.each([
    { args: ["--port", "http"], says: "--port must be a whole number" },
    { args: ["--port", "70000"], says: "--port must be at most 65535" },
    { args: ["--step-ms", "0"], says: "--step-ms must be a positive integer" },
    { args: ["--step-ms", "fast"], says: "--step-ms must be a positive integer or poll" },
    { args: ["--fault", "upload"], says: "--fault takes NAME=VALUE" },
    { args: ["--fault", "upload=explode"], says: 'has no known "type"' },
    { args: ["--fault", 'x={"type":"slow"}'], says: 'needs "delayMs"' },
    { args: ["--fault", 'x={"type":"drop","when":1}'], says: 'has no field "when"' },
    { args: ["--fault", "x={oops"], says: "is not JSON" },
    { args: ["--device", "dev-001=explode"], says: 'the plan of dev-001 is "explode"' },
    { args: ["--devices", join(dir, "missing.json")], says: "ENOENT" },
    { args: ["--bogus"], says: "Unknown option '--bogus'" },
  ])("refuses $args", ({ args, says }) => {
    expect(() => parseCli(args)).toThrow(UsageError);
    expect(() => parseCli(args)).toThrow(says);
  });
});
