// The whole keyless chain in-process: the runner's token endpoint (stand-in) → core.getIDToken
// (for real) → the emulator's STS → temporary keys → a signed IoT Video call with X-TC-Token.
import { Agent } from "undici";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { CredentialSource } from "../../src/credentials/keys.js";
import {
  IdTokenError,
  keylessCredentials,
  StsError,
  type KeylessDeps,
  type KeylessSettings,
} from "../../src/credentials/keyless/keyless.js";
import { TencentClient } from "../../src/tencent/client.js";
import { batchUpdateFirmware } from "../../src/tencent/iotvideo/tasks.js";
import type { RetryPolicy } from "../../src/http/retry.js";
import {
  SAMPLE_PRODUCT_ID,
  startEmulator,
  type Emulator,
  type StsOptions,
} from "../emulator/index.js";
import { makeKeyPair, startTokenEndpoint, type TokenEndpoint } from "../support/token-endpoint.js";

const ROLE = "qcs::cam::uin/100000000001:roleName/firmware-rollout";
const PROVIDER = "github-actions";
const SUB = "repo:octo-org/firmware:ref:refs/tags/v2.0.0";
const ROLLOUT = {
  ProductID: SAMPLE_PRODUCT_ID,
  FirmwareVersion: "2.0.0",
  DeviceNames: ["dev-001"],
};

let endpoint: TokenEndpoint;
let emulator: Emulator;
const dispatcher = new Agent({ connectTimeout: 2000 });
let lines: string[];
let stdout: string[];
let slept: number[];

const logger = {
  info: (line: string) => void lines.push(`info: ${line}`),
  warning: (line: string) => void lines.push(`warning: ${line}`),
  debug: (line: string) => void lines.push(`debug: ${line}`),
};

function stsOptions(overrides: Partial<StsOptions> = {}): StsOptions {
  return {
    providers: {
      [PROVIDER]: { clientIds: ["sts.tencentcloudapi.com"], publicKeys: [endpoint.publicKey] },
    },
    roles: {
      [ROLE]: { providers: [PROVIDER], subjects: ["repo:octo-org/firmware:ref:refs/tags/*"] },
    },
    ...overrides,
  };
}

function settings(overrides: Partial<KeylessSettings> = {}): KeylessSettings {
  return {
    roleArn: ROLE,
    providerId: PROVIDER,
    audience: "sts.tencentcloudapi.com",
    roleSessionName: "gh.octo-org.firmware.4242.1",
    durationSeconds: 900,
    stsEndpoint: new URL(emulator.url),
    stsRegion: "ap-guangzhou",
    ...overrides,
  };
}

function deps(overrides: Partial<KeylessDeps> = {}): KeylessDeps {
  // The retry clock only moves when the policy sleeps, so the waits are exact.
  let clock = Date.now();
  const policy: RetryPolicy = {
    maxAttempts: 3,
    baseDelayMs: 1000,
    maxDelayMs: 20_000,
    deadline: clock + 600_000,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
    now: () => clock,
    random: () => 0.5,
    logger,
  };
  return { dispatcher, policy, logger, timeoutMs: 2000, ...overrides };
}

function client(credentials: CredentialSource): TencentClient {
  return new TencentClient({
    endpoint: new URL(emulator.url),
    service: "iotvideo",
    version: "2020-12-15",
    credentials,
    timeoutMs: 2000,
    dispatcher,
    logger,
  });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail("expected a failure"),
    (error: unknown) => error as Error,
  );
}

const apiCalls = () => emulator.requests.filter((r) => r.action !== "AssumeRoleWithWebIdentity");

beforeAll(async () => {
  endpoint = await startTokenEndpoint();
});
afterAll(async () => {
  await endpoint.close();
  await dispatcher.close();
});
beforeEach(async () => {
  emulator = await startEmulator({ sts: stsOptions() });
  endpoint.set({});
  endpoint.requests.length = 0;
  endpoint.issued.length = 0;
  lines = [];
  stdout = [];
  slept = [];
  // core.setSecret and core.debug write workflow commands to stdout: the test reads them.
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  vi.stubEnv("ACTIONS_ID_TOKEN_REQUEST_URL", endpoint.env.ACTIONS_ID_TOKEN_REQUEST_URL);
  vi.stubEnv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", endpoint.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
});
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await emulator.close();
});

describe("keyless credentials, end to end", () => {
  it("trades the workflow's token for temporary keys that sign IoT Video calls with X-TC-Token", async () => {
    const source = await keylessCredentials(settings(), deps());
    const task = await batchUpdateFirmware(client(source), ROLLOUT);
    expect(task.taskId).toBe(1);
    const [issued] = emulator.stsIssued;
    expect(emulator.stsIssued).toHaveLength(1);
    expect(issued).toMatchObject({
      roleArn: ROLE,
      providerId: PROVIDER,
      roleSessionName: "gh.octo-org.firmware.4242.1",
      durationSeconds: 900,
      subject: SUB,
      audience: "sts.tencentcloudapi.com",
    });
    // The emulator takes the temporary key only with its token: the call carried X-TC-Token.
    expect(apiCalls()).toMatchObject([
      { action: "BatchUpdateFirmware", status: 200, secretId: issued?.secretId },
    ]);
    expect(endpoint.requests).toEqual([{ audience: "sts.tencentcloudapi.com", authorized: true }]);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^info: Assumed role ${ROLE} as session gh\\.octo-org\\.firmware\\.4242\\.1 with the workflow's OIDC token \\(sub "${SUB}", aud "sts\\.tencentcloudapi\\.com"\\), valid until \\d{4}-.*Z \\(RequestId: .+\\)\\.$`,
        ),
      ),
    );
  });

  it("without the runner's token variables, says to grant id-token: write and shows the YAML", async () => {
    vi.stubEnv("ACTIONS_ID_TOKEN_REQUEST_URL", "");
    vi.stubEnv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "");
    const error = await failure(keylessCredentials(settings(), deps()));
    expect(error).toBeInstanceOf(IdTokenError);
    expect(error.message).toBe(
      [
        "role-arn needs the workflow's OIDC token, but the runner gave this step none (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set).",
        "Grant it to the job (or the whole workflow); a job that lists permissions gets only those it lists:",
        "permissions:",
        "  id-token: write",
        "  contents: read",
        "Pull requests from forks never get the token: roll out on push, tags or workflow_dispatch.",
      ].join("\n"),
    );
    expect(endpoint.requests).toEqual([]);
    expect(emulator.requests).toEqual([]);
  });

  it("a runner that refuses the token request fails in one line naming the audience", async () => {
    endpoint.set({ status: 403 });
    const error = await failure(keylessCredentials(settings(), deps()));
    expect(error).toBeInstanceOf(IdTokenError);
    expect(error.message).toMatch(
      /^Could not get the workflow's OIDC token for audience 'sts\.tencentcloudapi\.com' from the runner: .*403/,
    );
    expect(error.message).not.toContain("\n");
    expect(emulator.requests).toEqual([]);
  });

  it("a wrong audience: fix the CAM provider's client id; sub and aud shown, never the token", async () => {
    const error = await failure(
      keylessCredentials(settings({ audience: "sts.intl.tencentcloudapi.com" }), deps()),
    );
    expect(error).toBeInstanceOf(StsError);
    expect(error).toMatchObject({
      code: "InvalidParameter.WebIdentityTokenError",
      side: "provider",
    });
    expect(error.message).toMatch(
      /^AssumeRoleWithWebIdentity failed: InvalidParameter\.WebIdentityTokenError: .* \(RequestId: [^)]+\)\. The CAM identity provider 'github-actions' did not accept the token\. Fix the provider/,
    );
    expect(error.message).toContain(
      "its client ID must include 'sts.intl.tencentcloudapi.com' (the audience input, which the token's aud carries)",
    );
    expect(error.message).toContain(
      `The workflow's token has sub "${SUB}", aud "sts.intl.tencentcloudapi.com".`,
    );
    expect(error.message).not.toContain(endpoint.issued[0]!);
    expect(slept).toEqual([]);
    expect(apiCalls()).toEqual([]);
  });

  it("a token signed with another key: fix the provider's signing key", async () => {
    endpoint.set({ signingKey: makeKeyPair().privateKey });
    const error = await failure(keylessCredentials(settings(), deps()));
    expect(error).toMatchObject({
      code: "InvalidParameter.WebIdentityTokenError",
      side: "provider",
    });
    expect(error.message).toContain(
      "its signing public key must be GitHub's current one from https://token.actions.githubusercontent.com/.well-known/jwks",
    );
    expect(emulator.requests).toHaveLength(1);
  });

  it("an unknown role: fix role-arn", async () => {
    const arn = "qcs::cam::uin/100000000001:roleName/no-such-role";
    const error = await failure(keylessCredentials(settings({ roleArn: arn }), deps()));
    expect(error).toMatchObject({ code: "ResourceNotFound.RoleNotFound", side: "role" });
    expect(error.message).toContain(
      `There is no role ${arn}. Fix role-arn: copy the RoleArn from CAM → Roles → the role (account uin/100000000001).`,
    );
    expect(emulator.requests).toHaveLength(1);
  });

  it("a trust policy that does not match the token's sub: fix the trust policy", async () => {
    endpoint.set({ claims: { sub: "repo:octo-org/firmware:pull_request" } });
    const error = await failure(keylessCredentials(settings(), deps()));
    expect(error).toMatchObject({ code: "UnauthorizedOperation", side: "trust-policy" });
    expect(error.message).toContain(
      `Fix the trust policy of ${ROLE}: it must allow "name/sts:AssumeRoleWithWebIdentity" for the principal {"federated": ["qcs::cam::uin/100000000001:oidc-provider/github-actions"]}`,
    );
    expect(error.message).toContain('sub "repo:octo-org/firmware:pull_request"');
  });

  it("an STS rate limit is retried after a backoff, then succeeds", async () => {
    emulator.script("AssumeRoleWithWebIdentity", { type: "rate-limit" }, { type: "rate-limit" });
    const source = await keylessCredentials(settings(), deps());
    await batchUpdateFirmware(client(source), ROLLOUT);
    expect(emulator.requests.map((r) => [r.action, r.errorCode])).toEqual([
      ["AssumeRoleWithWebIdentity", "RequestLimitExceeded"],
      ["AssumeRoleWithWebIdentity", "RequestLimitExceeded"],
      ["AssumeRoleWithWebIdentity", undefined],
      ["BatchUpdateFirmware", undefined],
    ]);
    expect(slept).toEqual([750, 1500]);
    expect(lines.filter((line) => line.startsWith("warning:"))).toEqual([
      expect.stringMatching(
        /^warning: STS AssumeRoleWithWebIdentity: attempt 1\/3 failed: .*RequestLimitExceeded/,
      ),
      expect.stringMatching(
        /^warning: STS AssumeRoleWithWebIdentity: attempt 2\/3 failed: .*RequestLimitExceeded/,
      ),
    ]);
  });

  it.each(["InvalidParameter.OverLimit", "InternalError.SystemError"])(
    "%s is retried: STS creates nothing, so asking again is safe",
    async (code) => {
      emulator.script("AssumeRoleWithWebIdentity", { type: "error", code });
      await keylessCredentials(settings(), deps());
      expect(emulator.requests.map((r) => r.errorCode)).toEqual([code, undefined]);
      expect(slept).toHaveLength(1);
    },
  );

  it("an HTTP 403 from in front of STS is not retried", async () => {
    emulator.script("AssumeRoleWithWebIdentity", { type: "status", status: 403 });
    const error = await failure(keylessCredentials(settings(), deps()));
    expect(error.message).toMatch(/^AssumeRoleWithWebIdentity failed: HTTP 403: /);
    expect(emulator.requests).toHaveLength(1);
    expect(slept).toEqual([]);
  });

  it("a rate limit that outlasts max-attempts gives up, naming STS", async () => {
    emulator.script("AssumeRoleWithWebIdentity", ...Array(3).fill({ type: "rate-limit" }));
    const error = await failure(keylessCredentials(settings(), deps()));
    expect(error.message).toMatch(
      /^AssumeRoleWithWebIdentity failed: RequestLimitExceeded: .*\(gave up on STS AssumeRoleWithWebIdentity after 3 attempts: max-attempts\)$/,
    );
  });

  it("renews before the keys expire, with a fresh ID token, and signs with the new ones", async () => {
    const clock = { now: Date.now() };
    const source = await keylessCredentials(settings(), deps({ now: () => clock.now }));
    const signer = client(source);
    await batchUpdateFirmware(signer, ROLLOUT);
    // 900 s keys: renewed once less than 5 minutes are left.
    clock.now += 10 * 60_000 + 1000;
    await batchUpdateFirmware(signer, { ...ROLLOUT, DeviceNames: ["dev-002"] });
    const [first, second] = emulator.stsIssued;
    expect(emulator.stsIssued).toHaveLength(2);
    expect(endpoint.issued).toHaveLength(2);
    expect(apiCalls().map((r) => r.secretId)).toEqual([first?.secretId, second?.secretId]);
    expect(lines).toContainEqual(
      expect.stringMatching(/^info: Renewed the temporary credentials of role /),
    );
  });
});
