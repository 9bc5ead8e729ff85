// `npm run emulator`: flags and JSON files script faults and device plans; a busy port is one
// line and exit 1. The spawned CLI is the real one (node --import tsx).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { parseCli, UsageError } from "./cli-options.js";
import { SAMPLE_PRODUCT_ID, TEST_CREDENTIALS } from "./index.js";
import { callApi, errorCode } from "./test-client.js";

const CLI = fileURLToPath(new URL("./cli.ts", import.meta.url));

const dir = mkdtempSync(join(tmpdir(), "emulator-cli-"));
const children: ChildProcess[] = [];
let blocker: Server | undefined;

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGTERM");
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(args: string[]): Started {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves with the banner once the CLI says it listens; rejects if it exits first. */
async function banner(started: Started): Promise<string> {
  const ready = new Promise<string>((resolve) => {
    const check = () => {
      if (started.stdout().includes("Ctrl-C to stop.")) resolve(started.stdout());
    };
    started.child.stdout?.on("data", check);
    check();
  });
  const early = started.exited.then((code) => {
    throw new Error(`the CLI exited (${code}): ${started.stderr()}`);
  });
  return Promise.race([ready, early]);
}

async function busyPort(): Promise<number> {
  blocker = createServer();
  const server = blocker;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
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
    const started = run(["--faults", faults, "--devices", devices, "--device", "dev-003=stall"]);
    const text = await banner(started);
    expect(text).toContain(`SecretId:  ${TEST_CREDENTIALS.secretId}`);
    expect(text).toContain("BatchUpdateFirmware: lost-after-process");
    expect(text).toMatch(/dev-002: fail\n\s+dev-003: stall/);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1] ?? "";
    const target = { url, credentials: TEST_CREDENTIALS };
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
      port: 0,
      skew: 0,
      stepMs: 500,
      faults: {
        upload: [{ type: "slow", delayMs: 100 }, { type: "drop" }],
        BatchUpdateFirmware: [{ type: "error", code: "InternalError" }],
      },
      plans: { "dev-001": ["fail", "succeed"] },
    });
  });

  it.each([
    { args: ["--port", "http"], says: "--port must be a whole number" },
    { args: ["--port", "70000"], says: "--port must be at most 65535" },
    { args: ["--step-ms", "0"], says: "--step-ms must be a positive integer" },
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
