// How one device moves through one task: each outcome is a fixed path of status codes, and a
// device that has taken n steps stands at the n-th status of its path (the last one at most).
import {
  DOWNLOADING_PERCENT,
  FAIL_ERR_MSG,
  FAILURE_RETCODE,
  NO_NEED_UPDATE_ERR_MSG,
  TIME_OUT_ERR_MSG,
} from "./assumptions.js";
import type { DeviceOutcome, DeviceOutcomeName, DevicePlan, TaskDeviceRecord } from "./types.js";

/** Per-device status codes (API.md). */
export const DEVICE_STATUS = {
  offline: 0,
  pending: 1,
  downloading: 3,
  flashing: 4,
  failed: 5,
  done: 6,
  awaitingConfirmation: 8,
  timedOut: 10,
} as const;

const S = DEVICE_STATUS;
const TERMINAL: ReadonlySet<number> = new Set([S.failed, S.done, S.timedOut]);

/** DOCUMENTED: 5, 6 and 10 are terminal; every other status is still in the task. */
export function isTerminal(status: number): boolean {
  return TERMINAL.has(status);
}

/** The statuses each outcome passes through, in order. */
export const OUTCOME_PATHS: Readonly<Record<DeviceOutcomeName, readonly number[]>> = {
  succeed: [S.pending, S.downloading, S.flashing, S.done],
  fail: [S.pending, S.downloading, S.failed],
  "time-out": [S.pending, S.downloading, S.timedOut],
  offline: [S.offline],
  "await-confirmation": [S.pending, S.awaitingConfirmation],
  "up-to-date": [S.failed],
  stall: [S.pending, S.downloading],
};

const PERCENT: Readonly<Record<number, number>> = {
  [S.downloading]: DOWNLOADING_PERCENT,
  [S.flashing]: 100,
  [S.done]: 100,
};

interface Path {
  statuses: readonly number[];
  errMsg: string;
  retcode: number;
}

function pathOf(outcome: DeviceOutcome): Path {
  if (typeof outcome !== "string") {
    const fallback = pathOf(outcome.outcome);
    return {
      statuses: fallback.statuses,
      errMsg: outcome.errMsg ?? fallback.errMsg,
      retcode: outcome.retcode ?? fallback.retcode,
    };
  }
  const statuses = OUTCOME_PATHS[outcome];
  if (outcome === "fail") return { statuses, errMsg: FAIL_ERR_MSG, retcode: FAILURE_RETCODE };
  if (outcome === "time-out") {
    return { statuses, errMsg: TIME_OUT_ERR_MSG, retcode: FAILURE_RETCODE };
  }
  if (outcome === "up-to-date") return { statuses, errMsg: NO_NEED_UPDATE_ERR_MSG, retcode: 0 };
  return { statuses, errMsg: "", retcode: 0 };
}

/** Where a device is in one task; it only ever moves forward. */
export class DeviceRun {
  private readonly path: Path;
  private taken = 0;
  private changedAt: number;

  constructor(
    readonly taskId: number,
    readonly deviceName: string,
    readonly oriVersion: string,
    readonly dstVersion: string,
    outcome: DeviceOutcome,
    nowSeconds: number,
  ) {
    this.path = pathOf(outcome);
    this.changedAt = nowSeconds;
  }

  private get index(): number {
    return Math.min(this.taken, this.path.statuses.length - 1);
  }

  get status(): number {
    return this.path.statuses[this.index] ?? S.pending;
  }

  /** Moves on to `steps` steps taken in all (never back); true when the status changed. */
  moveTo(steps: number, nowSeconds: number): boolean {
    const before = this.status;
    this.taken = Math.max(this.taken, steps);
    if (this.status === before) return false;
    this.changedAt = nowSeconds;
    return true;
  }

  /** The row DescribeFirmwareTaskDevices answers for this device. */
  record(): TaskDeviceRecord {
    const reached = this.path.statuses.slice(0, this.index + 1);
    const percent = reached.reduce((last, status) => PERCENT[status] ?? last, 0);
    const failed = this.status === S.failed || this.status === S.timedOut;
    return {
      taskId: this.taskId,
      deviceName: this.deviceName,
      status: this.status,
      oriVersion: this.oriVersion,
      dstVersion: this.dstVersion,
      percent,
      errMsg: failed ? this.path.errMsg : "",
      retcode: failed ? this.path.retcode : 0,
      lastProcessTime: this.changedAt,
    };
  }
}

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
