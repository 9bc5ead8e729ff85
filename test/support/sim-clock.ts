import { setImmediate as turn } from "node:timers/promises";

// A simulated clock for code that waits only through a sleep seam: time moves only when
// everything in this process is waiting on the clock, and then straight to the earliest wake.
// Work that waits on real I/O (an HTTP call to a stand-in) is held with `track`: time stands
// still until it ends, so a stand-in can count its rate-limit windows on this same clock.

interface Timer {
  at: number;
  seq: number;
  wake: () => void;
}

/** A clock that moves only in `run`, from one wake to the next. */
export class SimClock {
  private time: number;
  private seq = 0;
  private readonly timers: Timer[] = [];
  private busy = 0;
  private idle: (() => void) | undefined;

  constructor(start = 0) {
    this.time = start;
  }

  readonly now = (): number => this.time;

  readonly sleep = (ms: number): Promise<void> =>
    new Promise((wake) => {
      const timer = { at: this.time + Math.max(0, ms), seq: this.seq++, wake };
      // Kept sorted by time, then by order of asking: the few pending timers make this cheap.
      let i = this.timers.length;
      while (i > 0 && this.timers[i - 1]!.at > timer.at) i--;
      this.timers.splice(i, 0, timer);
    });

  /** Holds the clock still until `work` ends (real I/O that the clock cannot see). */
  track<T>(work: Promise<T>): Promise<T> {
    this.busy++;
    return work.finally(() => {
      if (--this.busy === 0) this.idle?.();
    });
  }

  /** Runs `main` to its end, moving the clock whenever nothing else can happen. */
  async run<T>(main: () => Promise<T>): Promise<T> {
    let ended = false;
    const result = main().finally(() => (ended = true));
    result.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    while (!ended) {
      await turn(); // every promise reaction queued so far has run
      if (ended) break;
      if (this.busy > 0) {
        await new Promise<void>((resolve) => (this.idle = resolve));
        this.idle = undefined;
        continue;
      }
      const next = this.timers[0];
      if (next === undefined) {
        throw new Error("SimClock: nothing waits on the clock, yet the work has not ended");
      }
      this.time = next.at;
      while (this.timers[0]?.at === this.time) this.timers.shift()!.wake();
    }
    return result;
  }
}
