import type { Fault } from "./types.js";

/** The target name that scripts faults for uploads rather than an API action. */
export const UPLOAD_TARGET = "upload";

const UPLOAD_ONLY: ReadonlySet<Fault["type"]> = new Set(["expired", "drop"]);
const API_ONLY: ReadonlySet<Fault["type"]> = new Set(["truncated", "non-json"]);

/** Whether the request is carried out before the fault shows (each type has its own default). */
export function processes(fault: Fault): boolean {
  switch (fault.type) {
    case "truncated":
    case "slow":
      return fault.process ?? true;
    case "error":
    case "status":
    case "non-json":
      return fault.process ?? false;
    case "lost-after-process":
      return true;
    default:
      return false;
  }
}

/** Faults scripted per target, handed out one per matching request, in order. */
export class FaultQueue {
  private readonly queues = new Map<string, Fault[]>();

  /** Queues faults; throws when a fault cannot apply to the target (a mistake in the test). */
  add(target: string, faults: Fault[], knownTargets: ReadonlySet<string>): void {
    if (!knownTargets.has(target)) throw new Error(`emulator: no action or target named ${target}`);
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
