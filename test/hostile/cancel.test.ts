import type { ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { runAction } from "../support/run-action.js";
import { until } from "../support/until.js";
import { answer, startStandIn } from "../support/hostile/api-stand-in.js";

// The runner cancels a step with SIGINT, then SIGTERM 7.5 s later, then SIGKILL. Whatever the
// step was doing, the log must say whether a task may exist, before the process is gone.
const INPUTS = {
  "product-id": "P1",
  "firmware-version": "2.0.0",
  "secret-id": "AKIDstandin",
  "secret-key": "stand-in-key-123",
  "request-timeout": "60",
};

function empty(): Record<string, unknown> {
  return { TaskInfos: [], Total: 0 };
}

describe.concurrent("a cancelled step", () => {
  it("while BatchUpdateFirmware is in flight: says the task may exist, with version and target", async () => {
    const standIn = await startStandIn({
      DescribeFirmwareTasks: empty,
      BatchUpdateFirmware: () => new Promise(() => undefined), // never answers
    });
    try {
      let child: ChildProcess | undefined;
      let output = () => "";
      const run = runAction({
        inputs: { ...INPUTS, "firmware-original-version": "1.0.0", endpoint: standIn.url },
        onSpawn: (c, stdout) => ((child = c), (output = stdout)),
      });
      expect(await until(() => standIn.count("BatchUpdateFirmware") === 1, run)).toBe(true);
      child?.kill("SIGINT");
      expect(await until(() => output().includes("may exist"), run)).toBe(true);
      // Still running: the answer could still name the task. SIGTERM ends it.
      expect(child?.exitCode).toBeNull();
      child?.kill("SIGTERM");
      const finished = await run;
      expect(finished.code).toBe(1);
      expect(finished.errors[0]).toContain(
        "cancelled (SIGINT) while BatchUpdateFirmware was in flight: a task of firmware 2.0.0 for every device now on 1.0.0 may exist",
      );
      expect(finished.errors.some((line) => line.includes("(SIGTERM)"))).toBe(true);
      expect(standIn.count("BatchUpdateFirmware")).toBe(1);
    } finally {
      await standIn.close();
    }
  });

  it("while BatchUpdateFirmware is in flight, and its answer comes: names the task, then fails", async () => {
    let release: () => void = () => undefined;
    const standIn = await startStandIn({
      DescribeFirmwareTasks: empty,
      BatchUpdateFirmware: (_call, res) => {
        release = () => answer(res, { TaskId: 7 });
        return undefined;
      },
    });
    try {
      let child: ChildProcess | undefined;
      let output = () => "";
      const run = runAction({
        inputs: { ...INPUTS, "device-names": "cam-1, cam-2", endpoint: standIn.url },
        onSpawn: (c, stdout) => ((child = c), (output = stdout)),
      });
      expect(await until(() => standIn.count("BatchUpdateFirmware") === 1, run)).toBe(true);
      child?.kill("SIGINT");
      expect(await until(() => output().includes("may exist"), run)).toBe(true);
      release();
      const finished = await run;
      expect(finished.code).toBe(1);
      expect(finished.stdout).toContain("Created upgrade task 7");
      expect(finished.outputs["task-id"]).toBe("7");
      expect(finished.errors.at(-1)).toContain(
        "cancelled after upgrade task 7 was created; the task goes on",
      );
    } finally {
      await standIn.close();
    }
  });

  it("while the device list uploads: says no task was created, and ends at once", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cancel-upload-"));
    await writeFile(join(dir, "devices.txt"), "cam-1\ncam-2\n");
    const standIn = await startStandIn({
      DescribeFirmwareTasks: empty,
      CreateTaskFileUrl: () => ({ Url: `${standIn.url}/upload`, FileName: "f1" }),
      // The upload carries no X-TC-Action: the stand-in takes it in and never answers.
      "": () => new Promise(() => undefined),
    });
    try {
      let child: ChildProcess | undefined;
      const run = runAction({
        inputs: { ...INPUTS, "device-list": "devices.txt", endpoint: standIn.url },
        cwd: dir,
        onSpawn: (c) => (child = c),
      });
      expect(await until(() => standIn.count("") === 1, run)).toBe(true);
      child?.kill("SIGINT");
      const finished = await run;
      expect(finished.code).toBe(1);
      expect(finished.errors).toEqual([
        expect.stringContaining(
          "cancelled (SIGINT) while the device list was uploading, before BatchUpdateFirmware was sent: no task was created",
        ),
      ]);
      expect(standIn.count("BatchUpdateFirmware")).toBe(0);
      // "At once", timed at the stand-in from the upload's arrival to the process dropping its
      // connection: the test's polling and the signal fit in the slack of a busy machine, while
      // an upload left to run out would hold it for request-timeout (60 s).
      expect(await standIn.heldOpen("")).toBeLessThan(10_000);
    } finally {
      await standIn.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
