import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandIn } from "../support/hostile/api-stand-in.js";
import { runAction } from "../support/run-action.js";

// CreateTaskFileUrl's Url is the server's: one the upload cannot use ends the step with an
// error naming CreateTaskFileUrl and the URL (escaped, its signed query left out), not with
// "Unexpected error: Invalid URL". It is not retried, and no task is created.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "upload-url-"));
  await writeFile(join(dir, "devices.txt"), "cam-1\ncam-2\n");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.concurrent("an unusable upload URL", () => {
  it.each([
    { name: "not a URL", url: "not a url", shown: "'not a url'" },
    {
      name: "another scheme",
      url: "ftp://store.example/obj?sign=s3cr3t",
      shown: "'ftp://store.example/obj' (query not shown)",
    },
    { name: "no host", url: "file:///etc/passwd", shown: "'file:///etc/passwd'" },
    {
      name: "a workflow command",
      url: "::error::x\n##[group]y",
      shown: "': :error: :x\\n# #[group]y'",
    },
  ])(
    "$name: one error naming CreateTaskFileUrl and the URL, no retry, no task",
    async ({ url, shown }) => {
      const standIn = await startStandIn({
        DescribeFirmwareTasks: () => ({ TaskInfos: [], Total: 0 }),
        CreateTaskFileUrl: () => ({ Url: url, FileName: "f1" }),
      });
      try {
        const run = await runAction({
          inputs: {
            "product-id": "P1",
            "firmware-version": "2.0.0",
            "secret-id": "AKIDstandin",
            "secret-key": "stand-in-key-123",
            "device-list": "devices.txt",
            endpoint: standIn.url,
          },
          cwd: dir,
        });
        expect(run.code).toBe(1);
        expect(run.errors).toEqual([
          `::error::CreateTaskFileUrl answered an upload URL that cannot be used: ${shown} is not an http(s) URL with a host (RequestId: stand-in-request). Nothing was uploaded and no task was created.`,
        ]);
        expect(run.stdout).not.toContain("s3cr3t");
        expect(standIn.count("CreateTaskFileUrl")).toBe(1);
        expect(standIn.count("BatchUpdateFirmware")).toBe(0);
      } finally {
        await standIn.close();
      }
    },
  );
});
