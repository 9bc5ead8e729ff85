// Request-level behaviour: headers, signature, clock, envelope, size limit, unknown paths.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_PRODUCT_ID, startEmulator, TEST_CREDENTIALS, type Emulator } from "./index.js";
import { callApi, errorCode, type CallOptions } from "./test-client.js";
import { authorizationFor } from "./test-signer.js";

const VALID = {
  ProductID: SAMPLE_PRODUCT_ID,
  FirmwareVersion: "2.0.0",
  FirmwareOriVersion: "1.0.0",
};
const now = () => Math.floor(Date.now() / 1000);

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(() => emu.close());

describe("a valid call", () => {
  it("answers the envelope with a fresh RequestId each time", async () => {
    const first = await callApi(emu, "BatchUpdateFirmware", VALID);
    const second = await callApi(emu, "DescribeFirmwareTasks", VALID);
    expect(first.status).toBe(200);
    expect(first.response).toEqual({ TaskId: 1, RequestId: expect.any(String) });
    expect(second.response?.["RequestId"]).not.toBe(first.response?.["RequestId"]);
    expect(emu.requests.map((r) => r.action)).toEqual([
      "BatchUpdateFirmware",
      "DescribeFirmwareTasks",
    ]);
  });

  it("accepts x-tc-action among the signed headers and a charset on the content type", async () => {
    const opts = { signAction: true, contentType: "application/json; charset=utf-8" };
    expect(errorCode(await callApi(emu, "BatchUpdateFirmware", VALID, opts))).toBeUndefined();
  });

  it("dates every answer by the skewed server clock", async () => {
    emu.setClockSkew(-3600);
    const result = await callApi(emu, "BatchUpdateFirmware", VALID, { timestamp: now() - 3600 });
    expect(errorCode(result)).toBeUndefined();
    const served = Date.parse(result.headers.get("date") ?? "") / 1000;
    expect(Math.abs(served - (now() - 3600))).toBeLessThan(5);
    expect(emu.tasks[0]?.createTime).toBeLessThan(now() - 3500);
  });
});

describe("refusals", () => {
  const header = (h: Record<string, string | undefined>): CallOptions => ({ headers: h });
  // `drift` moves X-TC-Timestamp from the clock read when the call is made (±302 stays
  // outside the ±300 s window even if the server's second ticks over meanwhile).
  const cases: {
    name: string;
    opts: CallOptions;
    code: string;
    action?: string;
    drift?: number;
  }[] = [
    {
      name: "no Authorization",
      opts: header({ Authorization: undefined }),
      code: "AuthFailure.SignatureFailure",
    },
    {
      name: "garbled Authorization",
      opts: header({ Authorization: "TC3-HMAC-SHA256 nonsense" }),
      code: "AuthFailure.SignatureFailure",
    },
    {
      name: "another algorithm",
      opts: header({
        Authorization: "HMAC-SHA1 Credential=a/b/c/d, SignedHeaders=host, Signature=0",
      }),
      code: "AuthFailure.SignatureFailure",
    },
    {
      name: "service cvm in the scope",
      opts: { service: "cvm" },
      code: "AuthFailure.SignatureFailure",
    },
    { name: "wrong key", opts: { secretKey: "wrong" }, code: "AuthFailure.SignatureFailure" },
    {
      name: "unknown SecretId",
      opts: { secretId: "AKIDUNKNOWN" },
      code: "AuthFailure.SecretIdNotFound",
    },
    {
      name: "timestamp 302 s old",
      opts: {},
      drift: -302,
      code: "AuthFailure.SignatureExpire",
    },
    {
      name: "timestamp 302 s ahead",
      opts: {},
      drift: 302,
      code: "AuthFailure.SignatureExpire",
    },
    {
      name: "milliseconds timestamp",
      opts: { timestamp: Date.now() },
      code: "AuthFailure.SignatureExpire",
    },
    { name: "unexpected token", opts: { token: "stray" }, code: "AuthFailure.TokenFailure" },
    {
      name: "no X-TC-Timestamp",
      opts: header({ "X-TC-Timestamp": undefined }),
      code: "MissingParameter",
    },
    {
      name: "no X-TC-Action",
      opts: header({ "X-TC-Action": undefined }),
      code: "MissingParameter",
    },
    { name: "another version", opts: { version: "2019-11-26" }, code: "NoSuchVersion" },
    { name: "unknown action", opts: {}, code: "InvalidAction", action: "DeleteEverything" },
    { name: "text/plain body", opts: { contentType: "text/plain" }, code: "InvalidParameter" },
    { name: "body not JSON", opts: { body: "ProductID=x" }, code: "InvalidParameter" },
    { name: "body a JSON array", opts: { body: "[]" }, code: "InvalidParameter" },
  ];

  it.each(cases)("$name → $code", async ({ opts, code, action, drift }) => {
    const timed = drift === undefined ? opts : { ...opts, timestamp: now() + drift };
    const result = await callApi(emu, action ?? "BatchUpdateFirmware", VALID, timed);
    expect(result.status).toBe(200);
    expect(errorCode(result)).toBe(code);
    expect(result.response?.["RequestId"]).toEqual(expect.any(String));
    expect(emu.tasks).toEqual([]);
    expect(emu.requests).toMatchObject([{ kind: "api", status: 200, errorCode: code }]);
  });

  it("refuses a credential date that is not the timestamp's UTC date", async () => {
    const timestamp = now();
    const auth = authorizationFor({
      ...TEST_CREDENTIALS,
      service: "iotvideo",
      host: new URL(emu.url).host,
      contentType: "application/json",
      body: JSON.stringify(VALID),
      timestamp: timestamp - 86400, // signs yesterday's date
    });
    const result = await callApi(emu, "BatchUpdateFirmware", VALID, {
      headers: { Authorization: auth, "X-TC-Timestamp": String(timestamp) },
    });
    expect(errorCode(result)).toBe("AuthFailure.SignatureFailure");
  });

  it("requires the configured session token", async () => {
    await emu.close();
    emu = await startEmulator({ credentials: { ...TEST_CREDENTIALS, token: "tok" } });
    expect(errorCode(await callApi(emu, "BatchUpdateFirmware", VALID))).toBe(
      "AuthFailure.TokenFailure",
    );
    expect(
      errorCode(await callApi(emu, "BatchUpdateFirmware", VALID, { token: "tok" })),
    ).toBeUndefined();
  });

  it("caps API bodies at 10 MiB", async () => {
    const body = JSON.stringify({ ...VALID, Pad: "x".repeat(10 * 1024 * 1024) });
    const result = await callApi(emu, "BatchUpdateFirmware", VALID, { body });
    expect(errorCode(result)).toBe("RequestSizeLimitExceeded");
    expect(emu.requests[0]?.params).toBeUndefined();
  });
});

describe("other paths", () => {
  it("answers 404 and records the request", async () => {
    const res = await fetch(`${emu.url}/favicon.ico`);
    expect(res.status).toBe(404);
    expect(res.headers.get("date")).toBeTruthy();
    expect(emu.requests).toMatchObject([
      { kind: "other", status: 404, method: "GET", path: "/favicon.ico" },
    ]);
  });
});
