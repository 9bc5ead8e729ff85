import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "undici";
import { ApiError, TransportError } from "../../src/run/errors.js";
import { TencentClient, type ClientOptions } from "../../src/tencent/client.js";
import { batchUpdateFirmware } from "../../src/tencent/iotvideo/tasks.js";
import { SAMPLE_PRODUCT_ID, startEmulator, type Emulator } from "../emulator/index.js";
import { startStandIn } from "../support/hostile/api-stand-in.js";

const ROLLOUT = {
  ProductID: SAMPLE_PRODUCT_ID,
  FirmwareVersion: "2.0.0",
  FirmwareOriVersion: "1.0.0",
};

let emulator: Emulator;
const dispatcher = new Agent({ connectTimeout: 2000 });
const warnings: string[] = [];
const logger = {
  info: () => {},
  debug: () => {},
  warning: (line: string) => void warnings.push(line),
};

function client(overrides: Partial<ClientOptions> = {}): TencentClient {
  return new TencentClient({
    endpoint: new URL(emulator.url),
    service: "iotvideo",
    version: "2020-12-15",
    credentials: emulator.credentials,
    timeoutMs: 2000,
    dispatcher,
    logger,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("expected the call to fail"),
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  emulator = await startEmulator();
});
afterEach(() => {
  warnings.length = 0;
});
afterAll(async () => {
  await emulator.close();
  await dispatcher.close();
});

describe("TencentClient against the emulator", () => {
  it("creates a task and returns its TaskId and RequestId", async () => {
    const before = emulator.tasks.length;
    const task = await batchUpdateFirmware(client(), ROLLOUT);
    expect(emulator.tasks).toHaveLength(before + 1);
    expect(task.taskId).toBe(emulator.tasks.at(-1)?.taskId);
    expect(task.requestId).toMatch(/\S/);
  });

  it("turns an error envelope into an ApiError with code, message and RequestId", async () => {
    const error = await failure(
      batchUpdateFirmware(client(), { ...ROLLOUT, FirmwareVersion: "9.9.9" }),
    );
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.code).toBe("ResourceNotFound.FirmwareNotExist");
    expect(apiError.requestId).toMatch(/\S/);
    expect(apiError.message).toContain(`RequestId: ${apiError.requestId}`);
  });

  it("is refused by the emulator when the key is wrong", async () => {
    const credentials = {
      ...emulator.credentials,
      secretKey: `${emulator.credentials.secretKey}x`,
    };
    const error = await failure(batchUpdateFirmware(client({ credentials }), ROLLOUT));
    expect((error as ApiError).code).toBe("AuthFailure.SignatureFailure");
  });

  it("reports a non-200 answer with its status, as an outcome it cannot know", async () => {
    emulator.script("BatchUpdateFirmware", {
      type: "status",
      status: 503,
      body: "<html>Service Unavailable</html>",
    });
    const error = (await failure(batchUpdateFirmware(client(), ROLLOUT))) as TransportError;
    expect(error).toBeInstanceOf(TransportError);
    expect(error.status).toBe(503);
    expect(error.delivery).toBe("unknown");
    expect(error.message).toContain("HTTP 503");
  });

  it("reports an answer that is not JSON", async () => {
    emulator.script("BatchUpdateFirmware", { type: "non-json" });
    const error = (await failure(batchUpdateFirmware(client(), ROLLOUT))) as TransportError;
    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toContain("not JSON");
  });

  it("reports a truncated answer", async () => {
    emulator.script("BatchUpdateFirmware", { type: "truncated" });
    const error = (await failure(batchUpdateFirmware(client(), ROLLOUT))) as TransportError;
    expect(error).toBeInstanceOf(TransportError);
    expect(error.delivery).toBe("unknown");
  });

  it("gives up after request-timeout when the answer does not come", async () => {
    // A server that never answers, timing the call itself: from the request's arrival to the
    // client dropping the connection. The slack is for a late timer on a busy machine, and still
    // too small for a bound ten times request-timeout.
    const silent = await startStandIn({ BatchUpdateFirmware: () => new Promise(() => undefined) });
    try {
      const started = Date.now();
      const error = (await failure(
        batchUpdateFirmware(client({ endpoint: new URL(silent.url), timeoutMs: 300 }), ROLLOUT),
      )) as TransportError;
      // Not before request-timeout: a floor, which a busy machine can only make easier to meet.
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(error).toBeInstanceOf(TransportError);
      expect(error.message).toContain("no answer within 0.3 s");
      expect(error.delivery).toBe("unknown");
      expect(await silent.heldOpen("BatchUpdateFirmware")).toBeLessThan(300 + 2_000);
    } finally {
      await silent.close();
    }
  });

  it("says a refused connection never reached the server", async () => {
    const closed = await startEmulator();
    const url = closed.url;
    await closed.close();
    const error = (await failure(
      batchUpdateFirmware(client({ endpoint: new URL(url) }), ROLLOUT),
    )) as TransportError;
    expect(error).toBeInstanceOf(TransportError);
    expect(error.delivery).toBe("no");
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("signs again with the server's clock once when the runner's clock is off", async () => {
    const skewed = await startEmulator({ clockSkewSeconds: 900 });
    try {
      const c = client({ endpoint: new URL(skewed.url), credentials: skewed.credentials });
      const task = await batchUpdateFirmware(c, ROLLOUT);
      expect(skewed.tasks.map((t) => t.taskId)).toEqual([task.taskId]);
      expect(skewed.requests.map((r) => r.errorCode ?? "ok")).toEqual([
        "AuthFailure.SignatureExpire",
        "ok",
      ]);
      expect(warnings.join("\n")).toMatch(/clock is (89\d|90\d) s off/);
    } finally {
      await skewed.close();
    }
  });

  it("sends the session token of temporary credentials", async () => {
    const credentials = { ...emulator.credentials, token: "session-token-value" };
    const withToken = await startEmulator({ credentials });
    try {
      const c = client({ endpoint: new URL(withToken.url), credentials });
      await expect(batchUpdateFirmware(c, ROLLOUT)).resolves.toMatchObject({ taskId: 1 });
      const noToken = client({
        endpoint: new URL(withToken.url),
        credentials: emulator.credentials,
      });
      const error = (await failure(batchUpdateFirmware(noToken, ROLLOUT))) as ApiError;
      expect(error.code).toBe("AuthFailure.TokenFailure");
    } finally {
      await withToken.close();
    }
  });
});
