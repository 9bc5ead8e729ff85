// The ID token, the runner's request token and the temporary key pair and token are masked with
// the runner (::add-mask::) and registered for redaction before anything can print them, and
// nothing prints them. A file of its own: redaction state is per process, and this run must be
// the only keyless one in it (see the last test).
import { Agent } from "undici";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { keylessCredentials } from "../../src/credentials/keyless/keyless.js";
import { redact, registerSecret } from "../../src/report/outside-text.js";
import { TencentClient } from "../../src/tencent/client.js";
import { batchUpdateFirmware } from "../../src/tencent/iotvideo/tasks.js";
import { SAMPLE_PRODUCT_ID, startEmulator, type Emulator } from "../emulator/index.js";
import { startTokenEndpoint, type TokenEndpoint } from "../support/token-endpoint.js";

const ROLE = "qcs::cam::uin/100000000001:roleName/firmware-rollout";
let endpoint: TokenEndpoint;
let emulator: Emulator;
const dispatcher = new Agent({ connectTimeout: 2000 });

beforeAll(async () => {
  endpoint = await startTokenEndpoint();
  emulator = await startEmulator({
    sts: {
      providers: {
        github: { clientIds: ["sts.tencentcloudapi.com"], publicKeys: [endpoint.publicKey] },
      },
      roles: { [ROLE]: {} },
    },
  });
});
afterAll(async () => {
  await emulator.close();
  await endpoint.close();
  await dispatcher.close();
});

it("masks every secret of the chain and prints none, even with RUNNER_DEBUG=1", async () => {
  const stdout: string[] = [];
  const lines: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  vi.stubEnv("RUNNER_DEBUG", "1");
  vi.stubEnv("ACTIONS_ID_TOKEN_REQUEST_URL", endpoint.env.ACTIONS_ID_TOKEN_REQUEST_URL);
  vi.stubEnv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", endpoint.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
  const logger = {
    info: (line: string) => void lines.push(line),
    warning: (line: string) => void lines.push(line),
    debug: (line: string) => void lines.push(line),
  };
  try {
    const source = await keylessCredentials(
      {
        roleArn: ROLE,
        providerId: "github",
        audience: "sts.tencentcloudapi.com",
        roleSessionName: "gh.octo-org.firmware.4242.1",
        durationSeconds: 900,
        stsEndpoint: new URL(emulator.url),
        stsRegion: "ap-guangzhou",
      },
      {
        dispatcher,
        timeoutMs: 2000,
        logger,
        policy: {
          maxAttempts: 1,
          baseDelayMs: 1,
          maxDelayMs: 1,
          deadline: Date.now() + 60_000,
          sleep: async () => {},
          now: Date.now,
          random: Math.random,
          logger,
        },
      },
    );
    const client = new TencentClient({
      endpoint: new URL(emulator.url),
      service: "iotvideo",
      version: "2020-12-15",
      credentials: source,
      timeoutMs: 2000,
      dispatcher,
      logger,
    });
    await batchUpdateFirmware(client, {
      ProductID: SAMPLE_PRODUCT_ID,
      FirmwareVersion: "2.0.0",
      DeviceNames: ["dev-001"],
    });
  } finally {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  }
  const issued = emulator.stsIssued[0]!;
  const secrets = {
    idToken: endpoint.issued[0]!,
    requestToken: endpoint.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
    tmpSecretId: issued.secretId,
    tmpSecretKey: issued.secretKey,
    token: issued.token,
  };
  const masks = stdout.filter((line) => line.startsWith("::add-mask::"));
  const printed = [...stdout.filter((line) => !masks.includes(line)), ...lines].join("\n");
  // The control: debug lines were printed, the token request's among them.
  expect(lines.some((line) => /^GET http:\/\/127\.0\.0\.1:\d+\/token \(/.test(line))).toBe(true);
  expect(lines.some((line) => line.startsWith("Assumed role"))).toBe(true);
  for (const [name, secret] of Object.entries(secrets)) {
    expect(masks, name).toContain(`::add-mask::${secret}\n`);
    expect(redact(`x ${secret} y`), name).toBe("x *** y");
    expect(printed, name).not.toContain(secret);
  }
});

// Every JWT of a run shares its header: two ID tokens in one run (a renewal) share a long start,
// and redacting one's start must not leave the other's tail behind.
it("redact hides a second secret that shares a 12+ character start with an earlier one", () => {
  const first = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.AAAAAAAAAAAAAAAA.signature-one";
  const second = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.BBBBBBBBBBBBBBBB.signature-two";
  registerSecret(first);
  registerSecret(second);
  expect(redact(`x ${second} y`)).toBe("x *** y");
});
