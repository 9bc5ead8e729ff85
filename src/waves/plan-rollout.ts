import * as core from "@actions/core";
import type { ScannedList } from "../target/list-file/scan.js";
import type { Inputs } from "../inputs/read-inputs.js";
import { userValue } from "../report/outside-text.js";
import { distinctNames, type Repeats } from "./distinct-names.js";
import { listNames } from "./list-names.js";
import { NameList } from "./name-list.js";
import { planWaves, type Wave } from "./plan.js";
import { refuseStrangers, type WaveSettings } from "./settings.js";

/** How a warning quotes a name from a list file: a name is data, never a workflow command. */
const MAX_SHOWN_NAME = 100;

/**
 * The waves of a progressive rollout, planned whole before the first request: the target's
 * names read (a device-list file through the same code as its upload), each kept once with one
 * warning when some repeat, canaries outside the target refused. Sends nothing.
 */
export async function planRollout(
  inputs: Pick<Inputs, "target" | "firmwareVersion">,
  settings: Pick<WaveSettings, "sizes" | "canaries">,
  scanned: ScannedList | undefined,
): Promise<Wave[]> {
  const { target } = inputs;
  const names = scanned
    ? await listNames(scanned)
    : NameList.fromStrings(target.kind === "devices" ? target.deviceNames : []);
  const source = target.kind === "file" ? `device-list ${target.path}` : "device-names";
  const { waves, repeats } = exactPlan(names, inputs.firmwareVersion, settings, source);
  if (repeats.names > 0) core.warning(describeRepeats(repeats, source));
  return waves;
}

/**
 * Pure: the waves of `names` (the target, in `source`), each device in exactly one wave: repeated
 * names are dropped (the first one stays) and a canary that is not in the target is an
 * InputError. The repeats are returned for the caller to report.
 */
export function exactPlan(
  names: NameList,
  version: string,
  settings: Pick<WaveSettings, "sizes" | "canaries">,
  source: string,
): { waves: Wave[]; repeats: Repeats } {
  const { list, repeats } = checkedTarget(names, settings.canaries, source);
  return { waves: planWaves(list, version, settings.sizes, settings.canaries), repeats };
}

// Its own function so the lookup table is garbage before the waves are planned.
function checkedTarget(
  names: NameList,
  canaries: readonly string[],
  source: string,
): { list: NameList; repeats: Repeats } {
  const distinct = distinctNames(names);
  refuseStrangers(canaries, (name) => distinct.has(name), source);
  return { list: distinct.list, repeats: distinct.repeats };
}

/** "device-list fleet.txt names 37 devices more than once (41 extra lines; first: …): …" */
export function describeRepeats(repeats: Repeats, source: string): string {
  const shown = repeats.examples.map((name) => userValue(name, MAX_SHOWN_NAME)).join(", ");
  const more = repeats.names > repeats.examples.length ? ", …" : "";
  return (
    `${source} names ${repeats.names} device(s) more than once ` +
    `(${repeats.dropped} extra entr${repeats.dropped === 1 ? "y" : "ies"}; first: ${shown}${more}): ` +
    "each is planned once."
  );
}
