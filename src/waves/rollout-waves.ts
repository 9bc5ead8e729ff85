import * as core from "@actions/core";
import type { ScannedList } from "../target/list-file/scan.js";
import { setOutputs } from "../report/outputs.js";
import { forLog } from "../report/outside-text.js";
import type { StepContext } from "../run/context.js";
import type { Wave } from "./plan.js";
import { earlierWaves } from "./earlier-waves.js";
import { planDigest } from "./plan-digest.js";
import type { WaveSettings } from "./settings.js";
import { WaveRun } from "./wave-run.js";

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

function describeWave(wave: Wave): string {
  const shown = wave
    .names(SHOWN_NAMES)
    .map((name) => forLog(name, 64))
    .join(", ");
  const more = wave.size > SHOWN_NAMES ? ", …" : "";
  return `${wave.number}${wave.canary ? " (canary)" : ""}: ${wave.size} device(s) (${shown}${more})`;
}
