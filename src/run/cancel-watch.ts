/**
 * What a cancelled step leaves in the log. The runner cancels a step with SIGINT, then SIGTERM
 * 7.5 s later, then SIGKILL: the first signal says what the run was doing and whether a task may
 * exist, and no new attempt starts after it. While BatchUpdateFirmware is in flight the run
 * goes on until its answer (so the task can still be named), and while it follows a task or
 * soaks (wave-pause) it stops waiting and writes its summary; SIGTERM ends the process in every
 * case. Whenever the watch ends the process, the sinks write the job summary and the `status`
 * output first (see RunEnd), so no way of cancelling a run loses them.
 */

/** Time a woken wait gets to write its summary and exit (the runner kills 2.5 s after SIGTERM). */
const WIND_DOWN_MS = 2000;

/** What the run is doing, as far as a cancellation is concerned. */
export type Stage =
  | { step: "preparing" }
  | { step: "uploading" }
  | { step: "creating"; firmwareVersion: string; target: string }
  | { step: "created"; taskId: number }
  /** Following a task; `wave` when it is a wave's. */
  | { step: "waiting"; taskId: number; wave?: number }
  /** Soaking (wave-pause) before wave `wave` is created. */
  | { step: "pausing"; wave: number }
  /** Cancelling the not-started devices of a failed wave's task. */
  | { step: "cancelling"; taskId: number; wave: number };

/** Pure: the line a cancellation at this stage logs. */
export function cancelledLine(stage: Stage, signal: string): string {
  const head = `The step was cancelled (${signal})`;
  switch (stage.step) {
    case "preparing":
      return `${head} before BatchUpdateFirmware was sent: no task was created.`;
    case "uploading":
      return `${head} while the device list was uploading, before BatchUpdateFirmware was sent: no task was created.`;
    case "creating":
      return `${head} while BatchUpdateFirmware was in flight: a task of firmware ${stage.firmwareVersion} for ${stage.target} may exist. Check the firmware's tasks in the console before running the job again.`;
    case "created":
      return `${head} after upgrade task ${stage.taskId} was created; the task goes on upgrading devices.`;
    case "waiting":
      if (stage.wave !== undefined) {
        return `${head} while following wave ${stage.wave}'s task ${stage.taskId}: the wait stops, the task goes on upgrading devices on Tencent's side, and no further wave is created. Run the job again with the same inputs to go on from wave ${stage.wave}.`;
      }
      return `${head} while following upgrade task ${stage.taskId}: the wait stops, the task goes on upgrading devices on Tencent's side.`;
    case "pausing":
      return `${head} during wave-pause, before wave ${stage.wave} was created: no task of wave ${stage.wave} exists. Run the job again with the same inputs to go on from wave ${stage.wave}.`;
    case "cancelling":
      return `${head} while cancelling the not-started devices of wave ${stage.wave} (task ${stage.taskId}): devices not yet cancelled will still take the firmware. Cancel them in the console, or run the job again to retry the cancel.`;
  }
}

/** Where the watch writes and how it ends the process; main passes @actions/core and process.exit. */
export interface CancelSinks {
  error(message: string): void;
  /** Ends the process; `line` is what the last signal logged: the run's failure, if it had none. */
  exit(code: number, line: string): void;
}

/** Watches for the runner's cancel signals during one run. */
export class CancelWatch {
  private stage: Stage = { step: "preparing" };
  private signalled = false;
  private readonly abort = new AbortController();
  /** Aborted at the first cancel signal: sleeps listen to it. */
  readonly signal = this.abort.signal;
  private readonly onInterrupt = () => this.handle("SIGINT", false);
  private readonly onTerminate = () => this.handle("SIGTERM", true);

  constructor(private readonly sinks: CancelSinks) {}

  install(): this {
    process.on("SIGINT", this.onInterrupt);
    process.on("SIGTERM", this.onTerminate);
    return this;
  }

  dispose(): void {
    process.off("SIGINT", this.onInterrupt);
    process.off("SIGTERM", this.onTerminate);
  }

  /** Records what the run is doing now. */
  at(stage: Stage): void {
    this.stage = stage;
  }

  /** Whether a cancel signal came: no new attempt may start. */
  readonly cancelled = (): boolean => this.signalled;

  private handle(signal: string, final: boolean): void {
    const first = !this.signalled;
    this.signalled = true;
    const line = cancelledLine(this.stage, signal);
    this.sinks.error(line);
    this.abort.abort();
    const { step } = this.stage;
    // A wait winds down by itself once woken, writing its summary; the timer is a backstop for a
    // request still in flight (a poll), and ends the process with the summary written all the same.
    if ((step === "waiting" || step === "pausing") && first) {
      setTimeout(() => this.sinks.exit(1, line), WIND_DOWN_MS).unref();
      return;
    }
    // A create in flight is worth waiting for until SIGTERM: its answer names the task.
    if (step === "creating" && !final) return;
    this.sinks.exit(1, line);
  }
}
