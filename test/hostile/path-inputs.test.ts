import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandIn, type StandIn } from "../support/hostile/api-stand-in.js";
import { runAction } from "../support/run-action.js";

// A path input that names a named pipe, a device or a directory is refused at once: opening a
// pipe waits for a writer and /dev/zero never ends, so reading either would hang the step. One
// error line names the input and the value; nothing reaches the API.
let dir: string;
let standIn: StandIn;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "path-inputs-"));
  execFileSync("mkfifo", [join(dir, "pipe")]);
  await mkdir(join(dir, "folder"));
  standIn = await startStandIn({});
});
afterAll(async () => {
  await standIn.close();
  await rm(dir, { recursive: true, force: true });
});

describe.concurrent.each(["firmware-file", "device-list"])("%s", (input) => {
  it.each([
    { name: "a named pipe", value: "pipe", says: "This is not a regular file but a named pipe" },
    { name: "/dev/zero", value: "/dev/zero", says: "This is not a regular file but a device" },
    { name: "a directory", value: "folder", says: "This is a directory, not a file" },
  ])("naming $name: one error line, nothing sent", async ({ value, says }) => {
    const run = await runAction({
      inputs: {
        "product-id": "P1",
        "firmware-version": "2.0.0",
        "secret-id": "AKIDstandin",
        "secret-key": "stand-in-key-123",
        endpoint: standIn.url,
        ...(input === "firmware-file"
          ? { "firmware-file": value, "firmware-original-version": "1.0.0" }
          : { "device-list": value }),
      },
      cwd: dir,
    });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(
      `::error::Invalid input '${input}': '${value}'. ${says}. Expected `,
    );
    expect(standIn.calls).toEqual([]);
  });
});
