import * as core from "@actions/core";
import type { LedgerWave } from "../deployment/ledger.js";
import { listTasksBefore } from "../task/create-once.js";
import type { StepContext } from "../run/context.js";
import type { Wave } from "./plan.js";
import { readVersionRows, taskSize, waveTask, type VersionRows, type WaveTask } from "./resume.js";

/** What a run knows of the waves earlier runs made. */
export interface EarlierWaves {
  /** Each wave's task, by the plan's order; undefined for a wave that has none yet. */
  tasks: Array<WaveTask | undefined>;
  rows: VersionRows;
  /** A task's device count, from its distribution (each asked once). */
  count: (taskId: number) => Promise<number>;
}

/**
 * The earlier waves' tasks: from the deployment's record when Tencent confirms it in a few
 * calls, else from the version's device rows (about one call per 100 devices of the version).
 */
export async function earlierWaves(waves: Wave[], ctx: StepContext): Promise<EarlierWaves> {
  const { client, policy, inputs } = ctx;
  const version = { productId: inputs.productId, firmwareVersion: inputs.firmwareVersion };
  const count = taskSize(client, version, policy);
  const ledger = await ctx.deployment.ledger(waves.length);
  const confirmed = ledger && (await confirmLedger(ledger, waves, count, ctx));
  if (confirmed !== undefined) return { ...confirmed, count };
  const rows = await readVersionRows(client, version, policy);
  const tasks: Array<WaveTask | undefined> = [];
  for (const wave of waves) tasks.push(await waveTask(wave, rows, count));
  return { tasks, rows, count };
}

/**
 * The recorded waves, when Tencent agrees: the version's task list (read whole) holds exactly
 * the recorded tasks, none more (a task the record lacks, say from a job killed before it
 * recorded, or made in the console, sends the run to the rows), and each recorded task holds
 * some devices, no more than its wave has.
 */
async function confirmLedger(
  ledger: Map<number, LedgerWave>,
  waves: Wave[],
  count: (taskId: number) => Promise<number>,
  ctx: StepContext,
): Promise<Omit<EarlierWaves, "count"> | undefined> {
  const { client, policy, inputs } = ctx;
  const base = { ProductID: inputs.productId, FirmwareVersion: inputs.firmwareVersion };
  const listed = await listTasksBefore(client, base, policy);
  const recorded = new Map([...ledger].map(([wave, entry]) => [entry.taskId, wave]));
  const unrecorded = [...listed.tasks.keys()].filter((id) => !recorded.has(id));
  const missing = [...recorded.keys()].filter((id) => !listed.tasks.has(id));
  if (!listed.complete || unrecorded.length > 0 || missing.length > 0) {
    const why = !listed.complete
      ? "the version's task list could not be read whole"
      : unrecorded.length > 0
        ? `task ${unrecorded.join(", ")} of firmware ${inputs.firmwareVersion} is not in it`
        : `its task ${missing.join(", ")} is not among the version's tasks`;
    core.info(`The deployment's record of the waves is not used (${why}): reading device rows.`);
    return undefined;
  }
  const tasks: Array<WaveTask | undefined> = waves.map(() => undefined);
  const rows: VersionRows = new Map();
  for (const [number, entry] of ledger) {
    const wave = waves[number - 1]!;
    const devices = await count(entry.taskId);
    if (devices === 0 || devices > wave.size) {
      core.info(
        `The deployment records task ${entry.taskId} for wave ${number} (${wave.size} devices), and Tencent counts ${devices} devices in it: reading device rows.`,
      );
      return undefined;
    }
    tasks[number - 1] = {
      taskId: entry.taskId,
      devices,
      ...(entry.passedAt === undefined
        ? {}
        : { lastUpgradeMs: entry.passedAt, passRecorded: true as const }),
    };
    rows.set(entry.taskId, { devices: new Set(), lastUpgradeS: 0, wave: number });
  }
  if (ledger.size > 0) {
    core.info(
      `The deployment records ${ledger.size} wave task(s), all confirmed by Tencent: no device rows read.`,
    );
  }
  return { tasks, rows };
}
