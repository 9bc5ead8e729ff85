import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseOutputFile } from "../test/support/run-action.js";
import type { PlanRun } from "./results.js";

const SCAN_ONCE = fileURLToPath(new URL("./scan-once.ts", import.meta.url));
const PLAN_ONCE = fileURLToPath(new URL("./plan-once.ts", import.meta.url));

/**
 * Peak RSS of the action: a preloaded module writes getrusage's maxRSS (KiB; the process's
 * high-water mark, all threads) to a file as the process exits. It needs no tool outside Node,
 * unlike /usr/bin/time, and, unlike polling /proc, cannot miss a short peak.
 */
const PEAK_RSS_PROBE = `data:text/javascript,${encodeURIComponent(
  'import { writeFileSync } from "node:fs";' +
    'process.on("exit", () => writeFileSync(process.env.BENCH_PEAK_RSS_FILE,' +
    " String(process.resourceUsage().maxRSS)));",
)}`;

interface Finished {
  seconds: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; `seconds` is wall time from spawn to exit. */
export function timed(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ seconds: (performance.now() - started) / 1000, code, stdout, stderr });
    });
  });
}

/** `md5sum <path>`: the yardstick. */
export async function md5sum(path: string): Promise<{ seconds: number; md5: string }> {
  const run = await timed("md5sum", [path]);
  if (run.code !== 0) throw new Error(`md5sum failed: ${run.stderr.trim()}`);
  return { seconds: run.seconds, md5: run.stdout.split(" ")[0] ?? "" };
}

/** What scan-once.ts prints. */
export interface ScanRun {
  seconds: number;
  peakRssMiB: number;
  deviceCount: number;
  size: number;
}

/** One cold scanDeviceList in a fresh process (timed inside it, so tsx's start-up is left out). */
export async function scanOnce(node: string, path: string): Promise<ScanRun> {
  const run = await timed(node, ["--import", "tsx", SCAN_ONCE, path]);
  if (run.code !== 0) throw new Error(`scan failed: ${run.stderr.trim()}`);
  return JSON.parse(run.stdout) as ScanRun;
}

/** planWaves on 1M names in a fresh process of `node`, with gc exposed for the heap figure. */
export async function planOnce(node: string): Promise<PlanRun> {
  const run = await timed(node, ["--expose-gc", "--import", "tsx", PLAN_ONCE]);
  if (run.code !== 0) throw new Error(`planning failed: ${run.stderr.trim()}`);
  return JSON.parse(run.stdout) as PlanRun;
}

/** One run of the bundled action and what it left behind. */
export interface ActionRun extends Finished {
  peakRssMiB: number;
  outputs: Record<string, string>;
  /** The `::error::` lines of stdout. */
  errors: string[];
}

/**
 * Runs dist/index.js the way the runner does (INPUT_* variables, a GITHUB_OUTPUT file, nothing
 * else of this environment but PATH and HOME), with the peak-RSS probe preloaded.
 */
export async function runActionMeasured(
  node: string,
  entry: string,
  inputs: Record<string, string>,
  workspace: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), "rollout-bench-"));
  const outputFile = join(dir, "output");
  const rssFile = join(dir, "peak-rss");
  await writeFile(outputFile, "");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env["PATH"] ?? "",
    HOME: process.env["HOME"] ?? dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: dir,
    BENCH_PEAK_RSS_FILE: rssFile,
    ...extraEnv,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  try {
    const run = await timed(node, ["--import", PEAK_RSS_PROBE, entry], {
      env,
      cwd: workspace,
    });
    const peakKiB = Number(await readFile(rssFile, "utf8").catch(() => "NaN"));
    return {
      ...run,
      peakRssMiB: peakKiB / 1024,
      outputs: parseOutputFile(await readFile(outputFile, "utf8")),
      errors: run.stdout.split("\n").filter((line) => line.startsWith("::error")),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
