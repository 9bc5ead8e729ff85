// Inline names: how many device names one INPUT_DEVICE-NAMES variable can carry before Linux
// refuses to start the process (E2BIG: one variable over MAX_ARG_STRLEN, 128 KiB), found by
// starting processes; and whether the bundled action warns before that size and not below it.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENV_WARN_BYTES } from "../src/inputs/device-names.js";
import { startEmulator } from "../test/emulator/index.js";
import { sampleInputs } from "../test/support/sample-inputs.js";
import { runActionMeasured } from "./measure.js";

/** The names measured: 19 characters each, one per line, as a workflow's YAML block gives them. */
const NAME_LENGTH = 19;
const names = (count: number): string =>
  Array.from({ length: count }, (_, i) => `camera-sn-${String(i).padStart(9, "0")}`).join("\n");

export interface InlineRun {
  /** The most names a process could be started with. */
  maxNames: number;
  maxBytes: number;
  /** The fewest names (of NAME_LENGTH) whose value reaches the action's warning size. */
  warnFrom: number;
  /** Whether the action warned at warnFrom names, and kept quiet at warnFrom - 1. */
  warnedAt: boolean;
  quietBelow: boolean;
}

export async function inlineNames(node: string, entry: string): Promise<InlineRun> {
  let low = 1; // starts
  let high = 20_000; // far past 128 KiB of 20-byte lines; checked below
  if (await starts(node, high)) throw new Error(`${high} names still started a process`);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (await starts(node, middle)) low = middle;
    else high = middle;
  }
  const warnFrom = Math.ceil((ENV_WARN_BYTES + 1) / (NAME_LENGTH + 1));
  return {
    maxNames: low,
    maxBytes: Buffer.byteLength(names(low)),
    warnFrom,
    warnedAt: await warns(node, entry, warnFrom),
    quietBelow: !(await warns(node, entry, warnFrom - 1)),
  };
}

/** Whether `node -e 0` starts with INPUT_DEVICE-NAMES of `count` names. */
function starts(node: string, count: number): Promise<boolean> {
  const refused = (error: unknown) => (error as NodeJS.ErrnoException).code === "E2BIG";
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env["PATH"] ?? "", "INPUT_DEVICE-NAMES": names(count) };
    try {
      // E2BIG comes as a throw from spawn itself, or as an 'error' event.
      const child = spawn(node, ["-e", "0"], { env, stdio: "ignore" });
      child.on("error", (error) => (refused(error) ? resolve(false) : reject(error)));
      child.on("exit", (code) => resolve(code === 0));
    } catch (error) {
      if (refused(error)) resolve(false);
      else reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** Whether a dry run of the bundled action with `count` inline names warns about their size. */
async function warns(node: string, entry: string, count: number): Promise<boolean> {
  const emulator = await startEmulator();
  const dir = await mkdtemp(join(tmpdir(), "bench-inline-"));
  try {
    await writeFile(join(dir, "summary.md"), "");
    const inputs = sampleInputs(emulator, { "device-names": names(count), "dry-run": "true" });
    const run = await runActionMeasured(node, entry, inputs, dir);
    if (run.code !== 0) throw new Error(`the dry run of ${count} names exited ${run.code}`);
    return run.stdout.split("\n").some((line) => /^::warning.*device-list/.test(line));
  } finally {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function printInline(run: InlineRun): void {
  console.log(`\nInline names (${NAME_LENGTH}-character names, one per line):`);
  console.log(
    `  a process starts with at most ${run.maxNames} names in INPUT_DEVICE-NAMES (${run.maxBytes} bytes); one more: E2BIG`,
  );
  console.log(
    `  the action warns from ${run.warnFrom} names: ${run.warnedAt ? "yes" : "NO"}; quiet at ${run.warnFrom - 1}: ${run.quietBelow ? "yes" : "NO"}`,
  );
}
