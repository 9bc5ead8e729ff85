// Reading STS's answer and explaining its refusals, without a server.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, TransportError } from "../../src/run/errors.js";
import { explainStsError } from "../../src/credentials/keyless/errors.js";
import { tokenClaims, type KeylessSettings } from "../../src/credentials/keyless/keyless.js";
import { readAssumedRole } from "../../src/credentials/keyless/sts.js";
import { redact } from "../../src/report/outside-text.js";

const SETTINGS: KeylessSettings = {
  roleArn: "qcs::cam::uin/100000000001:roleName/firmware-rollout",
  providerId: "github-actions",
  audience: "sts.tencentcloudapi.com",
  roleSessionName: "gh.o.r.1.1",
  durationSeconds: 3600,
  stsEndpoint: new URL("https://sts.tencentcloudapi.com"),
  stsRegion: "ap-guangzhou",
};

const jwt = (payload: object) =>
  `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.sig`;

afterEach(() => vi.restoreAllMocks());

function captureStdout(): string[] {
  const written: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  return written;
}

describe("tokenClaims", () => {
  it.each<{ name: string; token: string; expected: object }>([
    {
      name: "GitHub's claims",
      token: jwt({ sub: "repo:o/r:ref:refs/heads/main", aud: "sts.tencentcloudapi.com", iss: "x" }),
      expected: { sub: "repo:o/r:ref:refs/heads/main", aud: "sts.tencentcloudapi.com", iss: "x" },
    },
    { name: "an aud list", token: jwt({ aud: ["a", "b"] }), expected: { aud: "a,b" } },
    { name: "claims of other types", token: jwt({ sub: 7, aud: [1] }), expected: {} },
    { name: "not a JWT", token: "opaque-token", expected: {} },
    { name: "a payload that is not JSON", token: "a.bm90IGpzb24.c", expected: {} },
  ])("reads $name", ({ token, expected }) => {
    expect(tokenClaims(token)).toEqual(expected);
  });
});

describe("explainStsError", () => {
  const claims = { sub: "repo:o/r:ref:refs/tags/v1", aud: "sts.tencentcloudapi.com" };
  it.each<{ code: string; side: string; advice: string }>([
    {
      code: "InvalidParameter.WebIdentityTokenError",
      side: "provider",
      advice:
        "Fix the provider (CAM → Identity providers → Role SSO → github-actions): its identity provider URL must be https://token.actions.githubusercontent.com",
    },
    { code: "ResourceNotFound.RoleNotFound", side: "role", advice: "Fix role-arn" },
    { code: "InternalError.GetRoleError", side: "role", advice: "Fix role-arn" },
    {
      code: "UnauthorizedOperation",
      side: "trust-policy",
      advice: "Fix the trust policy of qcs::cam::uin/100000000001:roleName/firmware-rollout",
    },
    {
      code: "InvalidParameter.AccountNotAvaliable",
      side: "account",
      advice: "The account uin/100000000001 in role-arn does not exist or cannot be used.",
    },
    {
      code: "InvalidParameter.ParamError",
      side: "parameters",
      advice:
        "Check oidc-provider-id 'github-actions' (the CAM identity provider's name), role-session-name 'gh.o.r.1.1' and role-duration-seconds 3600",
    },
    {
      code: "FailedOperation.Something",
      side: "unknown",
      advice: "Check role-arn, oidc-provider-id and sts-endpoint https://sts.tencentcloudapi.com.",
    },
  ])("$code: fix the $side", ({ code, side, advice }) => {
    const error = explainStsError(
      new ApiError("AssumeRoleWithWebIdentity", code, "refused", "req-1"),
      SETTINGS,
      claims,
    );
    expect(error).toMatchObject({ code, side, requestId: "req-1" });
    expect(error.message).toContain(
      `AssumeRoleWithWebIdentity failed: ${code}: refused (RequestId: req-1). `,
    );
    expect(error.message).toContain(advice);
    expect(error.message).toMatch(
      /The workflow's token has sub "repo:o\/r:ref:refs\/tags\/v1", aud "sts\.tencentcloudapi\.com"\.$/,
    );
  });

  it("ends the server's message with one period, even when it ended with one itself", () => {
    const error = explainStsError(
      new ApiError("AssumeRoleWithWebIdentity", "ResourceNotFound.RoleNotFound", "No role.", ""),
      SETTINGS,
      {},
    );
    expect(error.message).toMatch(
      /^AssumeRoleWithWebIdentity failed: ResourceNotFound\.RoleNotFound: No role\. There is no role /,
    );
    expect(error.message).not.toMatch(/\.\./);
  });

  it("says (none) for claims the token lacks", () => {
    const error = explainStsError(new ApiError("A", "UnauthorizedOperation", "", ""), SETTINGS, {});
    expect(error.message).toContain("sub (none), aud (none)");
  });
});

describe("readAssumedRole", () => {
  const answer = (response: object, date?: string) => ({
    status: 200,
    text: JSON.stringify({ Response: { ...response, RequestId: "req-9" } }),
    ...(date === undefined ? {} : { date }),
  });
  const credentials = {
    TmpSecretId: "AKIDtmpReadAnswer0001",
    TmpSecretKey: "tmp-secret-key-read-answer",
    Token: "tmp-token-read-answer-0123456789",
  };

  it("takes the keys, masked, and the expiry measured from the answer's Date", () => {
    const written = captureStdout();
    // STS's clock is an hour ahead of the runner's: the keys still live 900 s from now.
    const served = Date.parse("2030-01-01T01:00:00Z");
    const now = Date.parse("2030-01-01T00:00:00Z");
    const assumed = readAssumedRole(
      answer(
        {
          Credentials: credentials,
          ExpiredTime: served / 1000 + 900,
          Expiration: "2030-01-01T01:15:00Z",
        },
        new Date(served).toUTCString(),
      ),
      () => now,
    );
    expect(assumed).toEqual({
      credentials: {
        secretId: credentials.TmpSecretId,
        secretKey: credentials.TmpSecretKey,
        token: credentials.Token,
      },
      expiresAt: now + 900_000,
      expiration: "2030-01-01T01:15:00Z",
      requestId: "req-9",
    });
    for (const value of Object.values(credentials)) {
      expect(written).toContain(`::add-mask::${value}\n`);
    }
  });

  it("masks the keys of an answer cut off mid-token before its start reaches any message", () => {
    const written = captureStdout();
    const text = `{"Response":{"Credentials":{"Token":"cut-off-token-abcdefghijklmnop`;
    let error: unknown;
    try {
      readAssumedRole({ status: 200, text }, Date.now);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TransportError);
    expect(written).toContain("::add-mask::cut-off-token-abcdefghijklmnop\n");
    expect(redact((error as Error).message)).not.toContain("cut-off-token");
  });

  it("refuses an answer without the keys or ExpiredTime", () => {
    captureStdout();
    expect(() =>
      readAssumedRole(
        answer({ Credentials: { ...credentials, Token: 5 }, ExpiredTime: 1 }),
        Date.now,
      ),
    ).toThrow(
      "AssumeRoleWithWebIdentity failed: the answer lacks Credentials.TmpSecretId, TmpSecretKey, Token or ExpiredTime: check sts-endpoint",
    );
    expect(() => readAssumedRole(answer({ Credentials: credentials }), Date.now)).toThrow(
      TransportError,
    );
  });
});
