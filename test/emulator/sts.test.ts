// The emulator's STS: AssumeRoleWithWebIdentity verifies the token (RS256, iss, aud, expiry),
// the provider and the role's trust, issues temporary keys, and IoT Video accepts those only
// with their token and only until they expire. Tencent's own SDK is the independent client.
import { CommonClient, OIDCRoleArnCredential } from "tencentcloud-sdk-nodejs-common";
import type { KeyObject } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { githubClaims, makeKeyPair, signJwt } from "../support/token-endpoint.js";
import {
  GITHUB_ISSUER,
  SAMPLE_PRODUCT_ID,
  startEmulator,
  type Emulator,
  type StsOptions,
} from "./index.js";
import { LoopbackAgent } from "./loopback.js";
import { callApi, errorCode } from "./test-client.js";
import { authorizationFor } from "./test-signer.js";

const ROLE = "qcs::cam::uin/100000000001:roleName/firmware-rollout";
const PROVIDER = "github-actions";
const AUDIENCE = "sts.tencentcloudapi.com";
const ROLLOUT = {
  ProductID: SAMPLE_PRODUCT_ID,
  FirmwareVersion: "2.0.0",
  DeviceNames: ["dev-001"],
};
const keys = makeKeyPair();
const now = () => Math.floor(Date.now() / 1000);

function stsOptions(overrides: Partial<StsOptions> = {}): StsOptions {
  return {
    providers: { [PROVIDER]: { clientIds: [AUDIENCE], publicKeys: [keys.publicKey] } },
    roles: { [ROLE]: { providers: [PROVIDER], subjects: ["repo:octo-org/firmware:*"] } },
    ...overrides,
  };
}

function token(claims: Record<string, unknown> = {}, key: KeyObject = keys.privateKey): string {
  return signJwt({ ...githubClaims(AUDIENCE, now(), 300), ...claims }, key);
}

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator({ sts: stsOptions() });
});
afterEach(() => emu.close());

interface StsCall {
  params?: Record<string, unknown>;
  headers?: Record<string, string | undefined>;
}

/** One unsigned AssumeRoleWithWebIdentity, as the SDKs send it. */
async function assume({ params = {}, headers = {} }: StsCall = {}) {
  const body = JSON.stringify({
    ProviderId: PROVIDER,
    WebIdentityToken: token(),
    RoleArn: ROLE,
    RoleSessionName: "gh.octo-org.firmware.4242.1",
    DurationSeconds: 900,
    ...params,
  });
  const all: Record<string, string | undefined> = {
    "Content-Type": "application/json",
    "X-TC-Action": "AssumeRoleWithWebIdentity",
    "X-TC-Version": "2018-08-13",
    "X-TC-Timestamp": String(now()),
    "X-TC-Region": "ap-guangzhou",
    Authorization: "SKIP",
    ...headers,
  };
  const sent = Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined);
  const res = await fetch(`${emu.url}/`, { method: "POST", headers: sent, body });
  const response = ((await res.json()) as { Response: Record<string, unknown> }).Response;
  const error = response["Error"] as { Code: string; Message: string } | undefined;
  return { response, code: error?.Code, message: error?.Message };
}

type Temporary = { TmpSecretId: string; TmpSecretKey: string; Token: string };
const temporaryOf = (response: Record<string, unknown>) => response["Credentials"] as Temporary;

describe("AssumeRoleWithWebIdentity", () => {
  it("issues temporary keys for a valid token, which IoT Video accepts with the token", async () => {
    const { response, code } = await assume();
    expect(code).toBeUndefined();
    const issuedAt = now();
    expect(response).toEqual({
      Credentials: {
        TmpSecretId: expect.stringMatching(/^AKID/),
        TmpSecretKey: expect.any(String),
        Token: expect.any(String),
      },
      ExpiredTime: expect.any(Number),
      Expiration: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      RequestId: expect.any(String),
    });
    expect(response["ExpiredTime"]).toBeGreaterThanOrEqual(issuedAt + 899);
    expect(Date.parse(response["Expiration"] as string) / 1000).toBe(response["ExpiredTime"]);
    const tmp = temporaryOf(response);
    expect(emu.stsIssued).toMatchObject([
      { secretId: tmp.TmpSecretId, roleArn: ROLE, providerId: PROVIDER, audience: AUDIENCE },
    ]);
    expect(emu.stsIssued[0]?.subject).toBe("repo:octo-org/firmware:ref:refs/tags/v2.0.0");
    const call = await callApi(emu, "BatchUpdateFirmware", ROLLOUT, {
      secretId: tmp.TmpSecretId,
      secretKey: tmp.TmpSecretKey,
      token: tmp.Token,
    });
    expect(errorCode(call)).toBeUndefined();
    expect(emu.tasks).toHaveLength(1);
    expect(emu.requests.at(-1)).toMatchObject({
      action: "BatchUpdateFirmware",
      secretId: tmp.TmpSecretId,
    });
  });

  it("IoT Video refuses the temporary key without its token, with another token, and once expired", async () => {
    const tmp = temporaryOf((await assume()).response);
    const signed = { secretId: tmp.TmpSecretId, secretKey: tmp.TmpSecretKey };
    expect(errorCode(await callApi(emu, "BatchUpdateFirmware", ROLLOUT, signed))).toBe(
      "AuthFailure.TokenFailure",
    );
    const other = temporaryOf((await assume()).response);
    expect(
      errorCode(
        await callApi(emu, "BatchUpdateFirmware", ROLLOUT, { ...signed, token: other.Token }),
      ),
    ).toBe("AuthFailure.TokenFailure");
    // 900 s later by the server's clock, signed at the server's time.
    emu.setClockSkew(901);
    const late = await callApi(emu, "BatchUpdateFirmware", ROLLOUT, {
      ...signed,
      token: tmp.Token,
      timestamp: now() + 901,
    });
    expect(late.response?.Error).toEqual({
      Code: "AuthFailure.TokenFailure",
      Message: "The temporary credentials have expired.",
    });
    expect(emu.tasks).toEqual([]);
  });

  it.each<{ name: string; token: () => string }>([
    { name: "a signature by another key", token: () => token({}, makeKeyPair().privateKey) },
    { name: "another issuer", token: () => token({ iss: "https://gitlab.example.com" }) },
    {
      name: "an aud that is no client id",
      token: () => token({ aud: "api://AzureADTokenExchange" }),
    },
    { name: "an expired token", token: () => token({ exp: now() - 1 }) },
    { name: "a token not valid yet", token: () => token({ nbf: now() + 60 }) },
    { name: "not a JWT", token: () => "not-a-jwt" },
    {
      name: "alg none",
      token: () =>
        `${Buffer.from('{"alg":"none"}').toString("base64url")}.${token().split(".")[1]}.`,
    },
  ])("refuses $name with InvalidParameter.WebIdentityTokenError", async ({ token: make }) => {
    const { code } = await assume({ params: { WebIdentityToken: make() } });
    expect(code).toBe("InvalidParameter.WebIdentityTokenError");
    expect(emu.stsIssued).toEqual([]);
  });

  it.each<{ name: string; call: StsCall; options?: Partial<StsOptions>; code: string }>([
    {
      name: "an unknown provider",
      call: { params: { ProviderId: "gitlab" } },
      code: "InvalidParameter.ParamError",
    },
    {
      name: "an unknown role",
      call: { params: { RoleArn: "qcs::cam::uin/100000000001:roleName/nobody" } },
      code: "ResourceNotFound.RoleNotFound",
    },
    {
      name: "a trust policy naming another provider",
      call: {},
      options: { roles: { [ROLE]: { providers: ["someone-else"] } } },
      code: "UnauthorizedOperation",
    },
    {
      name: "a sub the trust policy does not allow",
      call: { params: { WebIdentityToken: token({ sub: "repo:evil/fork:ref:refs/heads/main" }) } },
      code: "UnauthorizedOperation",
    },
    {
      name: "a bad session name",
      call: { params: { RoleSessionName: "has space" } },
      code: "InvalidParameter.ParamError",
    },
    {
      name: "a duration above the role's maximum",
      call: { params: { DurationSeconds: 7200 } },
      options: { roles: { [ROLE]: { maxSessionDuration: 3600 } } },
      code: "InvalidParameter.ParamError",
    },
    {
      name: "a missing RoleSessionName",
      call: { params: { RoleSessionName: undefined } },
      code: "MissingParameter",
    },
    {
      name: "no X-TC-Region",
      call: { headers: { "X-TC-Region": undefined } },
      code: "MissingParameter",
    },
    {
      name: "another version",
      call: { headers: { "X-TC-Version": "2020-12-15" } },
      code: "NoSuchVersion",
    },
    {
      name: "a TC3 signature instead of SKIP",
      call: {
        headers: {
          Authorization: authorizationFor({
            secretId: "AKIDx",
            secretKey: "k",
            service: "sts",
            host: "sts.tencentcloudapi.com",
            contentType: "application/json",
            body: "{}",
            timestamp: now(),
          }),
        },
      },
      code: "AuthFailure.SignatureFailure",
    },
  ])("refuses $name with $code", async ({ call, options, code }) => {
    if (options) emu.configureSts(stsOptions(options));
    expect((await assume(call)).code).toBe(code);
    expect(emu.stsIssued).toEqual([]);
  });

  it("answers a scripted rate limit once, then issues keys", async () => {
    emu.script("AssumeRoleWithWebIdentity", { type: "rate-limit" });
    expect((await assume()).code).toBe("RequestLimitExceeded");
    expect((await assume()).code).toBeUndefined();
    expect(emu.requests.map((r) => r.fault)).toEqual(["rate-limit", undefined]);
  });

  it("issues keys that live lifetimeSeconds when the test asks for short-lived ones", async () => {
    emu.configureSts(stsOptions({ lifetimeSeconds: 60 }));
    const { response } = await assume();
    expect(response["ExpiredTime"]).toBeLessThanOrEqual(now() + 60);
  });
});

describe("Tencent's SDK against the emulator's STS", () => {
  it("OIDCRoleArnCredential trades the token, and its keys roll out through IoT Video", async () => {
    const agent = new LoopbackAgent(Number(new URL(emu.url).port));
    const httpProfile = { protocol: "http://", agent, reqTimeout: 10 };
    const credential = new OIDCRoleArnCredential(
      // The call is unsigned: the SDK's ClientConfig wants a credential all the same.
      { credential: {}, region: "ap-guangzhou", profile: { httpProfile } },
      {
        ProviderId: PROVIDER,
        WebIdentityToken: token(),
        RoleArn: ROLE,
        RoleSessionName: "sdk-session",
        DurationSeconds: 900,
      },
    );
    const iotvideo = new CommonClient("iotvideo.tencentcloudapi.com", "2020-12-15", {
      credential,
      profile: { httpProfile },
    });
    const answer = await iotvideo.request("BatchUpdateFirmware", ROLLOUT);
    expect(answer).toMatchObject({ TaskId: 1 });
    expect(emu.requests.map((r) => [r.action, r.errorCode])).toEqual([
      ["AssumeRoleWithWebIdentity", undefined],
      ["BatchUpdateFirmware", undefined],
    ]);
    expect(emu.requests[1]?.secretId).toBe(emu.stsIssued[0]?.secretId);
    expect(GITHUB_ISSUER).toBe("https://token.actions.githubusercontent.com");
  });
});
