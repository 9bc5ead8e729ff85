import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { startEmulator, type Emulator } from "./emulator/index.js";
import { startProxy, type LoopbackProxy } from "./support/proxy.js";
import { sampleInputs } from "./support/sample-inputs.js";
import { runAction } from "./support/run-action.js";

// Self-hosted runners reach Tencent through a proxy: every request, uploads included, must go
// through HTTP(S)_PROXY unless NO_PROXY exempts the host.
let emulator: Emulator;
let proxy: LoopbackProxy;
let workspace: string;

beforeEach(async () => {
  emulator = await startEmulator();
  proxy = await startProxy();
  workspace = await mkdtemp(join(tmpdir(), "proxy-"));
  await writeFile(join(workspace, "devices.txt"), "dev-001\ndev-002\n");
});
afterEach(async () => {
  await proxy.close();
  await emulator.close();
  await rm(workspace, { recursive: true, force: true });
});

function rollout(env: Record<string, string>) {
  return runAction({
    cwd: workspace,
    env,
    inputs: sampleInputs(emulator, { "device-list": "devices.txt" }),
  });
}

it.each([
  { name: "HTTP_PROXY", env: (url: string) => ({ HTTP_PROXY: url }) },
  { name: "http_proxy (lower case)", env: (url: string) => ({ http_proxy: url }) },
])("sends API calls and the upload through $name", async ({ env }) => {
  const run = await rollout(env(proxy.url));
  expect(run.errors).toEqual([]);
  expect(emulator.tasks).toHaveLength(1);
  const host = new URL(emulator.url).host;
  expect(proxy.targets.length).toBeGreaterThan(0);
  expect(new Set(proxy.targets)).toEqual(new Set([host]));
  // Each of the four exchanges went through the tunnel: list tasks, URL, upload, create.
  const tunnelled = proxy.tunnelled();
  for (const action of ["DescribeFirmwareTasks", "CreateTaskFileUrl", "BatchUpdateFirmware"]) {
    expect(tunnelled).toMatch(new RegExp(`^x-tc-action: ${action}\r$`, "im"));
  }
  expect(tunnelled).toContain("PUT /upload/");
});

it("goes direct when NO_PROXY names the host", async () => {
  const run = await rollout({ HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" });
  expect(run.code).toBe(0);
  expect(emulator.tasks).toHaveLength(1);
  expect(proxy.targets).toEqual([]);
});

it("fails clearly, without a task, when the proxy is down", async () => {
  const url = proxy.url;
  await proxy.close();
  const run = await runAction({
    inputs: sampleInputs(emulator, { "firmware-original-version": "1.0.0", "max-attempts": "2" }),
    env: { HTTP_PROXY: url },
  });
  expect(run.code).toBe(1);
  expect(run.errors).toHaveLength(1);
  expect(emulator.tasks).toHaveLength(0);
  expect(emulator.requests).toEqual([]);
});
