// Every scripted fault is observable by a client, and "process" decides whether a task exists.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_PRODUCT_ID, startEmulator, type Emulator } from "./index.js";
import { callApi, errorCode, put } from "./test-client.js";
import { until } from "../support/until.js";

const ACTION = "BatchUpdateFirmware";
const VALID = { ProductID: SAMPLE_PRODUCT_ID, FirmwareVersion: "2.0.0", DeviceNames: ["dev-001"] };

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(() => emu.close());

const call = (signal?: AbortSignal) => callApi(emu, ACTION, VALID, signal ? { signal } : {});

describe("API faults", () => {
  it("rate-limit answers the code once, then behaviour resumes", async () => {
    emu.script(
      ACTION,
      { type: "rate-limit" },
      { type: "rate-limit", code: "RequestLimitExceeded.UinLimitExceeded" },
    );
    expect(errorCode(await call())).toBe("RequestLimitExceeded");
    expect(errorCode(await call())).toBe("RequestLimitExceeded.UinLimitExceeded");
    expect(emu.tasks).toEqual([]);
    expect(errorCode(await call())).toBeUndefined();
    expect(emu.requests.map((r) => r.fault)).toEqual(["rate-limit", "rate-limit", undefined]);
  });

  it("error answers without processing, or after processing with process:true", async () => {
    emu.script(ACTION, { type: "error", code: "InternalError" });
    expect(errorCode(await call())).toBe("InternalError");
    expect(emu.tasks).toEqual([]);
    emu.script(ACTION, { type: "error", code: "ServiceUnavailable", process: true });
    expect(errorCode(await call())).toBe("ServiceUnavailable");
    expect(emu.tasks).toHaveLength(1);
  });

  it("process:true still checks the signature", async () => {
    emu.script(ACTION, { type: "error", code: "InternalError", process: true });
    const result = await callApi(emu, ACTION, VALID, { secretKey: "wrong" });
    expect(errorCode(result)).toBe("AuthFailure.SignatureFailure");
    expect(emu.tasks).toEqual([]);
  });

  it("reset-before cuts the connection and does nothing", async () => {
    emu.script(ACTION, { type: "reset-before" });
    await expect(call()).rejects.toThrow();
    expect(emu.tasks).toEqual([]);
    expect(emu.requests).toMatchObject([{ action: ACTION, status: 0, fault: "reset-before" }]);
  });

  it("lost-after-process creates the task, then cuts the connection", async () => {
    emu.script(ACTION, { type: "lost-after-process" });
    await expect(call()).rejects.toThrow();
    expect(emu.tasks).toHaveLength(1);
    expect(errorCode(await call())).toBe("FailedOperation.DeviceIsUpdating");
  });

  it("status answers the given status and body", async () => {
    emu.script(
      ACTION,
      { type: "status", status: 503 },
      { type: "status", status: 502, body: "bad gateway", process: true },
    );
    const first = await call();
    expect(first.status).toBe(503);
    expect(first.response).toBeUndefined();
    expect(first.text).toContain("<html>");
    expect(emu.tasks).toEqual([]);
    expect(await call()).toMatchObject({ status: 502, text: "bad gateway" });
    expect(emu.tasks).toHaveLength(1);
  });

  it("truncated answers half an envelope after processing", async () => {
    emu.script(ACTION, { type: "truncated" });
    const result = await call();
    expect(result.status).toBe(200);
    expect(result.text.startsWith('{"Response":{')).toBe(true);
    expect(() => JSON.parse(result.text) as unknown).toThrow();
    expect(emu.tasks).toHaveLength(1);
  });

  it("non-json answers an HTML page without processing", async () => {
    emu.script(ACTION, { type: "non-json" });
    const result = await call();
    expect(result.status).toBe(200);
    expect(result.response).toBeUndefined();
    expect(result.text).toContain("<html>");
    expect(emu.tasks).toEqual([]);
  });

  it("slow processes first: a client that gives up still created the task", async () => {
    emu.script(ACTION, { type: "slow", delayMs: 400 });
    await expect(call(AbortSignal.timeout(100))).rejects.toThrow();
    expect(emu.tasks).toHaveLength(1);
  });

  it("slow answers normally to a patient client", async () => {
    emu.script(ACTION, { type: "slow", delayMs: 150 });
    const started = Date.now();
    expect((await call()).response?.["TaskId"]).toBe(1);
    // Only a floor, on the emulator's own delay: a busy machine can lengthen it, never shorten it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("slow with process:false does nothing for a client that gave up", async ({ signal }) => {
    emu.script(ACTION, { type: "slow", delayMs: 200, process: false });
    await expect(call(AbortSignal.timeout(50))).rejects.toThrow();
    // The emulator records an exchange once it is over: wait for that, then look.
    await until(() => emu.requests.length > 0, signal);
    expect(emu.requests).toMatchObject([{ action: ACTION, fault: "slow" }]);
    expect(emu.tasks).toEqual([]);
  });

  it("refuses faults that cannot apply", () => {
    expect(() => emu.script(ACTION, { type: "drop" })).toThrow();
    expect(() => emu.script("upload", { type: "truncated" })).toThrow();
    expect(() => emu.script("BatchUpdateFirmwares", { type: "rate-limit" })).toThrow();
  });
});

describe("upload faults", () => {
  async function fileUrl() {
    const result = await callApi(emu, "CreateTaskFileUrl", { ProductId: SAMPLE_PRODUCT_ID });
    return result.response as unknown as { Url: string; FileName: string };
  }

  it("expired answers 403 XML and stores nothing", async () => {
    const { Url, FileName } = await fileUrl();
    emu.script("upload", { type: "expired" });
    const answer = await put(Url, "dev-001\n");
    expect(answer.status).toBe(403);
    expect(answer.text).toContain("Request has expired");
    expect(emu.uploads.has(FileName)).toBe(false);
  });

  it.each(["drop", "reset-before"] as const)(
    "%s cuts the connection and stores nothing",
    async (type) => {
      const { Url, FileName } = await fileUrl();
      emu.script("upload", { type });
      await expect(put(Url, Buffer.alloc(1024 * 1024, 0x61))).rejects.toThrow();
      expect(emu.uploads.has(FileName)).toBe(false);
    },
  );

  it("lost-after-process stores the file but never answers", async () => {
    const { Url, FileName } = await fileUrl();
    emu.script("upload", { type: "lost-after-process" });
    await expect(put(Url, "dev-001\n")).rejects.toThrow();
    expect(emu.uploads.get(FileName)?.size).toBe(8);
  });

  it("status and error answer what they were given; process decides storage", async () => {
    const { Url, FileName } = await fileUrl();
    emu.script(
      "upload",
      { type: "status", status: 503 },
      { type: "error", code: "InternalError", process: true },
    );
    expect((await put(Url, "a\n")).status).toBe(503);
    expect(emu.uploads.has(FileName)).toBe(false);
    const second = await put(Url, "a\n");
    expect(second.status).toBe(500);
    expect(second.text).toContain("<Code>InternalError</Code>");
    expect(emu.uploads.has(FileName)).toBe(true);
  });
});
