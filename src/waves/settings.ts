import { InputError } from "../run/errors.js";
import * as values from "../inputs/values.js";
import type { FailureThreshold } from "../inputs/values.js";
import type { Target } from "../inputs/read-inputs.js";
import { parseDeviceNames } from "../inputs/device-names.js";

/** One step of the waves input: a device count, or a share of the target list. */
export type WaveSize = { count: number } | { percent: number };

/** How a progressive rollout goes. */
export interface WaveSettings {
  /** Cumulative sizes; the last is 100%. */
  sizes: WaveSize[];
  /** Names that form a first wave of their own. */
  canaries: string[];
  pauseMs: number;
  onFailure: "stop" | "cancel";
  /** At most this many new waves per run (Infinity: all). */
  perRun: number;
  /** How many of a wave's devices must have upgraded before the next wave starts. */
  success: FailureThreshold;
  /** The same for the canary wave: every canary unless canary-success says otherwise. */
  canarySuccess: FailureThreshold;
}

/** The inputs of a progressive rollout, raw. */
export interface WaveInputs {
  waves: string;
  "canary-devices": string;
  "wave-pause": string;
  "on-failure": string;
  "waves-per-run": string;
  "wave-success": string;
  "canary-success": string;
}

export const WAVE_DEFAULTS = {
  "wave-pause": "0s",
  "on-failure": "stop",
  "wave-success": "95%",
  "canary-success": "100%",
} as const satisfies Partial<WaveInputs>;

const MAX_PAUSE_MS = 6 * 3_600_000;

/** Pure: the waves settings, or undefined when `waves` is empty. */
export function parseWaves(raw: WaveInputs, target: Target): WaveSettings | undefined {
  const spec = raw.waves.trim();
  const canaryText = raw["canary-devices"].trim();
  if (spec === "") {
    if (canaryText !== "") {
      throw new InputError(
        "canary-devices",
        canaryText,
        "Expected waves with it: canaries are the first wave of a progressive rollout.",
      );
    }
    return undefined;
  }
  if (
    target.kind === "original-version" ||
    (target.kind === "devices" && target.originalVersion !== undefined)
  ) {
    throw new InputError(
      "waves",
      spec,
      "Expected device-list or device-names (without firmware-original-version) with waves: waves are made of named devices.",
    );
  }
  const canaries = canaryText === "" ? [] : parseDeviceNames(canaryText, "canary-devices");
  if (target.kind === "devices") {
    const listed = new Set(target.deviceNames);
    refuseStrangers(canaries, (name) => listed.has(name), "device-names");
  }
  return {
    sizes: waveSizes(spec),
    canaries,
    pauseMs: values.duration("wave-pause", raw["wave-pause"].trim() || "0s", 0, MAX_PAUSE_MS),
    onFailure: onFailure(raw["on-failure"].trim() || "stop"),
    perRun: perRun(raw["waves-per-run"].trim()),
    success: successThreshold("wave-success", raw["wave-success"].trim() || "95%"),
    canarySuccess: successThreshold("canary-success", raw["canary-success"].trim() || "100%"),
  };
}

/**
 * Throws when a canary is not one of the target's devices: it would be upgraded outside the
 * rollout, and the waves would no longer add up to the target.
 */
export function refuseStrangers(
  canaries: readonly string[],
  listed: (name: string) => boolean,
  source: string,
): void {
  const strangers = canaries.filter((name) => !listed(name));
  if (strangers.length === 0) return;
  const which =
    strangers.length === 1
      ? "this one is not"
      : `${strangers.length} of the ${canaries.length} canaries are not, this one first`;
  throw new InputError(
    "canary-devices",
    strangers[0]!,
    `Expected each canary to be one of the devices of ${source} (canaries are the rollout's first wave); ${which}.`,
  );
}

/** "10, 5%, 25%, 100%" → cumulative sizes; growing, and ending at 100%. */
export function waveSizes(spec: string): WaveSize[] {
  const expected =
    "Expected cumulative wave sizes, counts or shares, growing and ending at 100%, such as 10, 5%, 25%, 100%.";
  const parts = spec.split(/[\s,]+/).filter((part) => part !== "");
  const sizes = parts.map((part): WaveSize => {
    const share = /^(\d+(?:\.\d+)?)%$/.exec(part);
    if (share !== null && Number(share[1]) > 0 && Number(share[1]) <= 100)
      return { percent: Number(share[1]) };
    if (/^[1-9]\d*$/.test(part)) return { count: Number(part) };
    throw new InputError("waves", spec, expected);
  });
  const last = sizes[sizes.length - 1];
  if (last === undefined || !("percent" in last) || last.percent !== 100)
    throw new InputError("waves", spec, expected);
  for (let i = 1; i < sizes.length; i++) {
    const [a, b] = [sizes[i - 1]!, sizes[i]!];
    if ("count" in a && "count" in b && b.count <= a.count)
      throw new InputError("waves", spec, expected);
    if ("percent" in a && "percent" in b && b.percent <= a.percent)
      throw new InputError("waves", spec, expected);
  }
  return sizes;
}

/** A count of devices (at least 1) or a share above 0%: a gate that asks for nothing proves nothing. */
function successThreshold(name: string, value: string): FailureThreshold {
  const threshold = values.failureThreshold(name, value);
  if (("count" in threshold ? threshold.count : threshold.percent) > 0) return threshold;
  throw new InputError(
    name,
    value,
    "Expected a number of devices (1 or more) or a share above 0% such as 95%: a wave passes only when that many of its devices have upgraded.",
  );
}

function onFailure(value: string): "stop" | "cancel" {
  if (value === "stop" || value === "cancel") return value;
  throw new InputError(
    "on-failure",
    value,
    "Expected stop (create no further wave) or cancel (also cancel the failing wave's devices that have not started).",
  );
}

function perRun(value: string): number {
  if (value === "" || value.toLowerCase() === "all") return Infinity;
  return values.numberInRange("waves-per-run", value, 1, 1000, true);
}
