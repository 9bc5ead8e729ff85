import * as core from "@actions/core";
import { ActionError } from "../run/errors.js";
import { resultCounts, type FollowResult } from "../follow/follow-task.js";
import { describeGate, type Gate, type Outcome } from "../follow/judge.js";
import { setOutputs } from "../report/outputs.js";
import { formatDuration } from "../follow/progress.js";
import type { WaveReport } from "../report/run-report.js";
import { follow } from "../follow/follow.js";
import { nameTask } from "../task/create-task.js";
import { upgradedOf, waveLine } from "../deployment/ledger.js";
import { createWave } from "./create-wave.js";
import type { Wave } from "./plan.js";
import type { VersionRows, WaveTask } from "./resume.js";
import type { WaveSettings } from "./settings.js";
import { noteLeftBehind, stopRollout } from "./stop.js";
import type { WaveContext } from "./rollout-waves.js";

/** The waves of one run: how many it created, when the last one passed, what they add up to. */
export class WaveRun {
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
    const waves = this.ctx.waves.length;
    const result = await follow(this.ctx, gate, taskId, (seen) =>
      waveLine(wave.number, waves, taskId, upgradedOf(seen.succeeded, seen.total)),
    );
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
