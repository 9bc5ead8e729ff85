import type { RunReport, WaveReport } from "../run-report.js";
import { devices, failure, firmwareOf, said, type Verdict } from "./reasons.js";

type Stop = Extract<WaveReport["verdict"], "failed" | "timed-out" | "cancelled">;
const STOPS: Record<Stop, string> = {
  failed: "failed",
  "timed-out": "timed out",
  cancelled: "cancelled",
};

/**
 * Pure: the verdict of a progressive rollout. ✅ every wave passed; ⏳ the waves this run was
 * allowed passed and the next run goes on; ❌ a wave stopped the rollout, or the run failed.
 */
export function wavesVerdict(report: RunReport, waves: WaveReport[]): Verdict {
  const firmware = firmwareOf(report);
  const of = `of ${waves.length}`;
  const stopped = waves.find((wave) => wave.verdict in STOPS);
  if (stopped !== undefined) {
    const how = STOPS[stopped.verdict as Stop];
    const title = `${firmware} rollout stopped at wave ${stopped.number} ${of}: ${how}`;
    return failure(report, title, stopped.follow, `Wave ${stopped.number}`);
  }
  const passed = waves.filter((wave) => wave.verdict === "passed");
  const left = waves.filter((wave) => wave.verdict !== "passed");
  if (report.error !== undefined || report.status === "failed") {
    const at = left[0] === undefined ? "" : ` at wave ${left[0].number} ${of}`;
    return failure(report, `${firmware} rollout failed${at}`, undefined, "");
  }
  if (left.length === 0) {
    const total = waves.reduce((sum, wave) => sum + wave.devices, 0);
    const title = `${firmware} rolled out to ${devices(total)} in ${waves.length} waves`;
    return said("✅", title, `All ${waves.length} waves passed: ${numbers(passed)}.`);
  }
  const last = passed[passed.length - 1];
  const done = last === undefined ? "no wave passed yet" : `wave ${last.number} ${of} passed`;
  const title = `${firmware} rollout in progress: ${done}, the next run goes on`;
  return said("⏳", title, `${sofar(passed)}${later(left, report)}.`);
}

/** "18 of 20 upgraded, 2 failed", with the pending when there are any. */
function numbers(waves: WaveReport[]): string {
  let upgraded = 0;
  let failed = 0;
  let pending = 0;
  let total = 0;
  for (const wave of waves) {
    upgraded += wave.counts?.succeeded ?? 0;
    failed += wave.counts?.failed ?? 0;
    pending += wave.counts?.pending ?? 0;
    total += wave.counts?.total ?? wave.devices;
  }
  const still = pending > 0 ? `, ${pending} pending` : "";
  return `${upgraded} of ${total} upgraded, ${failed} failed${still}`;
}

function sofar(passed: WaveReport[]): string {
  if (passed.length === 0) return "No wave has passed yet";
  const first = passed[0]!.number;
  const last = passed[passed.length - 1]!.number;
  const which = first === last ? `Wave ${first}` : `Waves ${first}–${last}`;
  return `${which} passed (${numbers(passed)})`;
}

/** "; waves 3–5 (80 devices) are for the next run (waves-per-run: 1)": never empty. */
function later(left: WaveReport[], report: RunReport): string {
  const first = left[0]!.number;
  const last = left[left.length - 1]!.number;
  const count = devices(left.reduce((sum, wave) => sum + wave.devices, 0));
  const which =
    first === last ? `wave ${first} (${count}) is` : `waves ${first}–${last} (${count}) are`;
  const perRun = report.inputs?.waves?.perRun;
  const cap = perRun !== undefined && Number.isFinite(perRun) ? ` (waves-per-run: ${perRun})` : "";
  return `; ${which} for the next run${cap}`;
}
