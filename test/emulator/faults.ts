import type { Fault } from "./types.js";

/** The target name that scripts faults for uploads rather than an API action. */
export const UPLOAD_TARGET = "upload";

/** Fault types that only an upload can have, and those only an API call can. */
export const UPLOAD_ONLY: ReadonlySet<Fault["type"]> = new Set(["expired", "drop"]);
export const API_ONLY: ReadonlySet<Fault["type"]> = new Set(["truncated", "non-json"]);

/** Whether each fault type carries the request out before it shows, unless its `process` says otherwise. */
export const PROCESSES_BY_DEFAULT: Readonly<Record<Fault["type"], boolean>> = {
  "rate-limit": false,
  error: false,
  "reset-before": false,
  status: false,
  truncated: true,
  "non-json": false,
  slow: true,
  "lost-after-process": true,
  expired: false,
  drop: false,
};

/** Whether the request is carried out before the fault shows. */
export function processes(fault: Fault): boolean {
  return ("process" in fault ? fault.process : undefined) ?? PROCESSES_BY_DEFAULT[fault.type];
}

/** Faults scripted per target, handed out one per matching request, in order. */
export class FaultQueue {
  private readonly queues = new Map<string, Fault[]>();

  /** Queues faults; throws when a fault cannot apply to the target (a mistake in the test). */
  add(target: string, faults: Fault[], knownTargets: ReadonlySet<string>): void {
    if (!knownTargets.has(target)) {
      const known = [...knownTargets].join(", ");
      throw new Error(`emulator: no action or target named ${target} (known: ${known})`);
    }
    for (const fault of faults) {
      const misplaced = target === UPLOAD_TARGET ? API_ONLY : UPLOAD_ONLY;
      if (misplaced.has(fault.type)) {
        throw new Error(`emulator: a ${fault.type} fault cannot apply to ${target}`);
      }
    }
    this.queues.set(target, [...(this.queues.get(target) ?? []), ...faults]);
  }

  /** The fault for the next request to `target`, if one is queued. */
  take(target: string): Fault | undefined {
    return this.queues.get(target)?.shift();
  }
}

/** The type of a fault's field, as checkFault checks it. */
export type FieldType = "string" | "integer" | "boolean";

/** The fields each fault type takes besides `type`; `true` marks a required one. */
export const FAULT_FIELDS: Readonly<Record<Fault["type"], Record<string, [FieldType, boolean]>>> = {
  "rate-limit": { code: ["string", false] },
  error: { code: ["string", true], message: ["string", false], process: ["boolean", false] },
  "reset-before": {},
  status: { status: ["integer", true], body: ["string", false], process: ["boolean", false] },
  truncated: { process: ["boolean", false] },
  "non-json": { process: ["boolean", false] },
  slow: { delayMs: ["integer", true], process: ["boolean", false] },
  "lost-after-process": {},
  expired: {},
  drop: {},
};

function hasFieldType(value: unknown, type: FieldType): boolean {
  if (type === "integer") return Number.isSafeInteger(value) && (value as number) >= 0;
  return typeof value === type;
}

/** A fault read from outside (a JSON file), checked field by field; throws an Error saying what is wrong. */
export function checkFault(value: unknown): Fault {
  const shown = JSON.stringify(value) ?? String(value);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`emulator: a fault must be an object with a "type", not ${shown}`);
  }
  const { type, ...fields } = value as Record<string, unknown>;
  if (typeof type !== "string" || !Object.hasOwn(FAULT_FIELDS, type)) {
    const types = Object.keys(FAULT_FIELDS).join(", ");
    throw new Error(`emulator: fault ${shown} has no known "type"; one of ${types}`);
  }
  const spec = FAULT_FIELDS[type as Fault["type"]];
  for (const [name, [fieldType, required]] of Object.entries(spec)) {
    const present = Object.hasOwn(fields, name);
    if ((required && !present) || (present && !hasFieldType(fields[name], fieldType))) {
      const what = fieldType === "integer" ? "a whole number" : `a ${fieldType}`;
      throw new Error(`emulator: fault ${shown} needs "${name}" as ${what}`);
    }
  }
  const stray = Object.keys(fields).find((name) => !Object.hasOwn(spec, name));
  if (stray !== undefined) throw new Error(`emulator: fault ${shown} has no field "${stray}"`);
  return value as Fault;
}
