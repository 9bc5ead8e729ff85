// CONTRIBUTING.md's "Trying the action locally" holds to the code: the sample .env and the
// by-hand command name real inputs and the emulator CLI's defaults, `npm run local-action` names
// an entry that exports run(), and the by-hand command runs the bundle as written.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { INPUT_NAMES } from "../src/inputs/read-inputs.js";
import { DEFAULT_PORT } from "./emulator/cli-flags.js";
import {
  SAMPLE_PRODUCT_ID,
  startEmulator,
  TEST_CREDENTIALS,
  type Emulator,
} from "./emulator/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DEFAULT_URL = `http://127.0.0.1:${DEFAULT_PORT}`;

const read = (path: string) => readFile(join(ROOT, path), "utf8");

/** The `INPUT_<NAME>=value` pairs of a .env file or a command (quoted there), by input name. */
function inputsIn(text: string): Record<string, string> {
  const pairs = [...text.matchAll(/(?:^|')INPUT_([A-Z0-9_-]+)=([^'\n]*)/gm)];
  return Object.fromEntries(pairs.map((m) => [(m[1] ?? "").toLowerCase(), m[2] ?? ""]));
}

/** The sh block of CONTRIBUTING.md that runs dist/index.js. */
async function byHandCommand(): Promise<string> {
  const blocks = [...(await read("CONTRIBUTING.md")).matchAll(/^```sh\n([\s\S]*?)^```$/gm)];
  const command = blocks.map((m) => m[1] ?? "").find((b) => b.includes("node dist/index.js"));
  if (command === undefined) throw new Error("CONTRIBUTING.md has no command for dist/index.js");
  return command;
}

/** Checks what both the sample .env and the by-hand command must say. */
function expectEmulatorInputs(inputs: Record<string, string>): void {
  for (const name of Object.keys(inputs)) expect(INPUT_NAMES, name).toContain(name);
  expect(inputs).toMatchObject({
    "product-id": SAMPLE_PRODUCT_ID,
    "secret-id": TEST_CREDENTIALS.secretId,
    "secret-key": TEST_CREDENTIALS.secretKey,
    endpoint: DEFAULT_URL,
  });
}

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe("trying the action locally", () => {
  it(".env.example names inputs of action.yml and the emulator CLI's defaults", async () => {
    const inputs = inputsIn(await read(".env.example"));
    expect(Object.keys(inputs).length).toBeGreaterThan(4);
    expectEmulatorInputs(inputs);
  });

  it("`npm run local-action` names an entry that exports run(), and a gitignored .env", async () => {
    const scripts = (JSON.parse(await read("package.json")) as { scripts: Record<string, string> })
      .scripts;
    const [bin, dir, entry, envFile] = (scripts["local-action"] ?? "").split(" ");
    expect([bin, dir, envFile]).toEqual(["local-action", ".", ".env"]);
    const module = (await import(join(ROOT, entry ?? "missing"))) as Record<string, unknown>;
    expect(typeof module["run"]).toBe("function");
    expect((await read(".gitignore")).split("\n")).toContain(envFile);
  });

  it("the by-hand command runs the bundle against the emulator", async () => {
    const command = await byHandCommand();
    expectEmulatorInputs(inputsIn(command));
    emulator = await startEmulator();
    const child = spawn("sh", ["-c", command.replaceAll(DEFAULT_URL, emulator.url)], {
      cwd: ROOT,
      // Nothing of a runner's environment (GITHUB_OUTPUT above all) reaches the action.
      env: { PATH: process.env["PATH"] ?? "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, stdout).toBe(0);
    expect(stdout).toContain("::set-output name=task-id::1");
    expect(emulator.tasks).toMatchObject([{ productId: SAMPLE_PRODUCT_ID }]);
  });
});
