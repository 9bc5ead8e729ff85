// `npm run bench`: on Node 20 (this machine's) and then Node 24 (.ci/node24), the sections
// cold (the action against Tencent's SDK and bare Node, with what loading each package costs),
// list (device lists of 100k, 1M and 8M names against md5sum), wait (a followed 100,000-device
// task; planWaves on 1M names), waves (100k names in five waves, then resumed after four),
// inline (how many device-names a process takes) and cancel (100k not-started devices cancelled
// against a 20/s limit, on a simulated clock); then BENCHMARKS.md from the figures. Options:
// --sections cold,list,wait,waves,inline,cancel --sizes 100000,1000000,8000000 --runs 3
// --cold-runs 9 --scan-only (the list section times scanDeviceList alone) --no-write --write.
// A partial run (some sections, one Node, other sizes) writes only with --write. BENCH_NODE runs
// one Node only; BENCH_ACTION measures another bundle than dist/index.js.
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ACTION_ENTRY } from "../test/support/run-action.js";
import { coldRollouts } from "./cold.js";
import { printCold, summarizeCold } from "./cold-summary.js";
import { cancelOnce, printCancel } from "./cancel.js";
import { buildLoads, DEFAULT_TIERING_LABEL, type LoadBundle } from "./evaluation.js";
import { deviceLists } from "./lists.js";
import { bundleInfo, machine } from "./machine.js";
import { planOnce, timed } from "./measure.js";
import { inlineNames, printInline } from "./inline.js";
import { writeReport } from "./report.js";
import type { NodeResults } from "./results.js";
import { printTable } from "./table.js";
import { checks, TARGET_NAMES } from "./targets.js";
import { followedRollout, printWait } from "./wait.js";
import { fiveWaves, printResumed, printWaves, resumedWaves } from "./waves.js";

const GITHUB_LABEL = "a github-token (Octokit loaded, the rollout recorded as a deployment)";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DATA = join(ROOT, "bench", ".data");
const REPORT = join(ROOT, "BENCHMARKS.md");
const SECTIONS = ["cold", "list", "wait", "waves", "inline", "cancel"];

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100000,1000000,8000000" },
    runs: { type: "string", default: "3" },
    "scan-only": { type: "boolean", default: false },
    sections: { type: "string", default: SECTIONS.join(",") },
    "cold-runs": { type: "string", default: "9" },
    write: { type: "boolean", default: false },
    "no-write": { type: "boolean", default: false },
  },
});
const sections = new Set(values.sections.split(","));
const unknown = [...sections].filter((name) => !SECTIONS.includes(name));
if (unknown.length > 0) {
  throw new Error(`Unknown section ${unknown.join(", ")}; expected ${SECTIONS.join(", ")}`);
}
if (values.write && values["no-write"]) throw new Error("Give --write or --no-write, not both.");
const sizes = values.sizes.split(",").map(Number);
const runs = Math.max(1, Number(values.runs));
const coldRuns = Math.max(1, Number(values["cold-runs"]));
const scanOnly = values["scan-only"];
const entry = process.env["BENCH_ACTION"] ?? ACTION_ENTRY;
const benchNode = process.env["BENCH_NODE"];
const nodes = benchNode === undefined ? [process.execPath, node24()] : [benchNode];

const started = new Date();
const host = machine();
const bundle = bundleInfo(entry, ROOT);
console.log(`Action: ${relative(ROOT, entry)} on ${nodes.join(", then ")}`);
// The bench runs dist/index.js as it is; a bundle older than src/ measures old code.
if (entry === ACTION_ENTRY && bundle.newerSource !== undefined) {
  console.log(`Note: ${bundle.newerSource} is newer than dist/index.js (npm run bundle).`);
}
const loads = sections.has("cold") && !scanOnly ? await buildLoads(DATA) : undefined;
const results: NodeResults[] = [];
try {
  for (const node of nodes) results.push(await benchOn(node, loads?.loads ?? []));
} finally {
  await loads?.remove();
}
host.loadAtEnd = loadavg();
const seconds = (Date.now() - started.getTime()) / 1000;
console.log(`\nThe bench took ${(seconds / 60).toFixed(1)} min.`);

const partial = partialBecause();
if (values["no-write"]) console.log("BENCHMARKS.md not written (--no-write).");
else if (partial.length > 0 && !values.write) {
  console.log(
    `BENCHMARKS.md not written: this run is partial (${partial.join("; ")}); --write writes it anyway.`,
  );
} else {
  const options = { runs, coldRuns, sizes };
  await writeReport(REPORT, {
    started,
    seconds,
    machine: host,
    bundle,
    options,
    nodes: results,
    partial,
  });
  console.log(`Wrote ${relative(ROOT, REPORT)}.`);
}

/** Every section asked for, on one Node; a section that throws is reported and left out. */
async function benchOn(node: string, loaded: LoadBundle[]): Promise<NodeResults> {
  const version = (await timed(node, ["--version"])).stdout.trim();
  console.log(`\n===== The action on Node ${version} (${node}) =====`);
  const result: NodeResults = { node, version, failed: [] };
  const section = async (name: string, measure: () => Promise<void>) => {
    if (!sections.has(name) || (scanOnly && name !== "list")) return;
    try {
      await measure();
    } catch (error) {
      console.log(`\nThe ${name} section failed on Node ${version}: ${String(error)}`);
      result.failed.push(name);
      process.exitCode = 1;
    }
  };
  await section("cold", async () => {
    const variants = [
      ...(loads ? [{ label: DEFAULT_TIERING_LABEL, flags: [], entry: loads.defaultTiering }] : []),
      { label: GITHUB_LABEL, flags: [], github: true },
    ];
    result.cold = summarizeCold(await coldRollouts(node, entry, coldRuns, loaded, variants));
    printCold(result.cold);
  });
  await section("list", async () => {
    result.lists = await deviceLists({ node, entry, sizes, runs, scanOnly });
    console.log("\nDevice lists:");
    printTable(result.lists);
    if (result.lists.some((row) => row.failure !== undefined)) process.exitCode = 1;
  });
  await section("wait", async () => {
    result.plan = await planOnce(node);
    result.wait = await followedRollout(node, entry);
    printWait(result.wait, result.plan);
    if (result.wait.code !== 0) process.exitCode = 1;
  });
  await section("waves", async () => {
    result.waves = await fiveWaves(node, entry);
    printWaves(result.waves);
    result.resumed = await resumedWaves(node, entry);
    printResumed(result.resumed);
    result.resumedLedger = await resumedWaves(node, entry, true);
    printResumed(result.resumedLedger, true);
    const codes = [result.waves, result.resumed, result.resumedLedger].map((run) => run.code);
    if (codes.some((code) => code !== 0)) process.exitCode = 1;
  });
  await section("inline", async () => {
    result.inline = await inlineNames(node, entry);
    printInline(result.inline);
  });
  await section("cancel", async () => {
    result.cancel = await cancelOnce(node);
    printCancel(result.cancel);
    if (result.cancel.left > 0) process.exitCode = 1;
  });
  console.log(`\nTargets on Node ${version}:`);
  for (const check of checks(result)) {
    console.log(`  ${check.met ? "met    " : "NOT met"}  ${check.target}: ${check.figure}`);
  }
  return result;
}

/** Why this run's figures are not the whole picture BENCHMARKS.md gives; empty when they are. */
function partialBecause(): string[] {
  const missing = SECTIONS.filter((name) => !sections.has(name));
  return [
    missing.length > 0 ? `sections ${missing.join(", ")} not run` : "",
    benchNode !== undefined ? `BENCH_NODE: one Node only` : "",
    entry !== ACTION_ENTRY ? `BENCH_ACTION: not dist/index.js` : "",
    scanOnly ? "--scan-only" : "",
    !sizes.includes(TARGET_NAMES) ? `no ${TARGET_NAMES.toLocaleString("en")}-name list` : "",
    ...results.flatMap((one) => one.failed.map((name) => `${name} failed on ${one.version}`)),
  ].filter(Boolean);
}

/** The Node 24 binary .ci/node24 prints (installing it on first use). */
function node24(): string {
  const script = join(ROOT, ".ci", "node24");
  return execFileSync("bash", [script], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
}
