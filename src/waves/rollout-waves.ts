import * as core from "@actions/core";
import type { ScannedList } from "../target/list-file/scan.js";
import { ActionError } from "../run/errors.js";
import { resultCounts, type FollowResult } from "../follow/follow-task.js";
import { describeGate, type Gate, type Outcome } from "../follow/judge.js";
import { setOutputs } from "../report/outputs.js";
import { forLog } from "../report/outside-text.js";
import { formatDuration } from "../follow/progress.js";
import type { WaveReport } from "../report/run-report.js";
import type { StepContext } from "../run/context.js";
import { follow } from "../follow/follow.js";
import { nameTask } from "../task/create-task.js";
import { createWave } from "./create-wave.js";
import type { Wave } from "./plan.js";
import type { VersionRows, WaveTask } from "./resume.js";
import { earlierWaves } from "./earlier-waves.js";
import { planDigest } from "./plan-digest.js";
import { upgradedOf, waveLine } from "../deployment/ledger.js";
import type { WaveSettings } from "./settings.js";
import { noteLeftBehind, stopRollout } from "./stop.js";

const SHOWN_NAMES = 3;

/** What a wave run needs besides the step context. */
export interface WaveContext extends StepContext {
  scanned: ScannedList | undefined;
  /** The plan, made before the first request (plan-rollout.ts). */
  waves: Wave[];
}

/**
 * A progressive rollout: the waves planned from the target, the tasks earlier runs made found
 * from Tencent's device rows, then wave after wave created exactly once and followed until its
 * gate proves success, the next one only wave-pause after the last passed. A wave that does not
 * pass stops it (and with cancel, its devices that have not started are cancelled).
 */
export async function rolloutInWaves(settings: WaveSettings, ctx: WaveContext): Promise<void> {
  const { inputs } = ctx;
  const { report, waves } = ctx;
  if (ctx.scanned) {
    // Each wave uploads a list of its own; the whole file is never uploaded, so it has no FileMd5.
    setOutputs({
      // Distinct devices: a name repeated in the file is planned (and counted) once.
      "device-count": String(waves.reduce((sum, wave) => sum + wave.size, 0)),
      "device-list-size": String(ctx.scanned.size),
    });
  }
  ctx.deployment.plan = planDigest(waves);
  const { tasks: earlier, rows, count } = await earlierWaves(waves, ctx);
  report.waves = waves.map((wave, i) => ({
    number: wave.number,
    devices: wave.size,
    canary: wave.canary,
    firstNames: wave.names(SHOWN_NAMES),
    ...(earlier[i] === undefined
      ? {}
      : { taskId: earlier[i].taskId, origin: "earlier run" as const }),
    verdict: "not started",
  }));
  core.info(`The rollout has ${waves.length} wave(s): ${waves.map(describeWave).join("; ")}.`);
  for (const [i, wave] of waves.entries()) {
    const found = earlier[i];
    if (found !== undefined) core.info(`Wave ${wave.number} already has task ${found.taskId}.`);
  }
  if (inputs.dryRun) {
    report.status = "dry-run";
    setOutputs({ "waves-total": String(waves.length) });
    return;
  }
  const run = new WaveRun(settings, ctx);
  try {
    for (const [i, wave] of waves.entries()) {
      const going = await run.wave(i, wave, earlier[i], rows, count);
      if (!going) break;
    }
  } finally {
    run.setOutputs();
  }
  report.status = "succeeded";
  const done = report.waves.filter((wave) => wave.verdict === "passed").length;
  if (done < waves.length) {
    core.info(`${done} of ${waves.length} waves done; a later run with the same inputs goes on.`);
  }
}

/** The waves of one run: how many it created, when the last one passed, what they add up to. */
class WaveRun {
  private created = 0;
  /** When the previous wave passed (run's clock, ms); undefined before any. */
  private passedAt: number | undefined;
  private readonly tasks: number[] = [];
  private readonly totals: Outcome = {
    total: 0,
    succeeded: 0,
    failed: 0,
    pending: 0,
    cancelled: 0,
  };

  constructor(
    private readonly settings: WaveSettings,
    private readonly ctx: WaveContext,
  ) {}

  /** Creates (or finds) and follows one wave; false when the run creates no more waves. */
  async wave(
    i: number,
    wave: Wave,
    found: WaveTask | undefined,
    rows: VersionRows,
    count: (taskId: number) => Promise<number>,
  ): Promise<boolean> {
    const entry = this.ctx.report.waves![i]!;
    let taskId = found?.taskId;
    let devices = found?.devices ?? wave.size;
    if (taskId === undefined) {
      if (this.created >= this.settings.perRun) {
        entry.verdict = "next run";
        core.info(
          `waves-per-run (${this.settings.perRun}) reached: wave ${wave.number} and later are for the next run.`,
        );
        return false;
      }
      await this.pause(wave);
      const made = await createWave(wave, rows, count, this.ctx);
      this.created++;
      ({ taskId } = made.task);
      devices = made.devices;
      // This run knows the new task is this wave's: later waves must not wait for its rows.
      rows.set(taskId, { devices: new Set(), lastUpgradeS: 0, wave: wave.number });
      entry.taskId = taskId;
      entry.origin = made.task.origin === "found" ? "found" : "created";
      nameTask(made.task, this.ctx.inputs);
      await this.note(wave, taskId, `created: ${devices.toLocaleString("en")} devices`);
    } else {
      core.info(`Following wave ${wave.number}'s task ${taskId}, created by an earlier run.`);
    }
    this.tasks.push(taskId);
    this.ctx.watch.at({ step: "waiting", taskId, wave: wave.number });
    const gate = this.gate(wave, devices);
    const started = this.ctx.clock.now();
    const result = await follow(this.ctx, gate, taskId);
    this.record(entry, result, started);
    if (entry.verdict !== "passed") {
      return stopRollout(this.settings, i, entry, result, this.ctx);
    }
    // A wave found passed counts from its last upgrade, so a resumed run does not soak again.
    this.passedAt = Math.min(this.ctx.clock.now(), found?.lastUpgradeMs ?? Infinity);
    core.info(`Wave ${wave.number} passed: ${entry.gate}.`);
    if (found?.passRecorded !== true) {
      const counts = entry.counts!;
      await this.note(wave, taskId, `passed: ${upgradedOf(counts.succeeded, counts.total)}`);
    }
    noteLeftBehind(wave, result);
    return true;
  }

  /** A status on the rollout's deployment: the record a later run reads the waves' tasks from. */
  private async note(wave: Wave, taskId: number, what: string): Promise<void> {
    const waves = this.ctx.waves.length;
    await this.ctx.deployment.progress(waveLine(wave.number, waves, taskId, what));
  }

  /** The gate of a wave of `devices` devices: every canary by default, wave-success for the rest. */
  private gate(wave: Wave, devices: number): Gate {
    const threshold = wave.canary ? this.settings.canarySuccess : this.settings.success;
    return {
      maxFailed: this.ctx.inputs.wait!.maxFailed,
      success: threshold,
      expected: devices,
    };
  }

  private record(entry: WaveReport, result: FollowResult, started: number): void {
    entry.durationMs = this.ctx.clock.now() - started;
    entry.counts = resultCounts(result);
    entry.gate = describeGate(result.counts, result.findings, result.gate);
    entry.follow = result;
    for (const key of Object.keys(this.totals) as Array<keyof Outcome>) {
      this.totals[key] += entry.counts[key];
    }
    entry.verdict = result.decision.kind === "succeeded" ? "passed" : result.decision.kind;
  }

  /** wave-pause, counted from when the previous wave passed. */
  private async pause(wave: Wave): Promise<void> {
    const { pauseMs } = this.settings;
    if (pauseMs <= 0 || wave.number === 1 || this.passedAt === undefined) return;
    const left = this.passedAt + pauseMs - this.ctx.clock.now();
    if (left <= 0) return;
    this.ctx.watch.at({ step: "pausing", wave: wave.number });
    const since =
      pauseMs - left > 1000
        ? `, wave ${wave.number - 1} passed ${formatDuration(pauseMs - left)} ago`
        : "";
    core.info(
      `Soaking for ${formatDuration(left)} (wave-pause ${formatDuration(pauseMs)}${since}) before wave ${wave.number}.`,
    );
    await this.ctx.clock.sleep(left);
    if (this.ctx.watch.cancelled()) {
      throw new ActionError(
        `The step was cancelled during wave-pause, before wave ${wave.number} was created. Run the job again with the same inputs to go on from wave ${wave.number}.`,
      );
    }
  }

  setOutputs(): void {
    const waves = this.ctx.report.waves ?? [];
    const last = this.tasks[this.tasks.length - 1];
    setOutputs(
      {
        "task-ids": this.tasks.join(","),
        "waves-completed": String(waves.filter((wave) => wave.verdict === "passed").length),
        "waves-total": String(waves.length),
        "devices-total": String(this.totals.total),
        "devices-succeeded": String(this.totals.succeeded),
        "devices-failed": String(this.totals.failed),
        "devices-pending": String(this.totals.pending),
        // A run that only followed earlier waves still names the task it followed last.
        ...(this.created === 0 && last !== undefined ? { "task-id": String(last) } : {}),
      },
      last,
    );
  }
}

function describeWave(wave: Wave): string {
  const shown = wave
    .names(SHOWN_NAMES)
    .map((name) => forLog(name, 64))
    .join(", ");
  const more = wave.size > SHOWN_NAMES ? ", …" : "";
  return `${wave.number}${wave.canary ? " (canary)" : ""}: ${wave.size} device(s) (${shown}${more})`;
}
