// Device plans as a test or a JSON file gives them: checked, and read as one outcome per task.
import { OUTCOME_PATHS } from "./progress.js";
import type { DeviceOutcome, DeviceOutcomeName, DevicePlan } from "./types.js";

const OUTCOME_NAMES: ReadonlySet<string> = new Set(Object.keys(OUTCOME_PATHS));

function describeValue(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function checkOutcome(device: string, value: unknown): DeviceOutcome {
  if (typeof value === "string" && OUTCOME_NAMES.has(value)) return value as DeviceOutcomeName;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const { outcome, errMsg, retcode, ...rest } = value as Record<string, unknown>;
    const stray = Object.keys(rest)[0];
    if (
      (outcome === "fail" || outcome === "time-out") &&
      (errMsg === undefined || typeof errMsg === "string") &&
      (retcode === undefined || Number.isSafeInteger(retcode)) &&
      stray === undefined
    ) {
      return value as DeviceOutcome;
    }
  }
  const names = [...OUTCOME_NAMES].join(", ");
  throw new Error(
    `emulator: the plan of ${device} is ${describeValue(value)}; expected one of ${names}, or {"outcome": "fail" | "time-out", "errMsg"?: string, "retcode"?: integer}, or a non-empty list of those`,
  );
}

/** A plan as given (by a test or a JSON file), checked; throws an Error naming the device. */
export function checkPlan(device: string, value: unknown): DevicePlan {
  if (!Array.isArray(value)) return checkOutcome(device, value);
  if (value.length === 0) checkOutcome(device, value);
  return value.map((item) => checkOutcome(device, item));
}

/** The outcomes of a plan, one per task in turn; the last repeats. */
export function planOutcomes(plan: DevicePlan): readonly DeviceOutcome[] {
  return typeof plan === "string" || !Array.isArray(plan)
    ? [plan as DeviceOutcome]
    : (plan as readonly DeviceOutcome[]);
}
