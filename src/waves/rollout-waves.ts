import * as core from "@actions/core";
import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { listTasksBefore } from "../create-task.js";
import type { ScannedList } from "../device-list/scan.js";
import { uploadList } from "../device-list.js";
import { ActionError } from "../errors.js";
import { resultCounts, type FollowResult } from "../follow-task.js";
import type { Inputs } from "../inputs.js";
import { setOutputs } from "../outputs.js";
import { clock, type Outcome } from "../progress.js";
import type { WaveReport } from "../report.js";
import type { RunContext } from "../rollout.js";
import { createTask, follow, nameTask, type Task } from "../task-steps.js";
import type { TencentClient } from "../tencent/client.js";
import type { BatchUpdateFirmwareRequest } from "../tencent/iotvideo.js";
import type { RetryPolicy } from "../tencent/retry.js";
import { cancelNotStarted } from "./cancel-wave.js";
import { devicesByTask, waveTask } from "./existing.js";
import { listNames } from "./list-names.js";
import { NameList } from "./name-list.js";
import { planWaves, type Wave } from "./plan.js";
import type { WaveSettings } from "./settings.js";

/**
 * Waves of at most this many devices are sent by DeviceNames, bigger ones as an uploaded list.
 * Tencent documents no limit on DeviceNames; 500 names keep the request far below any body limit
 * (about 25 KB), and a list file is what the API offers for more.
 */
export const NAMES_LIMIT = 500;
const SHOWN_NAMES = 3;

/** What a wave run needs besides the run's context. */
export interface WaveContext extends RunContext {
  client: TencentClient;
  policy: RetryPolicy;
  scanned: ScannedList | undefined;
}

/**
 * A progressive rollout: the waves planned from the target, the tasks earlier runs made found
 * from Tencent's device rows, then wave after wave created exactly once and followed, the next
 * one only after the last passed and wave-pause. A failing wave stops it (and with cancel, its
 * devices that have not started are cancelled).
 */
export async function rolloutInWaves(
  inputs: Inputs,
  settings: WaveSettings,
  ctx: WaveContext,
): Promise<void> {
  const { client, policy, report } = ctx;
  const names = ctx.scanned
    ? await listNames(ctx.scanned)
    : NameList.fromStrings(inputs.target.kind === "devices" ? inputs.target.deviceNames : []);
  const waves = planWaves(names, inputs.firmwareVersion, settings.sizes, settings.canaries);
  if (ctx.scanned) {
    // Each wave uploads a list of its own; the whole file is never uploaded, so it has no FileMd5.
    setOutputs({
      "device-count": String(ctx.scanned.deviceCount),
      "device-list-size": String(ctx.scanned.size),
    });
  }
  const rows = await devicesByTask(client, inputs.productId, inputs.firmwareVersion, policy);
  const earlier = waves.map((wave) => waveTask(wave, rows));
  report.waves = waves.map((wave, i) => ({
    number: wave.number,
    devices: wave.size,
    canary: wave.canary,
    firstNames: wave.names(SHOWN_NAMES),
    ...(earlier[i] === undefined ? {} : { taskId: earlier[i], origin: "earlier run" as const }),
    verdict: "not started",
  }));
  core.info(`The rollout has ${waves.length} wave(s): ${waves.map(describeWave).join("; ")}.`);
  for (const [i, wave] of waves.entries()) {
    if (earlier[i] !== undefined) core.info(`Wave ${wave.number} already has task ${earlier[i]}.`);
  }
  if (inputs.dryRun) {
    report.status = "dry-run";
    setOutputs({ status: "dry-run", "waves-total": String(waves.length) });
    return;
  }
  let created = 0;
  const tasks: number[] = [];
  const totals: Outcome = { total: 0, succeeded: 0, failed: 0, pending: 0 };
  try {
    for (const [i, wave] of waves.entries()) {
      const entry = report.waves[i]!;
      let taskId = earlier[i];
      if (taskId === undefined) {
        if (created >= settings.perRun) {
          entry.verdict = "next run";
          core.info(
            `waves-per-run (${settings.perRun}) reached: wave ${wave.number} and later are for the next run.`,
          );
          break;
        }
        if (created > 0 || i > 0) await pause(settings, wave, ctx);
        const task = await createWave(inputs, wave, ctx);
        created++;
        taskId = task.taskId;
        entry.taskId = taskId;
        entry.origin = task.origin === "found" ? "found" : "created";
        nameTask(task, inputs);
      } else {
        core.info(`Following wave ${wave.number}'s task ${taskId}, created by an earlier run.`);
      }
      tasks.push(taskId);
      ctx.watch.at({ step: "waiting", taskId });
      const started = ctx.clock.now();
      const result = await follow(client, inputs, inputs.wait!, taskId, ctx, policy);
      entry.durationMs = ctx.clock.now() - started;
      entry.counts = resultCounts(result);
      add(totals, entry.counts);
      entry.verdict = verdictOf(result);
      if (entry.verdict !== "passed") {
        await stop(inputs, settings, waves, i, taskId, result, ctx);
      }
      core.info(
        `Wave ${wave.number} passed: ${entry.counts.succeeded} of ${entry.counts.total} devices upgraded, ${entry.counts.failed} failed, ${entry.counts.pending} pending.`,
      );
    }
  } finally {
    const completed = report.waves.filter((wave) => wave.verdict === "passed").length;
    setOutputs({
      "task-ids": tasks.join(","),
      "waves-completed": String(completed),
      "waves-total": String(waves.length),
      "devices-total": String(totals.total),
      "devices-succeeded": String(totals.succeeded),
      "devices-failed": String(totals.failed),
      "devices-pending": String(totals.pending),
    });
  }
  report.status = "succeeded";
  setOutputs({ status: "succeeded" });
  const done = report.waves.filter((wave) => wave.verdict === "passed").length;
  if (done < waves.length) {
    core.info(`${done} of ${waves.length} waves done; a later run with the same inputs goes on.`);
  }
}

function describeWave(wave: Wave): string {
  const shown = wave.names(SHOWN_NAMES).join(", ");
  const more = wave.size > SHOWN_NAMES ? ", …" : "";
  return `${wave.number}${wave.canary ? " (canary)" : ""}: ${wave.size} device(s) (${shown}${more})`;
}

async function pause(settings: WaveSettings, wave: Wave, ctx: WaveContext): Promise<void> {
  if (settings.pauseMs <= 0 || wave.number === 1) return;
  core.info(`Soaking for ${clock(settings.pauseMs)} (wave-pause) before wave ${wave.number}.`);
  ctx.watch.at({ step: "pausing", wave: wave.number });
  await ctx.clock.sleep(settings.pauseMs);
  if (ctx.watch.cancelled()) {
    throw new ActionError(`The step was cancelled before wave ${wave.number} was created.`);
  }
}

/** One wave's task, created exactly once: by DeviceNames when small, as an uploaded list when big. */
async function createWave(inputs: Inputs, wave: Wave, ctx: WaveContext): Promise<Task> {
  const { client, policy } = ctx;
  const base = {
    ProductID: inputs.productId,
    FirmwareVersion: inputs.firmwareVersion,
    UpgradeMethod: inputs.upgradeMethod,
  };
  const before = await listTasksBefore(client, base, policy);
  let request: BatchUpdateFirmwareRequest;
  if (wave.size <= NAMES_LIMIT) {
    request = { ...base, DeviceNames: wave.names() };
  } else {
    const path = join(
      process.env["RUNNER_TEMP"] ?? process.cwd(),
      `wave-${wave.number}-${process.pid}.txt`,
    );
    await writeFile(path, wave.lines());
    const target = { kind: "file" as const, path, absolutePath: path };
    const scanned = await waveList(path, wave);
    ctx.watch.at({ step: "uploading" });
    const list = await uploadList(
      client,
      { ...inputs, target },
      scanned,
      policy,
      ctx.dispatchers,
      false,
    );
    request = { ...base, FileName: list.fileName, FileMd5: list.md5, FileSize: list.size };
  }
  core.info(`Creating wave ${wave.number}: ${wave.size} device(s).`);
  return createTask(
    client,
    request,
    before,
    policy,
    ctx,
    inputs.requestTimeoutMs,
    `wave ${wave.number} (${wave.size} devices)`,
  );
}

/**
 * A wave's list as the upload wants it, without scanning it again: its names come from the
 * checked target already, one per LF-ended line, and are known to be distinct.
 */
async function waveList(path: string, wave: Wave): Promise<ScannedList> {
  const { size, mtimeMs, ino } = await stat(path);
  return {
    path,
    deviceCount: wave.size,
    size,
    version: { size, mtimeMs, ino },
    normalized: false,
    duplicates: { count: 0, names: 0, examples: [], checked: wave.size, complete: true },
  };
}

function verdictOf(result: FollowResult): WaveReport["verdict"] {
  switch (result.decision.kind) {
    case "succeeded":
      return "passed";
    case "failed":
      return "failed";
    case "timed-out":
      return "timed-out";
    case "cancelled":
      return "cancelled";
  }
}

/** A wave that did not pass stops the rollout; with cancel, its devices that have not started are cancelled. */
async function stop(
  inputs: Inputs,
  settings: WaveSettings,
  waves: Wave[],
  index: number,
  taskId: number,
  result: FollowResult,
  ctx: WaveContext,
): Promise<never> {
  const wave = waves[index]!;
  const counts = resultCounts(result);
  const later = waves.slice(index + 1).reduce((sum, w) => sum + w.size, 0);
  let cancelled = "";
  if (settings.onFailure === "cancel" && result.decision.kind === "failed") {
    ctx.watch.at({ step: "cancelling", taskId, wave: wave.number });
    const report = await cancelNotStarted(
      ctx.client,
      { productId: inputs.productId, firmwareVersion: inputs.firmwareVersion, taskId },
      ctx.policy,
    );
    cancelled = ` Cancelled ${report.cancelled} of its devices that had not started${report.skipped > 0 ? ` (${report.skipped} had moved on)` : ""}${report.failed > 0 ? `; ${report.failed} could not be cancelled` : ""}.`;
  }
  const why = {
    failed: `${counts.failed} device(s) failed, more than max-failed-devices allows`,
    "timed-out": `it was still upgrading ${counts.pending} device(s) when wait-timeout passed`,
    cancelled: "the step was cancelled",
    succeeded: "",
  }[result.decision.kind];
  throw new ActionError(
    `Wave ${wave.number} (task ${taskId}) stopped the rollout: ${why}. No further wave was created; ${later} device(s) of later waves never got the firmware.${cancelled}`,
  );
}

function add(total: Outcome, part: Outcome): void {
  total.total += part.total;
  total.succeeded += part.succeeded;
  total.failed += part.failed;
  total.pending += part.pending;
}
