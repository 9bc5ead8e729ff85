// How one device moves through one task: each outcome is a fixed path of status codes, and a
// device that has taken n steps stands at the n-th status of its path (the last one at most).
// CancelDeviceFirmwareTask stops a device; RetryDeviceFirmwareTask puts it on a new path.
import {
  CANCELLED_ERR_MSG,
  CANCELLED_RETCODE,
  CANCELLED_STATUS,
  DOWNLOADING_PERCENT,
  FAIL_ERR_MSG,
  FAILURE_RETCODE,
  NO_NEED_UPDATE_ERR_MSG,
  TIME_OUT_ERR_MSG,
} from "./assumptions.js";
import type { DeviceOutcome, DeviceOutcomeName, TaskDeviceRecord } from "./types.js";

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
  "fail-at-once": [S.failed],
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
  if (outcome === "fail" || outcome === "fail-at-once") {
    return { statuses, errMsg: FAIL_ERR_MSG, retcode: FAILURE_RETCODE };
  }
  if (outcome === "time-out") {
    return { statuses, errMsg: TIME_OUT_ERR_MSG, retcode: FAILURE_RETCODE };
  }
  if (outcome === "up-to-date") return { statuses, errMsg: NO_NEED_UPDATE_ERR_MSG, retcode: 0 };
  return { statuses, errMsg: "", retcode: 0 };
}

/**
 * Where a device is in one task. It only moves forward along its path, until a cancel stops it
 * (at CANCELLED_STATUS) or a retry starts it again on a new path from its first status.
 */
export class DeviceRun {
  private path: Path;
  /** The task's step count when the current path began: steps are counted from there. */
  private origin = 0;
  private taken = 0;
  private changedAt: number;
  private cancelledNow = false;
  private retried = 0;
  private readonly seen: number[];

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
    this.seen = [this.status];
  }

  private get index(): number {
    return Math.min(this.taken, this.path.statuses.length - 1);
  }

  get status(): number {
    if (this.cancelledNow) return CANCELLED_STATUS;
    return this.path.statuses[this.index] ?? S.pending;
  }

  /** Moves on to `steps` steps of the task in all (never back); true when the status changed. */
  moveTo(steps: number, nowSeconds: number): boolean {
    if (this.cancelledNow) return false;
    const before = this.index;
    this.taken = Math.max(this.taken, steps - this.origin);
    // Every status passed, even those one big step skipped over.
    this.seen.push(...this.path.statuses.slice(before + 1, this.index + 1));
    if (this.index === before) return false;
    this.changedAt = nowSeconds;
    return true;
  }

  /** Stops the device where it is; it then reports CANCELLED_STATUS. Only for unfinished devices. */
  cancel(nowSeconds: number): void {
    this.cancelledNow = true;
    this.changedAt = nowSeconds;
    this.seen.push(CANCELLED_STATUS);
  }

  /** Starts again on `outcome`'s path, counting steps from the task's `taskSteps` on. */
  retry(outcome: DeviceOutcome, taskSteps: number, nowSeconds: number): void {
    this.path = pathOf(outcome);
    this.origin = taskSteps;
    this.taken = 0;
    this.cancelledNow = false;
    this.retried++;
    this.changedAt = nowSeconds;
    this.seen.push(this.status);
  }

  /** ErrMsg and Retcode: set for a failure, a time-out or a cancel only. */
  private report(): { errMsg: string; retcode: number } {
    if (this.cancelledNow) return { errMsg: CANCELLED_ERR_MSG, retcode: CANCELLED_RETCODE };
    if (this.status === S.failed || this.status === S.timedOut) {
      return { errMsg: this.path.errMsg, retcode: this.path.retcode };
    }
    return { errMsg: "", retcode: 0 };
  }

  /** The row DescribeFirmwareTaskDevices answers for this device, and what tests may see too. */
  record(): TaskDeviceRecord {
    const reached = this.path.statuses.slice(0, this.index + 1);
    const percent = reached.reduce((last, status) => PERCENT[status] ?? last, 0);
    return {
      taskId: this.taskId,
      deviceName: this.deviceName,
      status: this.status,
      oriVersion: this.oriVersion,
      dstVersion: this.dstVersion,
      percent,
      ...this.report(),
      lastProcessTime: this.changedAt,
      cancelled: this.cancelledNow,
      retries: this.retried,
      history: [...this.seen],
    };
  }
}
