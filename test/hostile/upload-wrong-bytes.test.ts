import { writeFile } from "node:fs/promises";
import { Agent, type Dispatcher } from "undici";
import { describe, expect, it } from "vitest";
import { scanDeviceList, type ScannedList } from "../../src/target/list-file/scan.js";
import { uploadDeviceList } from "../../src/target/list-file/upload.js";
import { TransportError } from "../../src/run/errors.js";
import { classify } from "../../src/http/retry.js";
import { md5Of, writeList } from "../device-list/files.js";
import {
  startApiStandIn,
  startUploadTarget,
  type TargetBehaviour,
  type UploadTarget,
  rolloutFleet,
  socketPathFor,
} from "../support/hostile/upload-stand-ins.js";
import { standInSuite } from "../support/hostile/stand-in-suite.js";

// "Never a task for the wrong bytes": a 2xx counts only when every byte went out before it came,
// and an ETag that is an MD5 must be the MD5 of what was sent.

const { dispatcher, standIns, path } = standInSuite();

async function target(behaviour: TargetBehaviour): Promise<UploadTarget> {
  const started = await startUploadTarget(behaviour);
  standIns.push(started);
  return started;
}

/** `count` names of 40 characters: 400,000 of them (16 MB) outgrow loopback's TCP buffers. */
async function list(name: string, count: number): Promise<ScannedList> {
  const names = Array.from({ length: count }, (_, i) => `camera-${String(i).padStart(33, "0")}`);
  return scanDeviceList(await writeList(path(name), `${names.join("\n")}\n`));
}

async function uploadError(
  scanned: ScannedList,
  url: string,
  through: Dispatcher = dispatcher,
): Promise<TransportError> {
  const error: unknown = await uploadDeviceList(scanned, url, {
    dispatcher: through,
    timeoutMs: 5_000,
  }).then(
    () => new Error("expected the upload to be refused"),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

describe("a 2xx that came before the whole body was sent", () => {
  it.each([200, 201, 204])("is refused, and may be retried: HTTP %i", async (status) => {
    // Over a Unix socket, which holds ~200 KB (loopback TCP's buffers are autotuned): 1.6 MB
    // cannot all be sent while the store reads nothing, and is a tenth of the bytes to write.
    const scanned = await list("big.txt", 40_000);
    const socketPath = socketPathFor("early");
    const store = await startUploadTarget({ kind: "early", status }, socketPath);
    standIns.push(store);
    const through = new Agent({ connect: { socketPath } });
    const error = await uploadError(scanned, `${store.url}/obj`, through).finally(() =>
      through.close(),
    );
    expect(error.message).toMatch(
      new RegExp(
        `^device-list upload failed: HTTP ${status} came when only \\d+ of ${scanned.size} bytes had been sent, so the store cannot have read the whole list$`,
      ),
    );
    expect(classify(error)).toBe("retry");
    expect(store.received[0]?.complete).not.toBe(true);
  });
});

describe("an ETag that is an MD5", () => {
  it("is refused when it is not the MD5 of the bytes sent, naming both", async () => {
    const scanned = await list("small.txt", 1000);
    const sent = md5Of(
      `${Array.from({ length: 1000 }, (_, i) => `camera-${String(i).padStart(33, "0")}`).join("\n")}\n`,
    );
    const other = "0123456789abcdef0123456789abcdef";
    const store = await target({ kind: "answer", etag: `"${other}"` });
    const error = await uploadError(scanned, `${store.url}/obj`);
    expect(error.message).toBe(
      `device-list upload failed: the store's ETag "${other}" is not the MD5 of the bytes sent (${sent}), so it did not store them as sent`,
    );
    expect(classify(error)).toBe("retry");
  });

  it.each([
    { name: "the MD5, quoted", etag: (md5: string) => `"${md5}"` },
    { name: "the MD5, bare and in capitals", etag: (md5: string) => md5.toUpperCase() },
    { name: "a multipart ETag (not compared)", etag: () => '"0123456789abcdef0123456789abcdef-3"' },
    { name: "a weak ETag (not compared)", etag: () => 'W/"0123456789abcdef0123456789abcdef"' },
    { name: "an opaque ETag (not compared)", etag: () => '"v1"' },
  ])("is accepted: $name", async ({ etag }) => {
    const text = "cam-1\ncam-2\n";
    const scanned = await scanDeviceList(await writeList(path("two.txt"), text));
    const store = await target({ kind: "answer", etag: etag(md5Of(text)) });
    const md5 = await uploadDeviceList(scanned, `${store.url}/obj`, {
      dispatcher,
      timeoutMs: 5_000,
    });
    expect(md5).toBe(md5Of(text));
  });
});

describe("through the bundled action", () => {
  it("creates no task when the store says 200 before it has the list", async () => {
    const store = await target({ kind: "early", status: 200 });
    const api = await startApiStandIn(`${store.url}/obj?sign=x`);
    standIns.push(api);
    const cwd = path("");
    const names = Array.from(
      { length: 400_000 },
      (_, i) => `camera-${String(i).padStart(33, "0")}`,
    );
    await writeFile(path("fleet.txt"), `${names.join("\n")}\n`);
    const run = await rolloutFleet(cwd, api.url, { "request-timeout": "5", "max-attempts": "2" });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/HTTP 200 came when only \d+ of 16400000 bytes had been sent/);
    expect(api.actions).not.toContain("BatchUpdateFirmware");
    expect(api.actions.filter((action) => action === "CreateTaskFileUrl")).toHaveLength(2);
    expect(run.stdout).not.toContain("Created upgrade task");
    // Each attempt ends on the early answer, timed at the target: the client drops the connection
    // (a few ms after the answer, here) before request-timeout (5 s) would have ended it.
    for (const attempt of [0, 1]) {
      const timing = await store.closed(attempt);
      expect(timing.closed - timing.arrived).toBeLessThan(5_000);
    }
  });
});
