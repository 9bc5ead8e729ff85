import { describe, expect, it } from "vitest";
import { InputError } from "../../src/run/errors.js";
import {
  defaultRoleSessionName,
  KEYLESS_DEFAULTS,
  parseKeyless,
  SESSION_NAME_RULE,
  type KeylessRaw,
} from "../../src/credentials/keyless/keyless.js";

const ARN = "qcs::cam::uin/100012345678:roleName/github-firmware-rollout";
const RUN_ENV = {
  GITHUB_REPOSITORY: "octo-org/firmware",
  GITHUB_RUN_ID: "4242",
  GITHUB_RUN_ATTEMPT: "2",
};

function raw(overrides: Partial<KeylessRaw> = {}): KeylessRaw {
  return {
    "role-arn": ARN,
    "oidc-provider-id": "github-actions",
    audience: "",
    "role-session-name": "",
    "role-duration-seconds": "",
    "sts-endpoint": "",
    "sts-region": "",
    ...overrides,
  };
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  return expect.fail("expected an InputError");
}

describe("parseKeyless", () => {
  it("is off without role-arn", () => {
    expect(parseKeyless(raw({ "role-arn": "", "oidc-provider-id": "" }), {})).toBeUndefined();
  });

  it("fills every default, the session name from the run", () => {
    expect(parseKeyless(raw(), RUN_ENV)).toEqual({
      roleArn: ARN,
      providerId: "github-actions",
      audience: "sts.tencentcloudapi.com",
      roleSessionName: "gh.octo-org.firmware.4242.2",
      durationSeconds: 3600,
      stsEndpoint: new URL("https://sts.tencentcloudapi.com"),
      stsRegion: "ap-guangzhou",
    });
    expect(KEYLESS_DEFAULTS["sts-endpoint"]).toBe("https://sts.tencentcloudapi.com");
  });

  it("takes every input as given, trimmed", () => {
    const settings = parseKeyless(
      raw({
        "role-arn": ` ${ARN} `,
        audience: "my-client-id",
        "role-session-name": "release@v2",
        "role-duration-seconds": "43200",
        "sts-endpoint": "sts.intl.tencentcloudapi.com",
        "sts-region": "ap-singapore",
      }),
      RUN_ENV,
    );
    expect(settings).toMatchObject({
      roleArn: ARN,
      audience: "my-client-id",
      roleSessionName: "release@v2",
      durationSeconds: 43200,
      stsEndpoint: new URL("https://sts.intl.tencentcloudapi.com"),
      stsRegion: "ap-singapore",
    });
  });

  it("refuses role-arn with static keys, naming both", () => {
    expect(refusal(() => parseKeyless(raw(), {}, ["secret-id", "secret-key"]))).toBe(
      // quote() breaks up "::" in any value it shows, so no workflow command can start.
      `Invalid input 'role-arn': '${ARN}'. Expected either role-arn (keyless, with the workflow's OIDC token) or secret-id, secret-key (keys from secrets), not both: remove secret-id, secret-key or role-arn from the step.`,
    );
  });

  it.each<{ name: string; input: Partial<KeylessRaw>; expected: string }>([
    {
      name: "oidc-provider-id without role-arn",
      input: { "role-arn": "" },
      expected: "Invalid input 'oidc-provider-id': 'github-actions'. Expected role-arn with it",
    },
    {
      name: "an AWS ARN",
      input: { "role-arn": "arn:aws:iam::123:role/x" },
      expected:
        "Invalid input 'role-arn': 'arn:aws:iam::123:role/x'. Expected a CAM role's RoleArn",
    },
    {
      name: "a role name with a space",
      input: { "role-arn": "qcs::cam::uin/1:roleName/a b" },
      expected: "Invalid input 'role-arn'",
    },
    {
      name: "no provider",
      input: { "oidc-provider-id": "" },
      expected:
        "Invalid input 'oidc-provider-id': ''. Expected the name of the CAM OIDC identity provider",
    },
    {
      name: "a provider with a slash",
      input: { "oidc-provider-id": "a/b" },
      expected: "Invalid input 'oidc-provider-id': 'a/b'",
    },
    {
      name: "an audience with a space",
      input: { audience: "a b" },
      expected: "Invalid input 'audience': 'a b'",
    },
    {
      name: "a one-letter session name",
      input: { "role-session-name": "x" },
      expected: "Invalid input 'role-session-name': 'x'. Expected 2-128 letters",
    },
    {
      name: "a session name with a slash",
      input: { "role-session-name": "octo/fw" },
      expected: "Invalid input 'role-session-name'",
    },
    {
      name: "a session name of 129",
      input: { "role-session-name": "a".repeat(129) },
      expected: "Invalid input 'role-session-name'",
    },
    {
      name: "899 seconds",
      input: { "role-duration-seconds": "899" },
      expected:
        "Invalid input 'role-duration-seconds': '899'. Expected a whole number of seconds from 900 to 43200",
    },
    {
      name: "43201 seconds",
      input: { "role-duration-seconds": "43201" },
      expected: "Invalid input 'role-duration-seconds': '43201'",
    },
    {
      name: "1h",
      input: { "role-duration-seconds": "1h" },
      expected: "Invalid input 'role-duration-seconds': '1h'",
    },
    {
      name: "an endpoint with a path",
      input: { "sts-endpoint": "https://sts.tencentcloudapi.com/v3" },
      expected: "Invalid input 'sts-endpoint'",
    },
    {
      name: "an endpoint with a password",
      input: { "sts-endpoint": "https://u:hunter2@sts.example" },
      expected: "Invalid input 'sts-endpoint': 'https://***@sts.example'",
    },
    {
      name: "an ftp endpoint",
      input: { "sts-endpoint": "ftp://sts.example" },
      expected: "Invalid input 'sts-endpoint'",
    },
    {
      name: "a region in capitals",
      input: { "sts-region": "AP-GUANGZHOU" },
      expected:
        "Invalid input 'sts-region': 'AP-GUANGZHOU'. Expected a region such as ap-guangzhou.",
    },
  ])("refuses $name", ({ input, expected }) => {
    expect(refusal(() => parseKeyless(raw(input), RUN_ENV))).toContain(expected);
  });

  it("accepts a RoleArn by role id", () => {
    const arn = "qcs::cam::uin/100012345678:role/4611686018427397920";
    expect(parseKeyless(raw({ "role-arn": arn }), {})?.roleArn).toBe(arn);
  });
});

describe("defaultRoleSessionName", () => {
  it.each<{ name: string; env: NodeJS.ProcessEnv; expected: string }>([
    { name: "a run", env: RUN_ENV, expected: "gh.octo-org.firmware.4242.2" },
    {
      name: "no attempt",
      env: { GITHUB_REPOSITORY: "o/r", GITHUB_RUN_ID: "7" },
      expected: "gh.o.r.7",
    },
    { name: "no run at all", env: {}, expected: "gh.iotvideo-firmware-rollout" },
    { name: "a run id alone", env: { GITHUB_RUN_ID: "7" }, expected: "gh.run.7" },
    {
      name: "odd characters",
      env: { GITHUB_REPOSITORY: "o/r é!x", GITHUB_RUN_ID: "7" },
      expected: "gh.o.r-x.7",
    },
  ])("$name → $expected", ({ env, expected }) => {
    expect(defaultRoleSessionName(env)).toBe(expected);
  });

  it("cuts a long repository, never the run id, to 128 characters", () => {
    const name = defaultRoleSessionName({
      GITHUB_REPOSITORY: `octo-org/${"r".repeat(200)}`,
      GITHUB_RUN_ID: "98765432101",
      GITHUB_RUN_ATTEMPT: "3",
    });
    expect(name).toHaveLength(128);
    expect(name.endsWith(".98765432101.3")).toBe(true);
    expect(SESSION_NAME_RULE.test(name)).toBe(true);
  });
});
