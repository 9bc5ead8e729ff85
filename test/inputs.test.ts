import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { InputError } from "../src/run/errors.js";
import { INPUT_NAMES, readInputs, type Inputs } from "../src/inputs/read-inputs.js";

// readInputs goes through the real @actions/core, which reads INPUT_* variables.
const VALID: Record<string, string> = {
  "product-id": "ABCDE12345",
  "firmware-version": "2.0.0",
  "device-names": "dev-001, dev-002",
  "secret-id": "AKIDexample",
  "secret-key": "secret-key-value",
};

function setInputs(inputs: Record<string, string>): void {
  for (const name of INPUT_NAMES) delete process.env[`INPUT_${name.toUpperCase()}`];
  for (const [name, value] of Object.entries(inputs))
    process.env[`INPUT_${name.toUpperCase()}`] = value;
}

function read(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): Inputs {
  setInputs(inputs);
  return readInputs(env);
}

let stdout: string[];
beforeEach(() => {
  stdout = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  setInputs({});
});

describe("readInputs: valid inputs", () => {
  it.each([
    {
      name: "device names split on commas and newlines, repeats dropped",
      inputs: { ...VALID, "device-names": "dev-001,dev-002\n dev-003 \n\ndev-001," },
      check: (i: Inputs) =>
        expect(i.target).toEqual({
          kind: "devices",
          deviceNames: ["dev-001", "dev-002", "dev-003"],
        }),
    },
    {
      name: "original version alone targets every device on it",
      inputs: { ...VALID, "device-names": "", "firmware-original-version": "1.0.0" },
      check: (i: Inputs) =>
        expect(i.target).toEqual({ kind: "original-version", originalVersion: "1.0.0" }),
    },
    {
      name: "original version narrows a device list",
      inputs: { ...VALID, "firmware-original-version": "1.0.0" },
      check: (i: Inputs) =>
        expect(i.target).toEqual({
          kind: "devices",
          deviceNames: ["dev-001", "dev-002"],
          originalVersion: "1.0.0",
        }),
    },
    {
      name: "upgrade-method defaults to silent",
      inputs: VALID,
      check: (i: Inputs) => expect(i.upgradeMethod).toBe(0),
    },
    {
      name: "upgrade-method confirm",
      inputs: { ...VALID, "upgrade-method": "Confirm" },
      check: (i: Inputs) => expect(i.upgradeMethod).toBe(1),
    },
    {
      name: "upgrade-method as a number",
      inputs: { ...VALID, "upgrade-method": "1" },
      check: (i: Inputs) => expect(i.upgradeMethod).toBe(1),
    },
    {
      name: "endpoint defaults to Tencent's nearest region",
      inputs: VALID,
      check: (i: Inputs) => expect(i.endpoint.href).toBe("https://iotvideo.tencentcloudapi.com/"),
    },
    {
      name: "endpoint as a bare host name",
      inputs: { ...VALID, endpoint: "iotvideo.ap-guangzhou.tencentcloudapi.com" },
      check: (i: Inputs) =>
        expect(i.endpoint.origin).toBe("https://iotvideo.ap-guangzhou.tencentcloudapi.com"),
    },
    {
      name: "endpoint as a plain-http loopback URL with a port",
      inputs: { ...VALID, endpoint: "http://127.0.0.1:8080" },
      check: (i: Inputs) => expect(i.endpoint.host).toBe("127.0.0.1:8080"),
    },
    {
      name: "request-timeout in whole milliseconds",
      inputs: { ...VALID, "request-timeout": "16.1" },
      check: (i: Inputs) => expect(i.requestTimeoutMs).toBe(16100),
    },
    {
      name: "request-timeout in seconds",
      inputs: { ...VALID, "request-timeout": "2.5" },
      check: (i: Inputs) => expect(i.requestTimeoutMs).toBe(2500),
    },
    {
      name: "defaults for timeout and attempts",
      inputs: VALID,
      check: (i: Inputs) => expect([i.requestTimeoutMs, i.maxAttempts]).toEqual([30_000, 5]),
    },
    {
      name: "region is optional and passed on",
      inputs: { ...VALID, region: "ap-guangzhou" },
      check: (i: Inputs) => expect(i.region).toBe("ap-guangzhou"),
    },
    {
      name: "device-list names a file target",
      inputs: { ...VALID, "device-names": "", "device-list": "fleet/devices.txt" },
      check: (i: Inputs) =>
        expect(i.target).toEqual({
          kind: "file",
          path: "fleet/devices.txt",
          absolutePath: "/work/space/fleet/devices.txt",
        }),
    },
  ])("$name", ({ inputs, check }) => {
    check(read(inputs, { GITHUB_WORKSPACE: "/work/space" }));
  });
});

describe("readInputs: credentials", () => {
  it("takes both keys and the token from the environment when the inputs are empty", () => {
    const inputs = read(
      { ...VALID, "secret-id": "", "secret-key": "" },
      {
        TENCENTCLOUD_SECRET_ID: "AKIDenv",
        TENCENTCLOUD_SECRET_KEY: "env-key",
        TENCENTCLOUD_SESSION_TOKEN: "tok",
      },
    );
    expect(inputs.auth).toEqual({
      kind: "keys",
      credentials: { secretId: "AKIDenv", secretKey: "env-key", token: "tok" },
    });
  });

  it("prefers inputs over the environment, field by field", () => {
    const inputs = read(
      { ...VALID, "secret-key": "", "session-token": "input-token" },
      {
        TENCENTCLOUD_SECRET_ID: "AKIDenv",
        TENCENTCLOUD_SECRET_KEY: "env-key",
        TENCENTCLOUD_TOKEN: "env-token",
      },
    );
    expect(inputs.auth).toMatchObject({
      kind: "keys",
      credentials: { secretId: "AKIDexample", secretKey: "env-key", token: "input-token" },
    });
  });

  it("masks the key and token before anything else is printed", () => {
    read(
      { ...VALID, "session-token": "input-token" },
      { TENCENTCLOUD_SECRET_KEY: "unused-env-key" },
    );
    expect(stdout.slice(0, 3).sort()).toEqual(
      [
        "::add-mask::input-token\n",
        "::add-mask::secret-key-value\n",
        "::add-mask::unused-env-key\n",
      ].sort(),
    );
  });
});

describe("readInputs: invalid inputs", () => {
  it.each([
    {
      name: "no product",
      inputs: { ...VALID, "product-id": "" },
      input: "product-id",
      says: "required",
    },
    {
      name: "space in the product",
      inputs: { ...VALID, "product-id": "ABC DE" },
      input: "product-id",
      says: "'ABC DE'",
    },
    {
      name: "no firmware version",
      inputs: { ...VALID, "firmware-version": " " },
      input: "firmware-version",
      says: "required",
    },
    {
      name: "unknown upgrade method",
      inputs: { ...VALID, "upgrade-method": "fast" },
      input: "upgrade-method",
      says: "'fast'. Expected silent or confirm",
    },
    {
      name: "separators only",
      inputs: { ...VALID, "device-names": " ,\n, " },
      input: "device-names",
      says: "Expected device names",
    },
    {
      name: "device name with a space",
      inputs: { ...VALID, "device-names": "dev 1" },
      input: "device-names",
      says: "whitespace",
    },
    {
      name: "device name too long",
      inputs: { ...VALID, "device-names": "d".repeat(49) },
      input: "device-names",
      says: "longer than 48",
    },
    {
      name: "list and names",
      inputs: { ...VALID, "device-list": "d.txt" },
      input: "device-list",
      says: "not both",
    },
    {
      name: "list and original version",
      inputs: {
        ...VALID,
        "device-names": "",
        "device-list": "d.txt",
        "firmware-original-version": "1.0.0",
      },
      input: "firmware-original-version",
      says: "device-list",
    },
    {
      name: "endpoint with another scheme",
      inputs: { ...VALID, endpoint: "ftp://example.com" },
      input: "endpoint",
      says: "'ftp://example.com'",
    },
    {
      name: "endpoint that is not a URL",
      inputs: { ...VALID, endpoint: "http://" },
      input: "endpoint",
      says: "Expected a host name",
    },
    {
      name: "endpoint with a path",
      inputs: { ...VALID, endpoint: "https://example.com/api" },
      input: "endpoint",
      says: "http(s)://host[:port]",
    },
    {
      name: "timeout zero",
      inputs: { ...VALID, "request-timeout": "0" },
      input: "request-timeout",
      says: "from 1 to 600",
    },
    {
      name: "timeout not a number",
      inputs: { ...VALID, "request-timeout": "30s" },
      input: "request-timeout",
      says: "'30s'",
    },
    {
      name: "attempts too many",
      inputs: { ...VALID, "max-attempts": "11" },
      input: "max-attempts",
      says: "from 1 to 10",
    },
    {
      name: "attempts fractional",
      inputs: { ...VALID, "max-attempts": "2.5" },
      input: "max-attempts",
      says: "whole number",
    },
    {
      name: "control character",
      inputs: { ...VALID, "firmware-version": "2.0\u00070" },
      input: "firmware-version",
      says: "control characters",
    },
    {
      name: "line break in a single value",
      inputs: { ...VALID, "product-id": "ABC\nDEF" },
      input: "product-id",
      says: "line breaks",
    },
    {
      name: "bad region",
      inputs: { ...VALID, region: "Guangzhou" },
      input: "region",
      says: "ap-guangzhou",
    },
    {
      name: "no credentials",
      inputs: { ...VALID, "secret-id": "", "secret-key": "" },
      input: "secret-id",
      says: "TENCENTCLOUD_SECRET_ID",
    },
    {
      name: "secret-id without key",
      inputs: { ...VALID, "secret-key": "" },
      input: "secret-key",
      says: "go with secret-id",
    },
    {
      name: "key without secret-id",
      inputs: { ...VALID, "secret-id": "" },
      input: "secret-id",
      says: "go with secret-key",
    },
  ])("$name → names $input", ({ inputs, input, says }) => {
    let error: unknown;
    try {
      read(inputs);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(input);
    expect((error as InputError).message).toContain(`'${input}'`);
    expect((error as InputError).message).toContain(says);
  });

  it("no target at all: names the three inputs and hints at a misspelling", () => {
    setInputs({ ...VALID, "device-names": "" });
    expect(() => readInputs({})).toThrow(
      "No devices to upgrade: expected one of the inputs 'device-names', 'device-list' or 'firmware-original-version' (an input with another name, such as 'device-name', is ignored by the runner: check the spelling).",
    );
  });

  it.each([
    {
      name: "version onto itself",
      inputs: { ...VALID, "firmware-original-version": "2.0.0" },
      says: "Invalid input 'firmware-original-version': '2.0.0'. Expected a version other than firmware-version (2.0.0)",
    },
    {
      name: "space-separated names",
      inputs: { ...VALID, "device-names": "cam-1 cam-2" },
      says: "Separate names with newlines or commas, not spaces.",
    },
    {
      name: "no version on a branch",
      inputs: { ...VALID, "firmware-version": "" },
      env: { GITHUB_REF: "refs/heads/main" },
      says: "required unless the run was triggered by a tag (refs/tags/v2.0.0 gives 2.0.0), and this run's ref is 'refs/heads/main'",
    },
    {
      name: "wait-timeout past GitHub's 6 h",
      inputs: { ...VALID, wait: "true", "wait-timeout": "7h" },
      says: "Invalid input 'wait-timeout': '7h'. Expected a duration from 1s to 6h",
    },
    {
      name: "poll-interval under 5 s",
      inputs: { ...VALID, wait: "true", "poll-interval": "1s" },
      says: "Invalid input 'poll-interval': '1s'. Expected a duration from 5s to 6h",
    },
    {
      name: "a threshold that is no number",
      inputs: { ...VALID, "max-failed-devices": "few" },
      says: "Invalid input 'max-failed-devices': 'few'",
    },
    {
      name: "a wave gate that asks for nothing",
      inputs: { ...VALID, "device-names": "a,b,c", waves: "1, 100%", "wave-success": "0%" },
      says: "Invalid input 'wave-success': '0%'. Expected a number of devices (1 or more) or a share above 0%",
    },
    {
      name: "a canary gate that is no number",
      inputs: { ...VALID, "device-names": "a,b,c", waves: "1, 100%", "canary-success": "all" },
      says: "Invalid input 'canary-success': 'all'",
    },
    {
      name: "too many retries per device",
      inputs: { ...VALID, wait: "true", "retry-failed-devices": "9" },
      says: "Invalid input 'retry-failed-devices': '9'. Expected a whole number from 0 to 5.",
    },
  ])("$name", ({ inputs, env, says }) => {
    setInputs(inputs);
    expect(() => readInputs(env ?? {})).toThrow(says);
  });

  it("role-arn turns keyless on, with the defaults of action.yml", () => {
    const parsed = read(
      {
        ...VALID,
        "secret-id": "",
        "secret-key": "",
        "role-arn": "qcs::cam::uin/100000000001:roleName/fw-deploy",
        "oidc-provider-id": "github",
      },
      { GITHUB_REPOSITORY: "acme/cams", GITHUB_RUN_ID: "42", GITHUB_RUN_ATTEMPT: "1" },
    );
    expect(parsed.auth).toMatchObject({
      kind: "keyless",
      settings: {
        roleArn: "qcs::cam::uin/100000000001:roleName/fw-deploy",
        providerId: "github",
        audience: "sts.tencentcloudapi.com",
        durationSeconds: 3600,
        stsRegion: "ap-guangzhou",
      },
    });
  });

  it("role-arn and key inputs together are refused, naming both", () => {
    setInputs({
      ...VALID,
      "role-arn": "qcs::cam::uin/100000000001:roleName/fw-deploy",
      "oidc-provider-id": "github",
    });
    expect(() => readInputs({})).toThrow(
      "Invalid input 'role-arn': 'qcs::cam::uin/100000000001:roleName/fw-deploy'. Expected either role-arn (keyless, with the workflow's OIDC token) or secret-id, secret-key (keys from secrets), not both",
    );
  });

  it("the version comes from a tag, with one leading v dropped", () => {
    const parsed = read({ ...VALID, "firmware-version": "" }, { GITHUB_REF: "refs/tags/v1.4.0" });
    expect(parsed.firmwareVersion).toBe("1.4.0");
    expect(parsed.versionSource).toBe("tag");
  });

  it("wait settings: defaults, and none without wait", () => {
    expect(read({ ...VALID, wait: "true" }).wait).toEqual({
      timeoutMs: 30 * 60_000,
      pollIntervalMs: 15_000,
      maxFailed: { count: 0 },
      retryFailed: 0,
    });
    expect(read({ ...VALID, wait: "true", "retry-failed-devices": "2" }).wait?.retryFailed).toBe(2);
    expect(read(VALID).wait).toBeUndefined();
  });

  it("never quotes a secret key in its error", () => {
    setInputs({ ...VALID, "secret-key": "bad key with spaces" });
    expect(() => readInputs({})).toThrow(/'secret-key': '\*\*\*'/);
  });
});
