/** The server's clock: the real one plus an adjustable skew, as a misset cloud clock would be. */
export class Clock {
  private skewMs: number;

  constructor(skewSeconds: number) {
    this.skewMs = skewSeconds * 1000;
  }

  setSkew(seconds: number): void {
    this.skewMs = seconds * 1000;
  }

  nowMs(): number {
    return Date.now() + this.skewMs;
  }

  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /** The HTTP `Date` header value; clients read it to correct their own skew. */
  httpDate(): string {
    return new Date(this.nowMs()).toUTCString();
  }
}
