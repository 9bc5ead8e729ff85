import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_PRODUCT_ID, startEmulator, type Emulator } from "../emulator/index.js";
import { runAction, type ActionRun } from "../support/run-action.js";
import { startTokenEndpoint, type TokenEndpoint } from "../support/token-endpoint.js";

// Keyless through the bundled action as a process: only role-arn and oidc-provider-id, the
// runner's token endpoint on loopback, the emulator's STS and IoT Video.
const ROLE = "qcs::cam::uin/100000000001:roleName/firmware-rollout";
const PROVIDER = "github-actions";
let endpoint: TokenEndpoint;
let emulator: Emulator;

beforeEach(async () => {
  endpoint = await startTokenEndpoint();
  emulator = await startEmulator({
    sts: {
      providers: {
        [PROVIDER]: { clientIds: ["sts.tencentcloudapi.com"], publicKeys: [endpoint.publicKey] },
      },
      roles: { [ROLE]: { providers: [PROVIDER], subjects: ["repo:octo-org/firmware:*"] } },
    },
  });
});
afterEach(async () => {
  await emulator.close();
  await endpoint.close();
});

function keyless(
  extra: Record<string, string> = {},
  env: Record<string, string> = endpoint.env,
): Promise<ActionRun> {
  return runAction({
    inputs: {
      "product-id": SAMPLE_PRODUCT_ID,
      "firmware-version": "2.0.0",
      "firmware-original-version": "1.0.0",
      "role-arn": ROLE,
      "oidc-provider-id": PROVIDER,
      endpoint: emulator.url,
      "sts-endpoint": emulator.url,
      ...extra,
    },
    env: { GITHUB_REPOSITORY: "octo-org/firmware", GITHUB_RUN_ID: "4242", ...env },
  });
}

const iotVideoCalls = () =>
  emulator.requests.filter((r) => r.action !== "AssumeRoleWithWebIdentity");

describe("keyless rollouts", () => {
  it("roll out on temporary keys, and print neither key nor token, even with RUNNER_DEBUG", async () => {
    const run = await keyless({}, { ...endpoint.env, RUNNER_DEBUG: "1" });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.outputs["task-id"]).toBe("1");
    const [issued] = emulator.stsIssued;
    expect(issued).toBeDefined();
    expect(emulator.requests.find((r) => r.action === "BatchUpdateFirmware")?.secretId).toBe(
      issued!.secretId,
    );
    const printed = (run.stdout + run.stderr)
      .split("\n")
      .filter((line) => !line.startsWith("::add-mask::"))
      .join("\n");
    for (const secret of [issued!.secretKey, issued!.token, ...endpoint.issued]) {
      expect(printed).not.toContain(secret);
      expect(printed).not.toContain(secret.slice(0, 16));
    }
    expect(run.stdout).toContain(`::add-mask::${issued!.token}`);
  });

  it.each([
    {
      name: "no id-token permission",
      extra: {},
      env: {},
      says: "id-token: write",
    },
    {
      name: "a wrong audience",
      extra: { audience: "not-the-client-id" },
      env: undefined,
      says: "InvalidParameter.WebIdentityTokenError",
    },
    {
      name: "an unknown role",
      extra: { "role-arn": "qcs::cam::uin/100000000001:roleName/nobody" },
      env: undefined,
      says: "ResourceNotFound.RoleNotFound",
    },
  ])("$name: one clear error, no IoT Video call", async ({ extra, env, says }) => {
    const run = await keyless(extra, env ?? endpoint.env);
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(says);
    expect(iotVideoCalls()).toEqual([]);
  });

  it("an STS rate limit is retried, then the rollout goes on", async () => {
    emulator.script("AssumeRoleWithWebIdentity", { type: "rate-limit" });
    const run = await keyless();
    expect(run.code).toBe(0);
    expect(emulator.requests.filter((r) => r.action === "AssumeRoleWithWebIdentity")).toHaveLength(
      2,
    );
    expect(run.stdout).toMatch(
      /AssumeRoleWithWebIdentity: attempt 1\/5 failed: .*RequestLimitExceeded/,
    );
  });
});
