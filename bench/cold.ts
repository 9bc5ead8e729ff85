// The cold rollout: the bundled action as a process (spawn → exit, an original-version rollout)
// against Tencent's SDK making the same BatchUpdateFirmware call, and a bare `node -e 0`.
// Each contender gets a fresh emulator, so every run starts from the same state.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator, type Emulator } from "../test/emulator/index.js";
import { sampleInputs } from "../test/support/sample-inputs.js";

const SDK_SCRIPT = fileURLToPath(new URL("./sdk-rollout.js", import.meta.url));

/**
 * Preloaded into every contender: wall-clock marks (ms, the same clock as the parent's) for the
 * end of Node's own start-up, each HTTP request's start and answer (undici's and node:http's
 * diagnostics channels: the action speaks undici, the SDK node-fetch over node:http), and the
 * 'exit' event; written with the peak RSS to BENCH_PROBE_FILE as the process exits.
 */
const PROBE = `data:text/javascript,${encodeURIComponent(
  [
    'import { writeFileSync } from "node:fs";',
    'import dc from "node:diagnostics_channel";',
    "const now = () => performance.timeOrigin + performance.now();",
    "const marks = { origin: performance.timeOrigin, preload: now(), sent: [], answered: [] };",
    'for (const c of ["undici:request:create", "http.client.request.start"])',
    "  dc.subscribe(c, () => marks.sent.push(now()));",
    'for (const c of ["undici:request:headers", "http.client.response.finish"])',
    "  dc.subscribe(c, () => marks.answered.push(now()));",
    'process.on("exit", () => { marks.exit = now();',
    "  marks.maxRssKiB = process.resourceUsage().maxRSS;",
    "  writeFileSync(process.env.BENCH_PROBE_FILE, JSON.stringify(marks)); });",
  ].join("\n"),
)}`;

interface ProbeMarks {
  origin: number;
  preload: number;
  sent: number[];
  answered: number[];
  exit: number;
  maxRssKiB: number;
}

/** One contender's run, in seconds from spawn; phases from the probe's marks. */
export interface ColdRun {
  seconds: number;
  /** Spawn → Node ready to run the first module (the preload). */
  nodeStart: number;
  /** Preload → first request sent: module evaluation, inputs, signing. */
  toFirstRequest: number;
  /** First request sent → last answer received. */
  requests: number;
  requestCount: number;
  /** Last answer → 'exit' event: outputs, summary, draining the event loop. */
  afterLastAnswer: number;
  /** 'exit' event → the parent sees the process gone: Node's teardown. */
  exit: number;
  peakRssMiB: number;
}

export type Contender = "action" | "sdk" | "bare";

/** Runs one contender once against a fresh emulator and checks that it did its job. */
export async function coldRun(
  node: string,
  entry: string,
  who: Contender,
  flags: readonly string[] = [],
): Promise<ColdRun> {
  const emulator = who === "bare" ? undefined : await startEmulator();
  const dir = await mkdtemp(join(tmpdir(), "rollout-cold-"));
  try {
    const probeFile = join(dir, "probe.json");
    const env: NodeJS.ProcessEnv = {
      PATH: process.env["PATH"] ?? "",
      HOME: process.env["HOME"] ?? dir,
      BENCH_PROBE_FILE: probeFile,
      ...(emulator === undefined ? {} : contenderEnv(who, emulator, dir)),
    };
    if (who === "action") await writeFile(join(dir, "output"), "");
    const args =
      who === "action"
        ? [entry]
        : who === "sdk"
          ? [SDK_SCRIPT, new URL(emulator!.url).port]
          : ["-e", "0"];
    const { spawnedAt, closedAt, code, stderr } = await spawnTimed(
      node,
      [...flags, "--import", PROBE, ...args],
      env,
      dir,
    );
    if (code !== 0) throw new Error(`${who} exited ${code}: ${stderr.trim().split("\n").at(-1)}`);
    if (emulator !== undefined && emulator.tasks.length !== 1) {
      throw new Error(`${who} created ${emulator.tasks.length} tasks; expected 1`);
    }
    const marks = JSON.parse(await readFile(probeFile, "utf8")) as ProbeMarks;
    return phases(marks, spawnedAt, closedAt);
  } finally {
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function contenderEnv(who: Contender, emulator: Emulator, dir: string): NodeJS.ProcessEnv {
  if (who === "sdk") {
    return {
      TENCENTCLOUD_SECRET_ID: emulator.credentials.secretId,
      TENCENTCLOUD_SECRET_KEY: emulator.credentials.secretKey,
      PRODUCT_ID: sampleInputs(emulator)["product-id"],
    };
  }
  const env: NodeJS.ProcessEnv = {
    GITHUB_OUTPUT: join(dir, "output"),
    GITHUB_WORKSPACE: dir,
    RUNNER_TEMP: dir,
  };
  const inputs = sampleInputs(emulator, { "firmware-original-version": "1.0.0" });
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

function phases(marks: ProbeMarks, spawnedAt: number, closedAt: number): ColdRun {
  const firstSent = marks.sent[0] ?? marks.exit;
  const lastAnswer = marks.answered.at(-1) ?? firstSent;
  const s = (ms: number) => ms / 1000;
  return {
    seconds: s(closedAt - spawnedAt),
    nodeStart: s(marks.preload - spawnedAt),
    toFirstRequest: s(firstSent - marks.preload),
    requests: s(lastAnswer - firstSent),
    requestCount: marks.sent.length,
    afterLastAnswer: s(marks.exit - lastAnswer),
    exit: s(closedAt - marks.exit),
    peakRssMiB: marks.maxRssKiB / 1024,
  };
}

/** Wall-clock ms (performance.timeOrigin-based, as the probe's) at spawn and at close. */
function spawnTimed(node: string, args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  return new Promise<{ spawnedAt: number; closedAt: number; code: number | null; stderr: string }>(
    (resolve, reject) => {
      const now = () => performance.timeOrigin + performance.now();
      const spawnedAt = now();
      const child = spawn(node, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      child.on("error", reject);
      child.on("close", (code) => resolve({ spawnedAt, closedAt: now(), code, stderr }));
    },
  );
}

/** Median of each field over the runs (each field on its own). */
export function medianRun(runs: ColdRun[]): ColdRun {
  const field = (key: keyof ColdRun) => {
    const sorted = runs.map((run) => run[key]).sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)]!;
  };
  const keys = Object.keys(runs[0]!) as (keyof ColdRun)[];
  return Object.fromEntries(keys.map((key) => [key, field(key)])) as unknown as ColdRun;
}

/** One warm-up round, then `runs` rounds of action, SDK, bare node in turn; every run kept. */
export async function coldRollouts(
  node: string,
  entry: string,
  runs: number,
): Promise<Record<Contender, ColdRun[]>> {
  const all: Record<Contender, ColdRun[]> = { action: [], sdk: [], bare: [] };
  const order: Contender[] = ["action", "sdk", "bare"];
  for (const who of order) await coldRun(node, entry, who);
  for (let i = 0; i < runs; i++) {
    for (const who of order) all[who].push(await coldRun(node, entry, who));
  }
  return all;
}

/** Prints the medians of each contender, the ratios, and the action's phases. */
export function printCold(all: Record<Contender, ColdRun[]>): void {
  const median = {
    action: medianRun(all.action),
    sdk: medianRun(all.sdk),
    bare: medianRun(all.bare),
  };
  const ms = (s: number) => (s * 1000).toFixed(1).padStart(7);
  console.log(`\nCold rollout (${all.action.length} alternating runs each, medians, ms):`);
  console.log(
    "contender  total  node start  →1st request  requests (n)  →exit event   exit  RSS MiB",
  );
  for (const who of ["action", "sdk", "bare"] as const) {
    const m = median[who];
    console.log(
      [
        who.padEnd(6),
        ms(m.seconds),
        ms(m.nodeStart),
        ms(m.toFirstRequest),
        `${ms(m.requests)} (${m.requestCount})`,
        ms(m.afterLastAnswer),
        ms(m.exit),
        m.peakRssMiB.toFixed(1).padStart(7),
      ].join("  "),
    );
  }
  const ratio = median.action.seconds / median.sdk.seconds;
  console.log(
    `action / SDK ${ratio.toFixed(2)} (target ≤ 0.8: ${ratio <= 0.8 ? "PASS" : "FAIL"}),` +
      ` action / bare node ${(median.action.seconds / median.bare.seconds).toFixed(1)},` +
      ` SDK / bare node ${(median.sdk.seconds / median.bare.seconds).toFixed(1)}`,
  );
}
