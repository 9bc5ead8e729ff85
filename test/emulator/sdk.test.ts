// Independence proof: Tencent's own SDK, which signs with its own TC3 code, is accepted by the
// emulator, and any change to what it signed is refused.
import { CommonClient } from "tencentcloud-sdk-nodejs-common";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_PRODUCT_ID, startEmulator, TEST_CREDENTIALS, type Emulator } from "./index.js";
import { LoopbackAgent, startTamperProxy, type InFlight, type TamperProxy } from "./loopback.js";

const VALID = { ProductID: SAMPLE_PRODUCT_ID, FirmwareVersion: "2.0.0", DeviceNames: ["dev-001"] };

let emu: Emulator;
let proxy: TamperProxy | undefined;

beforeEach(async () => {
  emu = await startEmulator();
});

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await emu.close();
});

/** The SDK pointed at the real host name, so it derives service "iotvideo" and signs that host. */
function sdk(port: number, credential: { secretId: string; secretKey: string; token?: string }) {
  return new CommonClient("iotvideo.tencentcloudapi.com", "2020-12-15", {
    credential,
    profile: {
      httpProfile: { protocol: "http://", agent: new LoopbackAgent(port), reqTimeout: 10 },
    },
  });
}

const emulatorPort = () => Number(new URL(emu.url).port);

async function throughProxy(tamper: (req: InFlight) => void) {
  proxy = await startTamperProxy(emu.url, tamper);
  return sdk(proxy.port, TEST_CREDENTIALS);
}

describe("official SDK against the emulator", () => {
  it("creates a task with BatchUpdateFirmware", async () => {
    const answer = await sdk(emulatorPort(), TEST_CREDENTIALS).request(
      "BatchUpdateFirmware",
      VALID,
    );
    expect(answer).toMatchObject({ TaskId: 1, RequestId: expect.any(String) });
    expect(emu.tasks).toMatchObject([
      { taskId: 1, deviceNames: ["dev-001"], firmwareVersion: "2.0.0" },
    ]);
    expect(emu.requests).toMatchObject([
      { kind: "api", action: "BatchUpdateFirmware", status: 200 },
    ]);
  });

  it("lists tasks and hands out upload URLs", async () => {
    const client = sdk(emulatorPort(), TEST_CREDENTIALS);
    await client.request("BatchUpdateFirmware", VALID);
    const list = await client.request("DescribeFirmwareTasks", {
      ...{ ProductID: SAMPLE_PRODUCT_ID, FirmwareVersion: "2.0.0", Offset: 0, Limit: 10 },
    });
    expect(list).toMatchObject({ Total: 1, TaskInfos: [{ TaskId: 1, Status: 1 }] });
    const url = await client.request("CreateTaskFileUrl", { ProductId: SAMPLE_PRODUCT_ID });
    expect(url).toMatchObject({ FileName: expect.stringContaining(`_${SAMPLE_PRODUCT_ID}_`) });
    expect(String((url as Record<string, unknown>)["Url"])).toMatch(
      new RegExp(`^${emu.url}/upload/`),
    );
  });

  it("refuses a body with one byte changed in flight", async () => {
    const client = await throughProxy((req) => {
      const at = req.body.indexOf("dev-001") + 6;
      req.body[at] = "2".charCodeAt(0); // now dev-002: still a valid request, but not the signed one
    });
    await expect(client.request("BatchUpdateFirmware", VALID)).rejects.toMatchObject({
      code: "AuthFailure.SignatureFailure",
    });
    expect(emu.requests[0]?.params).toMatchObject({ DeviceNames: ["dev-002"] });
    expect(emu.tasks).toEqual([]);
  });

  it("refuses a timestamp moved by one second in flight", async () => {
    const client = await throughProxy((req) => {
      req.headers["x-tc-timestamp"] = String(Number(req.headers["x-tc-timestamp"]) + 1);
    });
    await expect(client.request("BatchUpdateFirmware", VALID)).rejects.toMatchObject({
      code: "AuthFailure.SignatureFailure",
    });
    expect(emu.tasks).toEqual([]);
  });

  it("refuses a key that differs by one character", async () => {
    const secretKey = TEST_CREDENTIALS.secretKey.replace(/.$/, "X");
    const client = sdk(emulatorPort(), { ...TEST_CREDENTIALS, secretKey });
    await expect(client.request("BatchUpdateFirmware", VALID)).rejects.toMatchObject({
      code: "AuthFailure.SignatureFailure",
    });
  });

  it("refuses a timestamp six minutes old", async () => {
    emu.setClockSkew(360);
    const client = sdk(emulatorPort(), TEST_CREDENTIALS);
    await expect(client.request("BatchUpdateFirmware", VALID)).rejects.toMatchObject({
      code: "AuthFailure.SignatureExpire",
    });
  });

  it("checks the session token of temporary credentials", async () => {
    await emu.close();
    emu = await startEmulator({ credentials: { ...TEST_CREDENTIALS, token: "session-token" } });
    const good = sdk(emulatorPort(), { ...TEST_CREDENTIALS, token: "session-token" });
    await expect(good.request("BatchUpdateFirmware", VALID)).resolves.toHaveProperty("TaskId");
    const bad = sdk(emulatorPort(), { ...TEST_CREDENTIALS, token: "other-token" });
    await expect(bad.request("BatchUpdateFirmware", VALID)).rejects.toMatchObject({
      code: "AuthFailure.TokenFailure",
    });
  });
});
