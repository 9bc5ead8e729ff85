import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../src/main.js";
import { parseOutputFile, type ActionRun } from "./run-action.js";

/** A fake clock: sleeping only moves it. It starts at the real time, so signatures stay valid. */
export function fakeClock(): {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  elapsed: () => number;
} {
  const start = Date.now();
  let offset = 0;
  return {
    now: () => start + offset,
    sleep: async (ms) => void (offset += ms),
    elapsed: () => offset,
  };
}

/**
 * Runs the step in this process, the way the runner would but on a fake clock: INPUT_*
 * variables, a GITHUB_OUTPUT file, stdout captured, the exit code as process.exitCode left it.
 * The bundle's own behaviour is tested as a process elsewhere; this is for scenario tables.
 */
export async function runInProcess(
  inputs: Record<string, string>,
  clock = fakeClock(),
  env: Record<string, string> = {},
): Promise<ActionRun & { elapsedMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), "rollout-in-process-"));
  const outputFile = join(dir, "output");
  await writeFile(outputFile, "");
  const saved = { ...process.env };
  const restore = () => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  };
  for (const name of Object.keys(process.env))
    if (name.startsWith("INPUT_")) delete process.env[name];
  Object.assign(process.env, { GITHUB_OUTPUT: outputFile, GITHUB_WORKSPACE: dir, ...env });
  for (const [name, value] of Object.entries(inputs))
    process.env[`INPUT_${name.toUpperCase()}`] = value;
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  };
  try {
    await run({ clock: () => clock });
  } finally {
    process.stdout.write = write;
    restore();
  }
  const code = process.exitCode === 1 ? 1 : 0;
  process.exitCode = 0;
  const stdout = chunks.join("");
  const outputs = parseOutputFile(await readFile(outputFile, "utf8"));
  await rm(dir, { recursive: true, force: true });
  const errors = stdout.split("\n").filter((line) => line.startsWith("::error"));
  return { code, stdout, stderr: "", outputs, errors, elapsedMs: clock.elapsed() };
}
