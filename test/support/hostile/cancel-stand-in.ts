import { RateWindow } from "../rate-window.js";
import type { SimClock } from "../sim-clock.js";
import { startStandIn, type StandIn, type StandInHandler } from "./api-stand-in.js";

// A stand-in for the two calls cancelling a wave makes: DescribeFirmwareTaskDevices pages the
// version's rows, CancelDeviceFirmwareTask cancels one device, under a rate limit counted on the
// test's simulated clock (the one the code under test sleeps on).

/** One row of DescribeFirmwareTaskDevices, as the API spells it. */
export interface Row {
  DeviceName: string;
  Status: number;
  TaskId: number;
}

export interface CancelStandInOptions {
  clock: SimClock;
  rows: Row[];
  /** CancelDeviceFirmwareTask calls accepted in any 1,000 ms; Infinity for none refused. */
  limit: number;
  /** Refuse every cancel for the rate, whatever the window says. */
  limitedForever?: boolean;
  /** An error code answered for these devices instead of cancelling them. */
  answers?: Record<string, string>;
}

export interface CancelStandIn {
  standIn: StandIn;
  window: RateWindow;
  /** The devices cancelled, and of which task. */
  cancelled: Map<string, number>;
}

const PAGE_LIMIT = 100;

/** Starts the stand-in on 127.0.0.1. */
export async function startCancelStandIn(options: CancelStandInOptions): Promise<CancelStandIn> {
  const { clock, rows, answers = {} } = options;
  const limit = Number.isFinite(options.limit) ? options.limit : 1_000_000;
  const window = new RateWindow(limit, clock.now);
  const cancelled = new Map<string, number>();
  const fail = (Code: string) => ({ Error: { Code, Message: `stand-in: ${Code}` } });
  const pages: StandInHandler = (call) => {
    const offset = Number(call.params["Offset"] ?? 0);
    const size = Math.min(PAGE_LIMIT, Number(call.params["Limit"] ?? 50));
    return { Total: rows.length, Devices: rows.slice(offset, offset + size) };
  };
  const cancel: StandInHandler = (call) => {
    const name = String(call.params["DeviceName"]);
    if (options.limitedForever || !window.admit()) return fail("RequestLimitExceeded");
    const code = answers[name];
    if (code !== undefined) return fail(code);
    if (cancelled.has(name)) return fail("FailedOperation.DeviceFirmwareTaskAlreadDone");
    cancelled.set(name, Number(call.params["TaskId"]));
    return {};
  };
  const standIn = await startStandIn({
    DescribeFirmwareTaskDevices: pages,
    CancelDeviceFirmwareTask: cancel,
  });
  return { standIn, window, cancelled };
}
