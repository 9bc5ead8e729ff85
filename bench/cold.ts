// The cold rollout: the bundled action as a process (spawn → exit, an original-version rollout)
// against Tencent's SDK making the same BatchUpdateFirmware call and a bare `node -e 0`; with
// them, the action without its wasm tiering setting and bundles that only load what it loads
// (evaluation.ts). Each rollout gets a fresh emulator, so every run starts from the same state.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator, type Emulator } from "../test/emulator/index.js";
import { sampleInputs } from "../test/support/sample-inputs.js";
import type { LoadBundle } from "./evaluation.js";
import { startGitHubStandIn } from "../test/support/github/standin.js";
import { githubEnv } from "./waves.js";

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

/** What the cold section starts: a rollout against a fresh emulator, or a process that only starts. */
export interface Contender {
  kind: "action" | "sdk" | "start";
  /** Node's options, before the probe. */
  flags?: string[];
  /** The script and its arguments (the SDK script also gets the emulator's port). */
  args: string[];
  /** With a github-token: Octokit loaded, the rollout recorded to a GitHub stand-in. */
  github?: boolean;
}

/** Another build of the action, or the action under other Node options, run in the same rounds. */
export interface Variant {
  label: string;
  flags: string[];
  /** A bundle to run instead of the action's. */
  entry?: string;
  /** Run with a github-token against a GitHub stand-in. */
  github?: boolean;
}

/** Every run of every contender, each list in the order run. */
export interface ColdResults {
  action: ColdRun[];
  sdk: ColdRun[];
  bare: ColdRun[];
  variants: { variant: Variant; runs: ColdRun[] }[];
  loads: { bundle: LoadBundle; runs: ColdRun[] }[];
}

/**
 * One warm-up round, then `runs` rounds in which every contender runs once, in turn: the action,
 * the SDK script, bare node, each variant of the action, then each load bundle.
 */
export async function coldRollouts(
  node: string,
  entry: string,
  runs: number,
  loads: readonly LoadBundle[],
  variants: readonly Variant[],
): Promise<ColdResults> {
  const results: ColdResults = {
    action: [],
    sdk: [],
    bare: [],
    variants: variants.map((variant) => ({ variant, runs: [] })),
    loads: loads.map((bundle) => ({ bundle, runs: [] })),
  };
  const turns: [Contender, ColdRun[]][] = [
    [{ kind: "action", args: [entry] }, results.action],
    [{ kind: "sdk", args: [SDK_SCRIPT] }, results.sdk],
    [{ kind: "start", args: ["-e", "0"] }, results.bare],
    ...results.variants.map((one): [Contender, ColdRun[]] => [
      {
        kind: "action",
        flags: one.variant.flags,
        args: [one.variant.entry ?? entry],
        ...(one.variant.github ? { github: true } : {}),
      },
      one.runs,
    ]),
    ...results.loads.map((load): [Contender, ColdRun[]] => [
      { kind: "start", args: [load.bundle.path] },
      load.runs,
    ]),
  ];
  for (const [who] of turns) await coldRun(node, who);
  for (let i = 0; i < runs; i++) {
    for (const [who, sink] of turns) sink.push(await coldRun(node, who));
  }
  return results;
}

/** Runs one contender once (a rollout against a fresh emulator) and checks that it did its job. */
export async function coldRun(node: string, who: Contender): Promise<ColdRun> {
  const emulator = who.kind === "start" ? undefined : await startEmulator();
  const github = who.github ? await startGitHubStandIn() : undefined;
  const dir = await mkdtemp(join(tmpdir(), "rollout-cold-"));
  try {
    const probeFile = join(dir, "probe.json");
    const env: NodeJS.ProcessEnv = {
      PATH: process.env["PATH"] ?? "",
      HOME: process.env["HOME"] ?? dir,
      BENCH_PROBE_FILE: probeFile,
      ...(emulator === undefined ? {} : contenderEnv(who.kind, emulator, dir)),
      ...(github === undefined ? {} : { ...githubEnv(github), "INPUT_GITHUB-TOKEN": github.token }),
    };
    if (who.kind === "action") await writeFile(join(dir, "output"), "");
    const port = who.kind === "sdk" ? [new URL(emulator!.url).port] : [];
    const args = [...(who.flags ?? []), "--import", PROBE, ...who.args, ...port];
    const { spawnedAt, closedAt, code, stderr } = await spawnTimed(node, args, env, dir);
    const name = who.args.join(" ");
    if (code !== 0) throw new Error(`${name} exited ${code}: ${stderr.trim().split("\n").at(-1)}`);
    if (emulator !== undefined && emulator.tasks.length !== 1) {
      throw new Error(`${name} created ${emulator.tasks.length} tasks; expected 1`);
    }
    if (github !== undefined && github.deployments.length !== 1) {
      throw new Error(`${name} recorded ${github.deployments.length} deployments; expected 1`);
    }
    const marks = JSON.parse(await readFile(probeFile, "utf8")) as ProbeMarks;
    return phases(marks, spawnedAt, closedAt);
  } finally {
    await github?.close();
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function contenderEnv(who: Contender["kind"], emulator: Emulator, dir: string): NodeJS.ProcessEnv {
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
