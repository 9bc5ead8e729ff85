import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The bundled action, as action.yml names it. */
export const ACTION_ENTRY = fileURLToPath(new URL("../../dist/index.js", import.meta.url));

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** The `::error::` lines of stdout. */
  errors: string[];
}

export interface RunOptions {
  inputs: Record<string, string>;
  /** Extra environment; nothing of the caller's environment leaks in but PATH and HOME. */
  env?: Record<string, string>;
  cwd?: string;
  /** Node binary to start; defaults to the one running this process. */
  node?: string;
  /**
   * SIGKILL after this long (default 60 s): a backstop that only keeps a hung process from
   * outliving its test, past vitest's own timeout. Set lower, it would bound the process by wall
   * time, and a busy runner would decide the test.
   */
  timeoutMs?: number;
  /** Called with the started process and a view of its stdout so far (to send it signals). */
  onSpawn?: (child: ChildProcess, stdout: () => string) => void;
}

/**
 * Starts dist/index.js the way the runner does: one INPUT_<NAME> variable per input, a fresh
 * GITHUB_OUTPUT file, and the exit code as the step's result.
 */
export async function runAction(options: RunOptions): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), "rollout-run-"));
  const outputFile = join(dir, "output");
  await writeFile(outputFile, "");
  const env: Record<string, string> = {
    PATH: process.env["PATH"] ?? "",
    HOME: process.env["HOME"] ?? dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_WORKSPACE: options.cwd ?? dir,
    RUNNER_TEMP: dir,
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs)) {
    env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  }
  try {
    const { code, stdout, stderr } = await spawnNode(
      options.node ?? process.execPath,
      env,
      options.cwd ?? dir,
      options.timeoutMs ?? 60_000,
      options.onSpawn,
    );
    const outputs = parseOutputFile(await readFile(outputFile, "utf8"));
    const errors = stdout.split("\n").filter((line) => line.startsWith("::error"));
    return { code, stdout, stderr, outputs, errors };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function spawnNode(
  node: string,
  env: Record<string, string>,
  cwd: string,
  timeoutMs: number,
  onSpawn: RunOptions["onSpawn"],
) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(node, [ACTION_ENTRY], { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    onSpawn?.(child, () => stdout);
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Reads the runner's `name<<DELIMITER` … `DELIMITER` output file format. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? "");
    if (match === null) continue;
    const [, name, delimiter] = match as unknown as [string, string, string];
    const end = lines.indexOf(delimiter, i + 1);
    outputs[name] = lines.slice(i + 1, end).join("\n");
    i = end;
  }
  return outputs;
}
