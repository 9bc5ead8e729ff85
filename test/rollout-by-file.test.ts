import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_PRODUCT_ID, startEmulator, type Emulator } from "./emulator/index.js";
import { sampleInputs } from "./support/sample-inputs.js";
import { runAction, type ActionRun } from "./support/run-action.js";

// Device-list rollouts through the bundled action: the file is checked, uploaded through the
// emulator's pre-signed URL, and BatchUpdateFirmware names exactly the uploaded bytes.
let emulator: Emulator;
let workspace: string;

beforeEach(async () => {
  emulator = await startEmulator();
  workspace = await mkdtemp(join(tmpdir(), "by-file-"));
});
afterEach(async () => {
  await emulator.close();
  await rm(workspace, { recursive: true, force: true });
});

async function rolloutFile(
  content: string,
  extra: Record<string, string> = {},
): Promise<ActionRun> {
  await writeFile(join(workspace, "devices.txt"), content);
  return runAction({
    cwd: workspace,
    inputs: sampleInputs(emulator, { "device-list": "devices.txt", ...extra }),
  });
}

const md5 = (text: string) => createHash("md5").update(text).digest("hex");
const UPLOADED = "dev-001\ndev-002\ndev-003\n";

describe("a device-list rollout", () => {
  it.each([
    { name: "LF", content: UPLOADED, normalized: false },
    { name: "CRLF", content: "dev-001\r\ndev-002\r\ndev-003\r\n", normalized: true },
    { name: "no final newline", content: "dev-001\ndev-002\ndev-003", normalized: true },
    {
      name: "blank lines and padding",
      content: "\n  dev-001 \n\n\tdev-002\ndev-003  \n\n",
      normalized: true,
    },
  ])("$name: one task naming exactly the uploaded bytes", async ({ content, normalized }) => {
    const run = await rolloutFile(content);
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(emulator.tasks).toHaveLength(1);
    const task = emulator.tasks[0]!;
    const upload = emulator.uploads.get(task.fileName ?? "");
    // The bytes the emulator received are the normalized list, whatever the file looked like.
    expect(upload).toMatchObject({
      md5: md5(UPLOADED),
      size: Buffer.byteLength(UPLOADED),
      lineCount: 3,
    });
    expect(task).toMatchObject({ fileName: upload?.fileName });
    expect(task.deviceNames).toBeUndefined();
    expect(task.originalVersion).toBeUndefined();
    const sent = emulator.requests.find((r) => r.action === "BatchUpdateFirmware")?.params;
    expect(sent).toEqual({
      ProductID: SAMPLE_PRODUCT_ID,
      FirmwareVersion: "2.0.0",
      UpgradeMethod: 0,
      FileName: upload?.fileName,
      FileMd5: md5(UPLOADED),
      FileSize: Buffer.byteLength(UPLOADED),
    });
    expect(run.outputs).toMatchObject({
      "task-id": String(task.taskId),
      "device-count": "3",
      "device-list-md5": md5(UPLOADED),
      "device-list-size": String(Buffer.byteLength(UPLOADED)),
    });
    expect(run.stdout).toContain(
      `Device list devices.txt: 3 devices, ${Buffer.byteLength(UPLOADED)} bytes, MD5 ${md5(UPLOADED)} (${
        normalized
          ? "normalized: trimmed, LF line ends, blank lines dropped"
          : "the file's bytes as they are"
      }); uploaded as ${task.fileName}.`,
    );
  });

  it("warns about names listed twice", async () => {
    const run = await rolloutFile("dev-001\ndev-002\ndev-001\n");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /::warning::Device list devices.txt repeats 1 name\(s\) on 1 extra line\(s\), e\.g\. dev-001 \(lines 1 and 3\)/,
    );
  });

  it("asks for a fresh URL when the upload URL has expired", async () => {
    emulator.script("upload", { type: "expired" });
    const run = await rolloutFile(UPLOADED);
    expect(run.code).toBe(0);
    expect(emulator.tasks).toHaveLength(1);
    expect(emulator.requests.filter((r) => r.action === "CreateTaskFileUrl")).toHaveLength(2);
    expect(run.stdout).toMatch(
      /device-list upload: attempt 1\/5 failed: .*403.*Request has expired/,
    );
  });

  it("uploads again when the connection drops mid-upload", async () => {
    emulator.script("upload", { type: "drop" });
    const big =
      Array.from({ length: 20_000 }, (_, i) => `dev-${String(i).padStart(6, "0")}`).join("\n") +
      "\n";
    const run = await rolloutFile(big);
    expect(run.code).toBe(0);
    expect(emulator.tasks).toHaveLength(1);
    expect(emulator.uploads.get(emulator.tasks[0]?.fileName ?? "")?.md5).toBe(md5(big));
    expect(emulator.requests.filter((r) => r.kind === "upload")).toHaveLength(2);
  });

  it("fails after max-attempts when every upload is refused, creating no task", async () => {
    emulator.script("upload", { type: "expired" }, { type: "expired" });
    const run = await rolloutFile(UPLOADED, { "max-attempts": "2" });
    expect(run.code).toBe(1);
    expect(emulator.tasks).toHaveLength(0);
    expect(emulator.requests.filter((r) => r.action === "BatchUpdateFirmware")).toHaveLength(0);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain("gave up on device-list upload after 2 attempts");
  });
});
