import { Agent } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { uploadList } from "../../src/target/device-list.js";
import { scanDeviceList } from "../../src/target/list-file/scan.js";
import { REQUESTS, type RequestName } from "../../src/http/bounds.js";
import { workflowIdToken } from "../../src/credentials/keyless/id-token.js";
import { assumeRole } from "../../src/credentials/keyless/sts.js";
import { TencentClient } from "../../src/tencent/client.js";
import { Dispatchers } from "../../src/http/dispatchers.js";
import { retryUnlessDefinite, withRetries, type RetryPolicy } from "../../src/http/retry.js";
import { tempDir, writeList } from "../device-list/files.js";
import { startStandIn, type StandIn } from "../support/hostile/api-stand-in.js";
import {
  startMisbehaving,
  type Misbehaviour,
  type MisbehavingServer,
} from "../support/hostile/misbehaving-server.js";
import { runAction } from "../support/run-action.js";

// Every request of src/http/bounds.ts against a peer that stalls, drips (a byte every 100 ms,
// far inside any idle timer) and floods: each ends at request-timeout or at its size cap, with
// max-attempts attempts (one for a flood the request treats as definite). In process, on
// request-timeouts of 400 ms; retry waits are skipped.
const TIMEOUT_MS = 400;
// A flood reaches its cap in milliseconds; its timeout is far longer, so a machine under load
// cannot make the time bound come first.
const FLOOD_TIMEOUT_MS = 20_000;
const ATTEMPTS = 2;
const quiet = { info: () => undefined, warning: () => undefined, debug: () => undefined };
const dispatcher = new Agent({ connectTimeout: 2000 });
const closers: Array<{ close(): Promise<void> }> = [];
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  for (const closer of closers.splice(0)) await closer.close();
});
afterAll(async () => {
  await dispatcher.close();
  await dir.remove();
});

function policy(): RetryPolicy {
  return {
    maxAttempts: ATTEMPTS,
    baseDelayMs: 1,
    maxDelayMs: 1,
    deadline: Infinity,
    sleep: async () => undefined,
    now: Date.now,
    random: () => 0.5,
    logger: quiet,
  };
}

function client(url: string, timeoutMs: number): TencentClient {
  return new TencentClient({
    endpoint: new URL(url),
    service: "iotvideo",
    version: "2020-12-15",
    credentials: { secretId: "AKIDbounds", secretKey: "bounds-key-123" },
    timeoutMs,
    dispatcher,
    logger: quiet,
  });
}

interface Case {
  /** Makes the request to `peer` the way the action does, with its retries. */
  send(peer: MisbehavingServer, timeoutMs: number): Promise<unknown>;
  /** The start of the message; then the bound that was hit. */
  names: (peer: MisbehavingServer) => string;
  /** The time bound's words: one of three for the upload, by where the bound found it. */
  timeout: RegExp;
  tooLarge: string;
  /** Attempts against a flood. */
  floodAttempts: number;
}

const seconds = `${TIMEOUT_MS / 1000}`.replace(".", "\\.");
const timeout = new RegExp(`no answer within ${seconds} s \\(request-timeout\\)`);

// Keyed by RequestName: a request added to bounds.ts without a case here does not compile.
const CASES: Record<RequestName, Case> = {
  iotVideo: {
    send: (peer, timeoutMs) =>
      withRetries(
        "DescribeFirmware",
        policy(),
        () => client(peer.url, timeoutMs).call("DescribeFirmware", { ProductID: "P1" }),
        retryUnlessDefinite,
      ),
    names: () => "DescribeFirmware failed: ",
    timeout,
    tooLarge: "the answer is larger than 4 MiB; not read further",
    floodAttempts: ATTEMPTS,
  },
  sts: {
    send: (peer, timeoutMs) =>
      assumeRole(
        {
          roleArn: "qcs::cam::uin/100000000001:roleName/r",
          providerId: "github",
          audience: "sts.tencentcloudapi.com",
          roleSessionName: "s",
          durationSeconds: 900,
          stsEndpoint: new URL(peer.url),
          stsRegion: "ap-guangzhou",
        },
        "header.payload.signature",
        { dispatcher, timeoutMs, logger: quiet, now: Date.now },
        policy(),
      ),
    names: () => "AssumeRoleWithWebIdentity failed: ",
    timeout,
    tooLarge: "the answer is larger than 64 KiB; not read further",
    floodAttempts: ATTEMPTS,
  },
  idToken: {
    send: (peer, timeoutMs) =>
      workflowIdToken("sts.tencentcloudapi.com", {
        dispatcherFor: () => dispatcher,
        timeoutMs,
        policy: policy(),
        logger: quiet,
        env: {
          ACTIONS_ID_TOKEN_REQUEST_URL: `${peer.url}/token?api-version=2.0`,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: "runner-request-token-bounds",
        },
      }),
    names: (peer) =>
      `Could not get the workflow's OIDC token for audience 'sts.tencentcloudapi.com' from the runner: GET ${peer.url}/token failed: `,
    timeout,
    tooLarge: "the answer is larger than 64 KiB; not read further",
    // A token service that floods once floods again: not asked twice.
    floodAttempts: 1,
  },
  upload: {
    send: async (peer, timeoutMs) => {
      const api: StandIn = await startStandIn({
        CreateTaskFileUrl: () => ({ Url: `${peer.url}/obj?sign=x`, FileName: "f1" }),
      });
      const dispatchers = new Dispatchers(2000, {});
      closers.push(api, dispatchers);
      const path = await writeList(dir.path("fleet.txt"), "cam-1\ncam-2\n");
      const target = { kind: "file" as const, path, absolutePath: path };
      const inputs = { productId: "P1", requestTimeoutMs: timeoutMs, target };
      const scanned = await scanDeviceList(path);
      return uploadList(client(api.url, timeoutMs), inputs, scanned, policy(), dispatchers);
    },
    names: () => "device-list upload failed: ",
    // Sent in one piece, so almost always after it: a busy machine may still be connecting.
    timeout: new RegExp(
      `no (complete answer within|progress for|connection within) ${seconds} s \\(request-timeout\\)`,
    ),
    tooLarge: "the answer was longer than 4 MiB",
    floodAttempts: ATTEMPTS,
  },
};

async function misbehaving(behaviour: Misbehaviour): Promise<MisbehavingServer> {
  const peer = await startMisbehaving(behaviour);
  closers.push(peer);
  return peer;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail("expected the request to fail"),
    (error: unknown) => error as Error,
  );
}

const NAMES = Object.keys(REQUESTS) as RequestName[];

describe.each(NAMES)("%s", (name) => {
  const bounds = CASES[name];

  it.each(["stall", "drip"] as const)(
    "a peer that %ss: request-timeout, max-attempts",
    async (behaviour) => {
      const peer = await misbehaving(behaviour);
      const error = await failure(bounds.send(peer, TIMEOUT_MS));
      expect(error.message).toContain(bounds.names(peer));
      expect(error.message).toMatch(bounds.timeout);
      expect(error.message).toMatch(new RegExp(`after ${ATTEMPTS} attempts: max-attempts\\)$`));
      expect(peer.requests()).toBe(ATTEMPTS);
    },
  );

  it("a peer that floods: the size cap, and no more read", async () => {
    const peer = await misbehaving("flood");
    const error = await failure(bounds.send(peer, FLOOD_TIMEOUT_MS));
    expect(error.message).toContain(`${bounds.names(peer)}${bounds.tooLarge}`);
    expect(peer.requests()).toBe(bounds.floodAttempts);
    // What the sockets' buffers hold besides the cap, not the endless answer.
    expect(peer.bytesSent()).toBeLessThan(bounds.floodAttempts * 64 * 1024 * 1024);
  });
});

describe("the ID-token request, through the bundled action", () => {
  it("ends at request-timeout and max-attempts, before any STS or IoT Video call", async () => {
    const peer = await misbehaving("stall");
    const api = await startStandIn({});
    closers.push(api);
    const run = await runAction({
      inputs: {
        "product-id": "P1",
        "firmware-version": "2.0.0",
        "firmware-original-version": "1.0.0",
        "role-arn": "qcs::cam::uin/100000000001:roleName/firmware-rollout",
        "oidc-provider-id": "github-actions",
        endpoint: api.url,
        "sts-endpoint": api.url,
        "request-timeout": "1",
        "max-attempts": "2",
      },
      env: {
        GITHUB_REPOSITORY: "octo-org/firmware",
        GITHUB_RUN_ID: "4242",
        ACTIONS_ID_TOKEN_REQUEST_URL: `${peer.url}/token?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: "runner-request-token-bounds",
      },
    });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      expect.stringContaining(
        `from the runner: GET ${peer.url}/token failed: no answer within 1 s (request-timeout) (gave up on the OIDC token request after 2 attempts: max-attempts)`,
      ),
    ]);
    expect(peer.requests()).toBe(2);
    expect(api.calls).toEqual([]);
  });
});
