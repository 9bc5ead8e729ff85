import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_PRODUCT_ID, startEmulator, type Emulator } from "./emulator/index.js";
import { sampleInputs } from "./support/sample-inputs.js";
import { runAction } from "./support/run-action.js";

// The bundled dist/index.js as a process, the way the runner starts it.
let emulator: Emulator;

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return sampleInputs(emulator, { "upgrade-method": "silent", ...extra });
}

const STACK_LINE = /^\s+at .+\(.+:\d+:\d+\)$/m;

// A fresh emulator per test: tasks keep devices "updating", so tests must not share one.
beforeEach(async () => {
  emulator = await startEmulator();
});
afterEach(async () => {
  await emulator.close();
});

describe("dist/index.js against the emulator", () => {
  it("rolls out to the devices on an original version and sets task-id and request-id", async () => {
    const run = await runAction({ inputs: inputs({ "firmware-original-version": "1.0.0" }) });
    expect(run.code).toBe(0);
    expect(run.errors).toEqual([]);
    const task = emulator.tasks.at(-1);
    expect(task).toMatchObject({
      productId: SAMPLE_PRODUCT_ID,
      firmwareVersion: "2.0.0",
      originalVersion: "1.0.0",
      upgradeMethod: 0,
    });
    expect(run.outputs["task-id"]).toBe(String(task?.taskId));
    expect(run.outputs["request-id"]).toMatch(/\S/);
    expect(run.stdout).toContain(`Created upgrade task ${task?.taskId}`);
  });

  it("rolls out to named devices with the confirm method", async () => {
    const run = await runAction({
      inputs: inputs({ "device-names": "dev-001,\ndev-002", "upgrade-method": "confirm" }),
    });
    expect(run.code).toBe(0);
    expect(emulator.tasks.at(-1)).toMatchObject({
      deviceNames: ["dev-001", "dev-002"],
      upgradeMethod: 1,
    });
    expect(run.outputs["task-id"]).toBe(String(emulator.tasks.at(-1)?.taskId));
  });

  it("takes credentials from the environment", async () => {
    const run = await runAction({
      inputs: inputs({ "secret-id": "", "secret-key": "", "firmware-original-version": "1.1.0" }),
      env: {
        TENCENTCLOUD_SECRET_ID: emulator.credentials.secretId,
        TENCENTCLOUD_SECRET_KEY: emulator.credentials.secretKey,
      },
    });
    expect(run.code).toBe(0);
    expect(run.outputs["task-id"]).toBe(String(emulator.tasks.at(-1)?.taskId));
  });

  it("fails with one error line carrying Tencent's code, message and RequestId", async () => {
    const before = emulator.tasks.length;
    const run = await runAction({
      inputs: inputs({ "secret-key": "not-the-right-key", "firmware-original-version": "1.0.0" }),
    });
    expect(run.code).toBe(1);
    expect(emulator.tasks).toHaveLength(before);
    expect(run.errors).toHaveLength(1);
    const answered = emulator.requests.at(-1);
    expect(run.errors[0]).toContain("AuthFailure.SignatureFailure");
    expect(run.errors[0]).toContain(answered?.message ?? "?");
    expect(run.errors[0]).toMatch(/RequestId: [0-9a-f-]{36}/);
    expect(run.outputs["task-id"]).toBeUndefined();
    expect(run.stdout + run.stderr).not.toMatch(STACK_LINE);
  });

  it("fails a device that is already updating, naming the code", async () => {
    const first = await runAction({ inputs: inputs({ "device-names": "dev-005" }) });
    expect(first.code).toBe(0);
    const second = await runAction({ inputs: inputs({ "device-names": "dev-005" }) });
    expect(second.code).toBe(1);
    expect(second.errors.join("\n")).toContain("FailedOperation.DeviceIsUpdating");
    expect(second.errors.join("\n")).toContain(
      `Unfinished tasks of firmware 2.0.0: ${first.outputs["task-id"]}.`,
    );
  });

  it("fails clearly when the endpoint does not answer, without a stack trace", async () => {
    const down = await startEmulator();
    await down.close();
    const run = await runAction({
      inputs: inputs({
        endpoint: down.url,
        "firmware-original-version": "1.0.0",
        "max-attempts": "1",
      }),
    });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain("ECONNREFUSED");
    expect(run.stdout + run.stderr).not.toMatch(STACK_LINE);
  });

  it("rejects a bad input with one error line and sends nothing", async () => {
    const run = await runAction({
      inputs: inputs({ "upgrade-method": "later", "firmware-original-version": "1.0.0" }),
    });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      "::error::Invalid input 'upgrade-method': 'later'. Expected silent or confirm (or 0 or 1).",
    ]);
    expect(emulator.requests).toEqual([]);
  });

  it("writes a job summary naming the task", async () => {
    const summary = join(tmpdir(), `summary-${process.pid}.md`);
    await writeFile(summary, "");
    const run = await runAction({
      inputs: inputs({ "firmware-original-version": "1.0.0" }),
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(run.code).toBe(0);
    const text = await readFile(summary, "utf8");
    expect(text).toMatch(
      new RegExp(`^### ⏳ Firmware 2\\.0\\.0: task ${run.outputs["task-id"]} created for `),
    );
    expect(text).toContain(`| Task | ${run.outputs["task-id"]} |`);
  });
});
