// Device-list files: CreateTaskFileUrl, the pre-signed PUT, and BatchUpdateFirmware by FileName.
import { createHash } from "node:crypto";
import { request } from "node:http";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_PRODUCT_ID, startEmulator, type Emulator } from "./index.js";
import { callApi, errorCode, put } from "./test-client.js";
import { until } from "../support/until.js";

const BASE = { ProductID: SAMPLE_PRODUCT_ID, FirmwareVersion: "2.0.0" };
const md5 = (data: string | Buffer) => createHash("md5").update(data).digest("hex");

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(() => emu.close());

async function fileUrl(): Promise<{ Url: string; FileName: string }> {
  const result = await callApi(emu, "CreateTaskFileUrl", { ProductId: SAMPLE_PRODUCT_ID });
  return result.response as unknown as { Url: string; FileName: string };
}

const byFile = (FileName: string, FileMd5: string, FileSize: number) =>
  callApi(emu, "BatchUpdateFirmware", { ...BASE, FileName, FileMd5, FileSize });

describe("uploads", () => {
  it("stores a file and rolls out by FileName when MD5 and size match", async () => {
    const { Url, FileName } = await fileUrl();
    expect(FileName).toMatch(new RegExp(`^\\d+_${SAMPLE_PRODUCT_ID}_\\d+$`));
    const body = "dev-001\r\ndev-002\r\n";
    const answer = await put(Url, body);
    expect(answer).toMatchObject({ status: 200, etag: `"${md5(body)}"` });
    expect(emu.uploads.get(FileName)).toEqual({
      fileName: FileName,
      md5: md5(body),
      size: 18,
      lineCount: 2,
    });
    const result = await byFile(FileName, md5(body).toUpperCase(), 18);
    expect(result.response?.["TaskId"]).toBe(1);
    expect(emu.tasks[0]).toMatchObject({ fileName: FileName });
    expect(emu.requests.map((r) => r.kind)).toEqual(["api", "upload", "api"]);
  });

  it.each([
    { name: "MD5", md5Of: (b: string) => md5(b + "x"), size: 7, says: "FileMd5" },
    { name: "size", md5Of: md5, size: 8, says: "FileSize" },
  ])("refuses a rollout whose $name does not match the upload", async ({ md5Of, size, says }) => {
    const { Url, FileName } = await fileUrl();
    await put(Url, "dev-001");
    const result = await byFile(FileName, md5Of("dev-001"), size);
    expect(errorCode(result)).toBe("InvalidParameterValue");
    expect(result.response?.Error?.Message).toContain(says);
    expect(emu.tasks).toEqual([]);
  });

  it("with hashUploads false, only counts: no ETag, and the task's FileMd5 stands", async () => {
    await emu.close();
    emu = await startEmulator({ hashUploads: false });
    const { Url, FileName } = await fileUrl();
    const answer = await put(Url, "dev-001\n");
    expect(answer.status).toBe(200);
    expect(answer.etag).toBeUndefined();
    expect(emu.uploads.get(FileName)).toEqual({ fileName: FileName, md5: "", size: 8 });
    const claimed = md5("anything");
    expect((await byFile(FileName, claimed, 8)).response?.["TaskId"]).toBe(1);
    expect(emu.uploads.get(FileName)?.md5).toBe(claimed);
  });

  it("refuses a FileName that was never uploaded", async () => {
    const { FileName } = await fileUrl();
    expect(errorCode(await byFile(FileName, md5(""), 0))).toBe("InvalidParameterValue");
  });

  it("answers DeviceIsUpdating for a small file naming a busy device", async () => {
    await callApi(emu, "BatchUpdateFirmware", { ...BASE, DeviceNames: ["dev-003"] });
    const { Url, FileName } = await fileUrl();
    await put(Url, "dev-004\ndev-003");
    const result = await byFile(FileName, md5("dev-004\ndev-003"), 15);
    expect(errorCode(result)).toBe("FailedOperation.DeviceIsUpdating");
    expect(emu.uploads.get(FileName)?.lineCount).toBe(2);
  });

  it("refuses an expired URL with object-storage XML and stores nothing", async () => {
    const { Url, FileName } = await fileUrl();
    emu.setClockSkew(16 * 60);
    const answer = await put(Url, "dev-001\n");
    expect(answer.status).toBe(403);
    expect(answer.text).toContain("<Code>AccessDenied</Code>");
    expect(answer.text).toContain("Request has expired");
    expect(emu.uploads.has(FileName)).toBe(false);
    expect(emu.requests.at(-1)).toMatchObject({
      kind: "upload",
      status: 403,
      errorCode: "AccessDenied",
    });
  });

  it("refuses a URL whose signature was changed", async () => {
    const { Url } = await fileUrl();
    const answer = await put(
      Url.replace(/sign=./, (m) => (m.endsWith("0") ? "sign=1" : "sign=0")),
      "x",
    );
    expect(answer.status).toBe(403);
    expect(answer.text).toContain("SignatureDoesNotMatch");
    expect(emu.uploads.size).toBe(0);
  });

  it("hashes a 40 MiB upload as it streams", async () => {
    const { Url, FileName } = await fileUrl();
    const line = Buffer.from("device-name-0000000000000000000000000000000000000000000000000000\n");
    const count = Math.ceil((40 * 1024 * 1024) / line.length);
    const hash = createHash("md5");
    function* lines() {
      for (let i = 0; i < count; i += 1024) {
        const chunk = Buffer.concat(Array.from({ length: Math.min(1024, count - i) }, () => line));
        hash.update(chunk);
        yield chunk;
      }
    }
    const answer = await put(Url, Readable.from(lines()));
    expect(answer.status).toBe(200);
    expect(emu.uploads.get(FileName)).toEqual({
      fileName: FileName,
      md5: hash.digest("hex"),
      size: count * line.length,
    });
  });

  it("stores nothing when the client breaks off mid-body", async ({ signal }) => {
    const { Url, FileName } = await fileUrl();
    const req = request(Url, { method: "PUT", headers: { "Content-Length": "2000000" } });
    req.on("error", () => undefined);
    req.write(Buffer.alloc(1_000_000, 0x61), () => req.destroy());
    // The emulator records the upload once the exchange is over: wait for that, then look.
    await until(() => emu.requests.at(-1)?.kind === "upload", signal);
    expect(emu.uploads.has(FileName)).toBe(false);
    expect(emu.requests.at(-1)).toMatchObject({ kind: "upload", status: 0 });
  });

  it("answers 404 to other methods and paths", async () => {
    const { Url } = await fileUrl();
    expect((await fetch(Url)).status).toBe(404);
    expect((await put(`${emu.url}/elsewhere`, "x")).status).toBe(404);
    expect(emu.requests.slice(1).map((r) => r.kind)).toEqual(["other", "other"]);
  });
});
