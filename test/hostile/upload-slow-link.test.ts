import { Agent } from "undici";
import { afterAll, beforeAll, expect, it } from "vitest";
import { scanDeviceList } from "../../src/target/list-file/scan.js";
import { uploadDeviceList } from "../../src/target/list-file/upload.js";
import { md5Of, tempDir, writeList } from "../device-list/files.js";
import { socketPathFor, startUploadTarget } from "../support/hostile/upload-stand-ins.js";

// A steady slow link is not a stall: request-timeout bounds the time without progress, and
// progress is measured in bytes the connection takes, not in 1 MiB reads.
//
// The case from the field, 64 KB/s against request-timeout 10 s, runs here at 8 times the speed
// against 1.25 s: the same 640 KB per timeout, where a 1 MiB piece takes 1.6 timeouts to go out
// and a 64 KiB one a tenth. It runs over a Unix socket, which buffers ~130 KB: loopback TCP
// buffers ~4 MB per connection (Node cannot shrink that), which would take in the whole
// list at once and leave nothing for the piece size to matter to.

const BYTES_PER_SECOND = 512_000;
const TIMEOUT_MS = 1_250;

let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.remove();
});

it("finishes an upload that keeps moving at a steady slow pace, however long it takes", async () => {
  const names = Array.from({ length: 110_000 }, (_, i) => `cam-${String(i).padStart(8, "0")}`);
  const text = `${names.join("\n")}\n`;
  const scanned = await scanDeviceList(await writeList(dir.path("slow.txt"), text));
  const socketPath = socketPathFor("slow");
  const store = await startUploadTarget(
    { kind: "rate", bytesPerSecond: BYTES_PER_SECOND },
    socketPath,
  );
  const dispatcher = new Agent({ connect: { socketPath } });
  try {
    const md5 = await uploadDeviceList(scanned, `${store.url}/obj`, {
      dispatcher,
      timeoutMs: TIMEOUT_MS,
    });
    // Over twice the timeout in all, as the store took it in: the pace, not the total, counted.
    const { arrived, ended } = store.timings[0]!;
    expect(ended! - arrived).toBeGreaterThan(2 * TIMEOUT_MS);
    expect(md5).toBe(md5Of(text));
    expect(store.received).toEqual([{ bytes: scanned.size, md5, complete: true }]);
  } finally {
    await dispatcher.close();
    await store.close();
  }
});
