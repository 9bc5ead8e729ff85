import { afterEach, beforeEach, expect, it } from "vitest";
import { startEmulator, type Emulator } from "./emulator/index.js";
import { startProxy, type LoopbackProxy } from "./support/proxy.js";
import { sampleInputs } from "./support/sample-inputs.js";
import { runAction, type ActionRun } from "./support/run-action.js";

// With step debug logging on, the key, the token and every Authorization header the action sent
// must appear nowhere in its output but the ::add-mask:: lines that hide them. A rate limit
// makes the action sign and send the call a second time.
const TOKEN = "session-token-4f1c9a";
let emulator: Emulator;
let proxy: LoopbackProxy;

beforeEach(async () => {
  emulator = await startEmulator({
    credentials: { secretId: "AKIDsecretstest", secretKey: "key-9c2e7b41d0", token: TOKEN },
  });
  proxy = await startProxy();
});
afterEach(async () => {
  await proxy.close();
  await emulator.close();
});

function debugRun(extra: Record<string, string>): Promise<ActionRun> {
  return runAction({
    inputs: sampleInputs(emulator, {
      "firmware-original-version": "1.0.0",
      "session-token": TOKEN,
      "max-attempts": "2",
      "request-timeout": "1",
      ...extra,
    }),
    // The proxy sees the plain-http requests, so the test knows every signature that was sent.
    env: { RUNNER_DEBUG: "1", HTTP_PROXY: proxy.url },
  });
}

function sentSignatures(): string[] {
  return [...proxy.tunnelled().matchAll(/authorization: (TC3-HMAC-SHA256 [^\r\n]+)/gi)].map(
    (m) => m[1]!,
  );
}

it.each([
  { name: "a successful rollout", extra: {}, code: 0 },
  { name: "an API error", extra: { "firmware-version": "9.9.9" }, code: 1 },
  { name: "a refused signature", extra: { "secret-key": "wrong-key-value" }, code: 1 },
])(
  "$name leaks no secret with RUNNER_DEBUG=1",
  async ({ extra, code }) => {
    emulator.script("BatchUpdateFirmware", { type: "rate-limit" });
    const run = await debugRun(extra);
    expect(run.code).toBe(code);
    expect(run.stdout).toContain("::debug::");
    const signatures = sentSignatures();
    expect(signatures.length).toBeGreaterThan(0);
    const key = extra["secret-key"] ?? emulator.credentials.secretKey;
    const unmasked = (run.stdout + run.stderr)
      .split("\n")
      .filter((line) => !line.startsWith("::add-mask::"))
      .join("\n");
    expect(run.stdout).toContain(`::add-mask::${key}`);
    expect(run.stdout).toContain(`::add-mask::${TOKEN}`);
    for (const secret of [key, TOKEN, ...signatures, ...signatures.map((s) => s.slice(-64))]) {
      expect(unmasked).not.toContain(secret);
    }
    expect(unmasked).not.toMatch(/Signature=|TC3-HMAC-SHA256 Credential/);
  },
  60_000,
);
