// What `npm run emulator -- …` was asked for: flags, and the JSON files they name, checked
// before anything starts. Every mistake is a UsageError with a one-line message.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { checkFault } from "./faults.js";
import { DEFAULT_PORT, DEFAULT_STEP_MS, FLAGS, STEP_PER_POLL, USAGE } from "./cli-flags.js";
import { checkPlan } from "./plans.js";
import type { DevicePlan, Fault } from "./types.js";

/** A mistake in the command line or a file it names; the CLI prints it and exits 2. */
export class UsageError extends Error {}

/** Everything the CLI was asked for. */
export interface CliConfig {
  port: number;
  skew: number;
  /** One device step every this many ms; undefined = one per DescribeFirmwareTaskDistribution call. */
  stepMs: number | undefined;
  faults: Record<string, Fault[]>;
  plans: Record<string, DevicePlan>;
}

function integer(value: string | undefined, name: string, fallback: number, min: number) {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value) || Number(value) < min) {
    const what = min > 0 ? "a positive integer" : min === 0 ? "a whole number" : "an integer";
    throw new UsageError(`--${name} must be ${what}, not '${value}'.`);
  }
  return Number(value);
}

function json(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${where} is not JSON: ${(error as Error).message}`);
  }
}

function readJsonFile(path: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`--${flag} ${path}: ${(error as Error).message}`);
  }
  return json(text, `--${flag} ${path}`);
}

/** Wraps a checker's Error as a UsageError that says where the value came from. */
function checked<T>(where: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new UsageError(`${where}: ${(error as Error).message.replace(/^emulator: /, "")}`);
  }
}

function entries(value: unknown, where: string): [string, unknown][] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError(`${where} must hold a JSON object.`);
  }
  return Object.entries(value);
}

/** "KEY=VALUE", where VALUE is JSON when it starts with { or [ and a bare word otherwise. */
function keyValue(text: string, flag: string): [string, unknown] {
  const at = text.indexOf("=");
  if (at <= 0) throw new UsageError(`--${flag} takes NAME=VALUE, not '${text}'.`);
  const value = text.slice(at + 1);
  const parsed = /^\s*[[{]/.test(value) ? json(value, `--${flag} ${text}`) : value;
  return [text.slice(0, at), parsed];
}

function addFaults(into: Record<string, Fault[]>, target: string, value: unknown, where: string) {
  const items = Array.isArray(value)
    ? value
    : [typeof value === "string" ? { type: value } : value];
  const faults = items.map((item) => checked(where, () => checkFault(item)));
  into[target] = [...(into[target] ?? []), ...faults];
}

type Values = ReturnType<typeof parseArgs<{ options: typeof FLAGS }>>["values"];

/** The file's faults first, then each --fault, in order. */
function faultsOf(values: Values): Record<string, Fault[]> {
  const faults: Record<string, Fault[]> = {};
  if (values.faults !== undefined) {
    const where = `--faults ${values.faults}`;
    for (const [target, value] of entries(readJsonFile(values.faults, "faults"), where)) {
      addFaults(faults, target, value, `${where}, ${target}`);
    }
  }
  for (const text of values.fault ?? []) {
    const [target, value] = keyValue(text, "fault");
    addFaults(faults, target, value, `--fault ${text}`);
  }
  return faults;
}

/** The file's plans, then each --device (which wins for the same device). */
function plansOf(values: Values): Record<string, DevicePlan> {
  const plans: Record<string, DevicePlan> = {};
  if (values.devices !== undefined) {
    const where = `--devices ${values.devices}`;
    for (const [name, value] of entries(readJsonFile(values.devices, "devices"), where)) {
      plans[name] = checked(where, () => checkPlan(name, value));
    }
  }
  for (const text of values.device ?? []) {
    const [name, value] = keyValue(text, "device");
    plans[name] = checked(`--device ${text}`, () => checkPlan(name, value));
  }
  return plans;
}

function stepMsOf(value: string | undefined): number | undefined {
  if (value === STEP_PER_POLL) return undefined;
  if (value === undefined || /^\d+$/.test(value))
    return integer(value, "step-ms", DEFAULT_STEP_MS, 1);
  throw new UsageError(`--step-ms must be a positive integer or ${STEP_PER_POLL}, not '${value}'.`);
}

/**
 * Parses the CLI's arguments (and reads the files they name); "help" for -h or --help, whatever
 * else is given. Throws UsageError.
 */
export function parseCli(args: string[]): CliConfig | "help" {
  let values: Values;
  try {
    ({ values } = parseArgs({ args, options: FLAGS }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help === true) return "help";
  const port = integer(values.port, "port", DEFAULT_PORT, 0);
  if (port > 65535) throw new UsageError(`--port must be at most 65535, not '${port}'.`);
  return {
    port,
    skew: integer(values.skew, "skew", 0, -Infinity),
    stepMs: stepMsOf(values["step-ms"]),
    faults: faultsOf(values),
    plans: plansOf(values),
  };
}
