// A rate limit as a server keeps it, on whatever clock it is given: at most `limit` calls
// accepted in any 1,000 ms. A sliding window is the strict reading of "20 requests/s": calls
// spaced exactly 1/limit apart all pass, and no burst does.

/** Accepts or refuses each call against a requests-a-second limit. */
export class RateWindow {
  accepted = 0;
  refused = 0;
  /** Clock times of the last `limit` accepted calls, oldest at `next`. */
  private readonly times: number[];
  private next = 0;

  constructor(
    readonly limit: number,
    private readonly now: () => number,
  ) {
    this.times = Array.from({ length: limit }, () => -Infinity);
  }

  /** Whether one more call fits now; counts it either way. */
  admit(): boolean {
    const now = this.now();
    if (now - this.times[this.next]! < 1000) {
      this.refused++;
      return false;
    }
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.limit;
    this.accepted++;
    return true;
  }

  /** The share of the limit the accepted calls used over `ms` of the clock. */
  share(ms: number): number {
    return this.accepted / ((this.limit * ms) / 1000);
  }
}
