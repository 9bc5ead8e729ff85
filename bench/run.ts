// `npm run bench`: a cold rollout against Tencent's SDK and bare Node; device-list rollouts of
// 100k, 1M and 8M names against the local emulator, timed against `md5sum` of the same file;
// a followed 100,000-device task and wave planning of 1M names. Options: --sections
// cold,list,wait,waves --cold-runs 9 --sizes 100000,1000000 --runs 3 --scan-only (no action runs in
// the list section: times scanDeviceList alone). BENCH_NODE picks the action's Node,
// BENCH_ACTION another bundle than dist/index.js.
import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { SAMPLE_PRODUCT_ID, startEmulator, type Emulator } from "../test/emulator/index.js";
import { ACTION_ENTRY } from "../test/support/run-action.js";
import { ensureList, listBytes } from "./generate.js";
import { coldRollouts, printCold } from "./cold.js";
import { md5sum, runActionMeasured, scanOnce, timed, type ActionRun } from "./measure.js";
import { printTable, type Row } from "./table.js";
import { followedRollout, planMillion, printWait } from "./wait.js";
import { fiveWaves, printWaves } from "./waves.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DATA = join(ROOT, "bench", ".data");

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100000,1000000,8000000" },
    runs: { type: "string", default: "3" },
    "scan-only": { type: "boolean", default: false },
    sections: { type: "string", default: "cold,list,wait,waves" },
    "cold-runs": { type: "string", default: "9" },
  },
});
const sizes = values.sizes.split(",").map(Number);
const runs = Math.max(1, Number(values.runs));
const node = process.env["BENCH_NODE"] ?? process.execPath;
const entry = process.env["BENCH_ACTION"] ?? ACTION_ENTRY;

console.log(`Action: ${entry} on ${node} (${(await timed(node, ["--version"])).stdout.trim()})`);
await warnIfStale();
const sections = new Set(values.sections.split(","));
if (sections.has("cold") && !values["scan-only"]) {
  printCold(await coldRollouts(node, entry, Math.max(1, Number(values["cold-runs"]))));
}
if (sections.has("list")) await deviceLists();
if (sections.has("waves") && !values["scan-only"]) {
  const run = await fiveWaves(node, entry);
  printWaves(run);
  if (run.code !== 0) process.exitCode = 1;
}
if (sections.has("wait") && !values["scan-only"]) {
  const plan = planMillion(); // First, while this process's heap is small.
  const run = await followedRollout(node, entry);
  printWait(run, plan);
  if (run.code !== 0) process.exitCode = 1;
}

async function deviceLists(): Promise<void> {
  const emulator = values["scan-only"] ? undefined : await startEmulator();
  const rows: Row[] = [];
  try {
    for (const names of sizes) rows.push(await measure(names, emulator));
  } finally {
    await emulator?.close();
  }
  console.log("\nDevice lists:");
  printTable(rows);
  if (rows.some((row) => row.failure !== undefined)) process.exitCode = 1;
}

async function measure(names: number, emulator: Emulator | undefined): Promise<Row> {
  const path = join(DATA, `devices-${names}.txt`);
  if (await ensureList(path, names)) console.log(`Generated ${relative(ROOT, path)}.`);
  await md5sum(path); // Reads the file into the page cache: every contender starts warm.
  const yardstick = median(await repeat(() => md5sum(path)));
  const scan = median(await repeat(() => scanOnce(node, path)));
  const row: Row = {
    names,
    bytes: listBytes(names),
    md5sum: yardstick.seconds,
    scan: scan.seconds,
  };
  if (scan.deviceCount !== names || scan.size !== row.bytes) {
    row.failure = `scan found ${scan.deviceCount} devices in ${scan.size} bytes; expected ${names} in ${row.bytes}`;
  }
  if (emulator === undefined || row.failure !== undefined) return row;
  const action = await repeat(() => runAction(emulator, path));
  row.action = median(action).seconds;
  row.peakRssMiB = Math.max(...action.map((run) => run.peakRssMiB));
  const failure = action.map((run) => checkRun(run, emulator, yardstick.md5)).find(Boolean);
  if (failure !== undefined) row.failure = failure;
  return row;
}

function runAction(emulator: Emulator, path: string): Promise<ActionRun> {
  return runActionMeasured(
    node,
    entry,
    {
      "product-id": SAMPLE_PRODUCT_ID,
      "firmware-version": "2.0.0",
      "device-list": relative(ROOT, path),
      "secret-id": emulator.credentials.secretId,
      "secret-key": emulator.credentials.secretKey,
      endpoint: emulator.url,
    },
    ROOT,
  );
}

/** Why a run does not count as a rollout of this file, or undefined when it does. */
function checkRun(run: ActionRun, emulator: Emulator, md5: string): string | undefined {
  if (run.code !== 0 || run.errors.length > 0) {
    const why = run.errors[0] ?? run.stderr.trim().split("\n").at(-1) ?? "";
    return `the action failed (exit ${run.code}): ${why}`;
  }
  const taskId = Number(run.outputs["task-id"]);
  const task = emulator.tasks.find((candidate) => candidate.taskId === taskId);
  const upload = task?.fileName === undefined ? undefined : emulator.uploads.get(task.fileName);
  if (upload?.md5 !== md5) return `task ${taskId} does not refer to an upload of this file`;
  return undefined;
}

async function repeat<T>(run: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < runs; i++) results.push(await run());
  return results;
}

function median<T extends { seconds: number }>(results: T[]): T {
  const sorted = [...results].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

// The bench runs dist/index.js as it is; a bundle older than src/ measures old code.
async function warnIfStale(): Promise<void> {
  if (entry !== ACTION_ENTRY) return;
  const bundled = (await stat(ACTION_ENTRY)).mtimeMs;
  const sources = await readdir(join(ROOT, "src"), { recursive: true, withFileTypes: true });
  for (const file of sources) {
    if (!file.isFile()) continue;
    const source = join(file.parentPath, file.name);
    if ((await stat(source)).mtimeMs > bundled) {
      console.log(`Note: ${relative(ROOT, source)} is newer than dist/index.js (npm run bundle).`);
      return;
    }
  }
}
