// `npm run bench -- --sections waves`: a progressive rollout of a 100,000-name device list in
// five waves, the bundled action as a process against the emulator, with its peak RSS (the
// device-list memory target is 120 MiB) and the tasks it made.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../test/emulator/index.js";
import { sampleInputs } from "../test/support/sample-inputs.js";
import { startGitHubStandIn, type GitHubStandIn } from "../test/support/github/standin.js";
import { runActionMeasured, type ActionRun } from "./measure.js";

export const WAVES = "1%, 10%, 50%, 90%, 100%";

/** One five-wave rollout of `count` names; devices the emulator does not know finish at once. */
export async function fiveWaves(
  node: string,
  entry: string,
  count = 100_000,
): Promise<ActionRun & { tasks: number }> {
  return withFleetFile(count, async (emulator, inputs, dir) => {
    const run = await runActionMeasured(node, entry, inputs, dir);
    return { ...run, tasks: emulator.tasks.length };
  });
}

/**
 * The same rollout resumed: a first run makes four waves (waves-per-run), and the measured run
 * finds their tasks, follows them and makes the fifth. Without a deployment record (`ledger`
 * false) it reads the tasks back from the version's device rows; with one, from the statuses
 * the first run posted to a GitHub stand-in, confirmed against Tencent's task list.
 */
export async function resumedWaves(
  node: string,
  entry: string,
  ledger = false,
  count = 100_000,
): Promise<
  ActionRun & { tasks: number; rows: number; callsBeforeCreate: number; githubCalls: number }
> {
  const github = ledger ? await startGitHubStandIn() : undefined;
  try {
    return await withFleetFile(count, async (emulator, inputs, dir) => {
      const env = github === undefined ? {} : githubEnv(github);
      const withToken = github === undefined ? inputs : { ...inputs, "github-token": github.token };
      const first = await runActionMeasured(
        node,
        entry,
        { ...withToken, "waves-per-run": "4" },
        dir,
        env,
      );
      if (first.code !== 0) {
        return {
          ...first,
          tasks: emulator.tasks.length,
          rows: 0,
          callsBeforeCreate: 0,
          githubCalls: 0,
        };
      }
      const rows = emulator.tasks.reduce(
        (sum, t) => sum + emulator.taskDevices(t.taskId).length,
        0,
      );
      const from = emulator.requests.length;
      const githubFrom = github?.requests.length ?? 0;
      const run = await runActionMeasured(node, entry, withToken, dir, env);
      // IoT Video calls of the resumed run before it asks for the fifth wave's upload or task.
      const calls = emulator.requests.slice(from);
      const create = calls.findIndex((r) =>
        /^(CreateTaskFileUrl|BatchUpdateFirmware)$/.test(r.action ?? ""),
      );
      const callsBeforeCreate = create === -1 ? calls.length : create;
      const githubCalls = (github?.requests.length ?? 0) - githubFrom;
      return { ...run, tasks: emulator.tasks.length, rows, callsBeforeCreate, githubCalls };
    });
  } finally {
    await github?.close();
  }
}

/** The runner's variables that point the action at a GitHub stand-in. */
export function githubEnv(github: GitHubStandIn): NodeJS.ProcessEnv {
  return {
    GITHUB_REPOSITORY: "bench/fleet",
    GITHUB_API_URL: github.url,
    GITHUB_RUN_ID: "1",
    GITHUB_REF_TYPE: "tag",
    GITHUB_REF_NAME: "v2.0.0",
    GITHUB_SHA: "b".repeat(40),
  };
}

async function withFleetFile<T>(
  count: number,
  body: (emulator: Emulator, inputs: Record<string, string>, dir: string) => Promise<T>,
): Promise<T> {
  const emulator = await startEmulator({ deviceStepMs: 1 });
  const dir = await mkdtemp(join(tmpdir(), "bench-waves-"));
  try {
    const names = Array.from({ length: count }, (_, i) => `cam-${String(i).padStart(8, "0")}`);
    await writeFile(join(dir, "fleet.txt"), `${names.join("\n")}\n`);
    const inputs = sampleInputs(emulator, {
      "device-list": "fleet.txt",
      waves: WAVES,
      "poll-interval": "5s",
    });
    return await body(emulator, inputs, dir);
  } finally {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function printWaves(run: ActionRun & { tasks: number }, count = 100_000): void {
  console.log(`\nProgressive rollout: ${count.toLocaleString("en")} names in waves ${WAVES}`);
  console.log(
    `  exit ${run.code}, ${run.tasks} task(s), outputs waves-completed=${run.outputs["waves-completed"] ?? "?"}`,
  );
  console.log(
    `  wall ${run.seconds.toFixed(1)} s, peak RSS ${run.peakRssMiB.toFixed(0)} MiB (target <= 120)`,
  );
}

export function printResumed(
  run: ActionRun & { tasks: number; rows: number; callsBeforeCreate: number; githubCalls: number },
  ledger = false,
): void {
  const how = ledger
    ? `from the deployment's record, ${run.githubCalls} GitHub calls`
    : `${run.rows.toLocaleString("en")} device rows read back`;
  console.log(
    `  resumed after four waves (${how}): exit ${run.code}, ${run.tasks} task(s), ${run.callsBeforeCreate} IoT Video calls before the next create, wall ${run.seconds.toFixed(1)} s, peak RSS ${run.peakRssMiB.toFixed(0)} MiB (target <= 120)`,
  );
}
