// Device lists: for 100k, 1M and 8M generated names, `md5sum` of the file (the yardstick), a cold
// scanDeviceList, and the bundled action rolling the list out against the emulator (scan, URL,
// upload, task) against a fresh emulator each time, in alternating rounds; medians, and the
// action's peak RSS.
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator, type Emulator } from "../test/emulator/index.js";
import { sampleInputs } from "../test/support/sample-inputs.js";
import { ensureList, listBytes } from "./generate.js";
import { md5sum, runActionMeasured, scanOnce, type ActionRun, type ScanRun } from "./measure.js";
import type { Row } from "./table.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DATA = join(ROOT, "bench", ".data");

export interface ListOptions {
  node: string;
  entry: string;
  sizes: number[];
  runs: number;
  /** Times scanDeviceList alone: no emulator, no action. */
  scanOnly: boolean;
}

/** One row per size, in the order given. */
export async function deviceLists(options: ListOptions): Promise<Row[]> {
  const rows: Row[] = [];
  for (const names of options.sizes) rows.push(await measure(options, names));
  return rows;
}

async function measure(options: ListOptions, names: number): Promise<Row> {
  const path = join(DATA, `devices-${names}.txt`);
  if (await ensureList(path, names)) console.log(`Generated ${relative(ROOT, path)}.`);
  await md5sum(path); // Reads the file into the page cache: every contender starts warm.
  const yardsticks: { seconds: number; md5: string }[] = [];
  const scans: ScanRun[] = [];
  const actions: Checked[] = [];
  for (let i = 0; i < options.runs; i++) {
    const yardstick = await md5sum(path);
    yardsticks.push(yardstick);
    scans.push(await scanOnce(options.node, path));
    if (!options.scanOnly) actions.push(await rollOut(options, path, yardstick.md5));
  }
  const yardstick = median(yardsticks);
  const scan = median(scans);
  const row: Row = {
    names,
    bytes: listBytes(names),
    md5sum: yardstick.seconds,
    scan: scan.seconds,
  };
  if (scan.deviceCount !== names || scan.size !== row.bytes) {
    row.failure = `scan found ${scan.deviceCount} devices in ${scan.size} bytes; expected ${names} in ${row.bytes}`;
  }
  if (options.scanOnly || row.failure !== undefined) return row;
  row.action = median(actions).seconds;
  row.peakRssMiB = Math.max(...actions.map((run) => run.peakRssMiB));
  const failure = actions.find((run) => run.failure !== undefined)?.failure;
  if (failure !== undefined) row.failure = failure;
  return row;
}

/** One action run and, when it does not count, why. */
type Checked = ActionRun & { failure?: string };

/** The action rolling the list out against an emulator of its own: every run starts afresh. */
async function rollOut(options: ListOptions, path: string, md5: string): Promise<Checked> {
  // A sink that only counts: the emulator's own MD5 would compete with the action for the CPU.
  // The task's FileMd5 (the action's MD5) stands as the upload's, and checkRun compares it.
  const emulator = await startEmulator({ hashUploads: false });
  try {
    const inputs = sampleInputs(emulator, { "device-list": relative(ROOT, path) });
    const run = await runActionMeasured(options.node, options.entry, inputs, ROOT);
    const failure = checkRun(run, emulator, md5);
    return failure === undefined ? run : { ...run, failure };
  } finally {
    await emulator.close();
  }
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

function median<T extends { seconds: number }>(results: T[]): T {
  const sorted = [...results].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
