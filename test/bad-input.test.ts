import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "./emulator/index.js";
import { sampleInputs } from "./support/sample-inputs.js";
import { runInProcess } from "./support/in-process.js";
import { runAction, type ActionRun } from "./support/run-action.js";

// Every bad input: exit 1, one short ::error:: line naming the input, no stack trace, and not
// one request to the API. The table runs the step in-process; a few rows run the bundled action.
let emulator: Emulator;
let workspace: string;

const FILES: Record<string, string | Buffer> = {
  "empty.txt": "",
  "blank.txt": "\n  \r\n\t\n",
  "control.txt": "dev-001\ndev-002\ndev\u0007003\n",
  "inner-space.txt": "dev-001\r\ndev 002\r\n",
  "too-long.txt": `dev-001\n${"d".repeat(49)}\n`,
  "latin1.txt": Buffer.from([0x64, 0x65, 0x76, 0x0a, 0x64, 0xe9, 0x76, 0x0a]),
  "fleet.txt": "dev-001\ndev-002\ndev-001\n",
};

beforeAll(async () => {
  emulator = await startEmulator();
  workspace = await mkdtemp(join(tmpdir(), "bad-input-"));
  for (const [name, content] of Object.entries(FILES))
    await writeFile(join(workspace, name), content);
  await mkdir(join(workspace, "a-directory"));
});
afterAll(async () => {
  await emulator.close();
  await rm(workspace, { recursive: true, force: true });
});

function valid(): Record<string, string> {
  return sampleInputs(emulator, { "device-names": "dev-001" });
}

const list = (path: string) => ({ "device-names": "", "device-list": path });

const CASES = [
  { name: "missing product-id", inputs: { "product-id": "" }, input: "product-id" },
  {
    name: "missing firmware-version",
    inputs: { "firmware-version": "" },
    input: "firmware-version",
  },
  { name: "no credentials", inputs: { "secret-id": "", "secret-key": "" }, input: "secret-id" },
  { name: "secret-id without its key", inputs: { "secret-key": "" }, input: "secret-key" },
  { name: "secret key without its id", inputs: { "secret-id": "" }, input: "secret-id" },
  {
    name: "unknown upgrade-method",
    inputs: { "upgrade-method": "eventually" },
    input: "upgrade-method",
  },
  {
    name: "device-names and device-list",
    inputs: { "device-list": "devices.txt" },
    input: "device-list",
  },
  {
    name: "device-list and firmware-original-version",
    inputs: { ...list("d.txt"), "firmware-original-version": "1.0.0" },
    input: "firmware-original-version",
  },
  { name: "no target", inputs: { "device-names": "" }, input: "device-names" },
  { name: "separators only", inputs: { "device-names": ", ,\n ,\n" }, input: "device-names" },
  {
    name: "endpoint that is not a URL",
    inputs: { endpoint: "http://exa mple.com" },
    input: "endpoint",
  },
  {
    name: "endpoint with another scheme",
    inputs: { endpoint: "ftp://iotvideo.tencentcloudapi.com" },
    input: "endpoint",
  },
  {
    name: "endpoint with a password",
    inputs: { endpoint: "https://deploy:hunter2-pass@iotvideo.tencentcloudapi.com" },
    input: "endpoint",
    says: "'https://***@iotvideo.tencentcloudapi.com'",
    never: "hunter2",
  },
  {
    name: "malformed endpoint with a password",
    inputs: { endpoint: "https://deploy:hunter2-pass@[bad" },
    input: "endpoint",
    never: "hunter2",
  },
  {
    name: "control character in product-id",
    inputs: { "product-id": "ABC\u001bDEF" },
    input: "product-id",
  },
  {
    name: "control character in firmware-version",
    inputs: { "firmware-version": "2.0\u0001" },
    input: "firmware-version",
  },
  {
    name: "control character in firmware-original-version",
    inputs: { "firmware-original-version": "1.0\u0008" },
    input: "firmware-original-version",
  },
  {
    name: "control character in device-names",
    inputs: { "device-names": "dev-001\u007f" },
    input: "device-names",
  },
  {
    name: "hundreds of control characters, still a short line",
    inputs: { "device-names": "\u0001".repeat(300) },
    input: "device-names",
  },
  { name: "control character in region", inputs: { region: "ap-\u0001gz" }, input: "region" },
  {
    name: "an environment name GitHub refuses",
    inputs: { environment: "e".repeat(256), "github-token": "ghs_x" },
    input: "environment",
  },
  {
    name: "control character in endpoint",
    inputs: { endpoint: "iotvideo\u0007.tencentcloudapi.com" },
    input: "endpoint",
  },
  {
    name: "control character in secret-id",
    inputs: { "secret-id": "AKID\u0002x" },
    input: "secret-id",
  },
  {
    name: "control character in secret-key",
    inputs: { "secret-key": "k\u0002y" },
    input: "secret-key",
  },
  {
    name: "control character in session-token",
    inputs: { "session-token": "t\u0003k" },
    input: "session-token",
  },
  { name: "control character in device-list", inputs: list("dev\u0005.txt"), input: "device-list" },
  { name: "max-attempts 0", inputs: { "max-attempts": "0" }, input: "max-attempts" },
  { name: "max-attempts 11", inputs: { "max-attempts": "11" }, input: "max-attempts" },
  { name: "max-attempts not a number", inputs: { "max-attempts": "three" }, input: "max-attempts" },
  { name: "request-timeout 0", inputs: { "request-timeout": "0" }, input: "request-timeout" },
  { name: "request-timeout 601", inputs: { "request-timeout": "601" }, input: "request-timeout" },
  {
    name: "request-timeout with a unit",
    inputs: { "request-timeout": "30s" },
    input: "request-timeout",
  },
  {
    name: "device list missing",
    inputs: list("missing.txt"),
    input: "device-list",
    says: "missing.txt' (relative paths are the workspace's, '/tmp/bad-input-",
  },
  {
    name: "device list is a directory",
    inputs: list("a-directory"),
    input: "device-list",
    says: "a-directory",
  },
  { name: "device list empty", inputs: list("empty.txt"), input: "device-list", says: "empty.txt" },
  {
    name: "device list with no device",
    inputs: list("blank.txt"),
    input: "device-list",
    says: "blank.txt",
  },
  {
    name: "device list with a control character",
    inputs: list("control.txt"),
    input: "device-list",
    says: "Line 3",
  },
  {
    name: "device list with a space in a name",
    inputs: list("inner-space.txt"),
    input: "device-list",
    says: "Line 2",
  },
  {
    name: "device list with a name too long",
    inputs: list("too-long.txt"),
    input: "device-list",
    says: "Line 2",
  },
  {
    name: "device list not UTF-8",
    inputs: list("latin1.txt"),
    input: "device-list",
    says: "Line 2",
  },
  {
    name: "canary-devices outside device-names",
    inputs: { "device-names": "dev-001,dev-002", waves: "50%, 100%", "canary-devices": "dev-009" },
    input: "canary-devices",
    says: "'dev-009'. Expected each canary to be one of the devices of device-names",
  },
  {
    // The list is read whole before the first request; its canaries are checked then.
    name: "canary-devices outside a device-list",
    inputs: { ...list("fleet.txt"), waves: "50%, 100%", "canary-devices": "dev-002,lab-9,lab-10" },
    input: "canary-devices",
    says: "'lab-9'. Expected each canary to be one of the devices of device-list fleet.txt (canaries are the rollout's first wave); 2 of the 3 canaries are not, this one first.",
  },
] as Array<{
  name: string;
  inputs: Record<string, string>;
  input: string;
  says?: string;
  never?: string;
}>;

/** The step's answer to a bad input: one short line naming it, no stack, nothing sent. */
function expectRefused(run: ActionRun, input: string, says?: string, never?: string): void {
  expect(run.code).toBe(1);
  expect(run.errors).toHaveLength(1);
  const line = run.errors[0]!;
  expect(line.length).toBeLessThan(400);
  expect(line).toContain(`'${input}'`);
  if (says !== undefined) expect(line).toContain(says);
  if (never !== undefined) expect(run.stdout + run.stderr).not.toContain(never);
  expect(run.stdout + run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(emulator.requests).toEqual([]);
}

describe.each(CASES)("$name", ({ inputs, input, says, never }) => {
  it(`fails naming '${input}' and sends nothing`, async () => {
    emulator.requests.length = 0;
    const run = await runInProcess({ ...valid(), ...inputs }, undefined, {
      GITHUB_WORKSPACE: workspace,
    });
    expectRefused(run, input, says, never);
  });
});

describe("the bundled action refuses bad input the same way", () => {
  it.each(
    CASES.filter((c) =>
      [
        "missing product-id",
        "endpoint with a password",
        "device list with a control character",
      ].includes(c.name),
    ),
  )("$name", async ({ inputs, input, says, never }) => {
    emulator.requests.length = 0;
    const run = await runAction({ inputs: { ...valid(), ...inputs }, cwd: workspace });
    expectRefused(run, input, says, never);
  });
});
