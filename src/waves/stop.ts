import * as core from "@actions/core";
import { ActionError } from "../run/errors.js";
import { NAMED_IN_LOG, nameDevices } from "../follow/device-findings.js";
import { forLog } from "../report/outside-text.js";
import { resultCounts, type FollowResult } from "../follow/follow-task.js";
import { describeGate } from "../follow/judge.js";
import type { Inputs } from "../inputs/read-inputs.js";
import { formatDuration } from "../follow/progress.js";
import type { WaveReport } from "../report/run-report.js";
import { cancelNotStarted, type CancelReport } from "./cancel-wave.js";
import type { Wave } from "./plan.js";
import type { WaveContext } from "./rollout-waves.js";
import type { WaveSettings } from "./settings.js";

/**
 * A wave that did not pass stops the rollout: no later wave is created, and with
 * `on-failure: cancel` a failed wave's devices that have not started are cancelled, at any age
 * of the run. The error names the wave, the condition it broke in numbers, and its devices.
 */
export async function stopRollout(
  settings: WaveSettings,
  index: number,
  entry: WaveReport,
  result: FollowResult,
  ctx: WaveContext,
): Promise<never> {
  const { inputs, waves } = ctx;
  const wave = waves[index]!;
  const taskId = entry.taskId!;
  const later = waves.slice(index + 1).reduce((sum, w) => sum + w.size, 0);
  let cancelled = "";
  if (settings.onFailure === "cancel" && result.decision.kind === "failed") {
    ctx.watch.at({ step: "cancelling", taskId, wave: wave.number });
    const report = await cancelNotStarted(
      ctx.client,
      { productId: inputs.productId, firmwareVersion: inputs.firmwareVersion, taskId },
      ctx.policy,
    );
    entry.cancel = {
      cancelled: report.cancelled,
      skipped: report.skipped,
      failed: report.failures.length,
      notTried: report.notTried.length,
    };
    cancelled = ` ${describeCancel(report)}`;
  }
  throw new ActionError(
    `Wave ${wave.number} (task ${taskId}) stopped the rollout: ${why(inputs, result)}. No further wave was created; ${later} device(s) of later waves never got the firmware.${cancelled} Fix what stopped it, then run the job again with the same inputs: it follows the waves that have tasks and goes on from the first that has none.`,
  );
}

/** Pure: what the cancel did, naming the devices that will still take the firmware. */
export function describeCancel(report: CancelReport): string {
  const moved = report.skipped > 0 ? ` (${report.skipped} had moved on)` : "";
  const parts = [`Cancelled ${report.cancelled} of its devices that had not started${moved}.`];
  if (report.failures.length > 0) {
    const names = report.failures.slice(0, NAMED_IN_LOG).map((f) => forLog(f.name, 64));
    const more = report.failures.length - names.length;
    parts.push(
      `${report.failures.length} could not be cancelled and will still take the firmware: ${names.join(", ")}${more > 0 ? ` and ${more} more` : ""}.`,
    );
  }
  if (report.notTried.length > 0) {
    const names = report.notTried.slice(0, NAMED_IN_LOG).map((name) => forLog(name, 64));
    const more = report.notTried.length - names.length;
    parts.push(
      `${report.notTried.length} were not tried (${report.stopped ?? "stopped"}) and will still take the firmware unless cancelled in the console: ${names.join(", ")}${more > 0 ? ` and ${more} more` : ""}.`,
    );
  }
  return parts.join(" ");
}

/** Pure: why a wave did not pass, in numbers, with the devices that made it so. */
export function why(inputs: Inputs, result: FollowResult): string {
  const gate = describeGate(result.counts, result.findings, result.gate);
  const counts = resultCounts(result);
  const { failed, pending } = result.devices;
  const waited = formatDuration(inputs.wait!.timeoutMs);
  switch (result.decision.kind) {
    case "failed":
      if (result.decision.why === "failures") {
        return `${counts.failed} device(s) failed, more than max-failed-devices allows (${result.decision.allowed}); ${gate}. Failed: ${nameDevices(failed, counts.failed)}`;
      }
      return `too few devices can still upgrade to reach the gate (${gate})${failed.length > 0 ? `. Failed: ${nameDevices(failed, counts.failed)}` : ""}`;
    case "timed-out":
      if (result.decision.why === "unknown") return `${gate} when wait-timeout (${waited}) passed`;
      return `not enough devices upgraded when wait-timeout (${waited}) passed (${gate})${pending.length > 0 ? `. Not upgraded: ${nameDevices(pending, counts.pending)}` : ""}`;
    case "cancelled":
      return "the step was cancelled";
    case "succeeded":
      return "";
  }
}

/** Logs the devices a passed wave left behind (failed within the threshold, or still pending). */
export function noteLeftBehind(wave: Wave, result: FollowResult): void {
  const counts = resultCounts(result);
  const { failed, pending } = result.devices;
  if (counts.failed > 0) {
    core.info(
      `Wave ${wave.number}: failed within max-failed-devices: ${nameDevices(failed, counts.failed)}.`,
    );
  }
  if (counts.pending > 0 && pending.length > 0) {
    core.info(`Wave ${wave.number}: not upgraded yet: ${nameDevices(pending, counts.pending)}.`);
  }
}
