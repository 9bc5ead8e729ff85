import { describe, expect, it } from "vitest";
import { formatDuration, progressLine, tally } from "../src/follow/progress.js";

const infos = (byStatus: Record<number, number>, unreadable = 0) => ({
  infos: Object.entries(byStatus).map(([status, total]) => ({ status: Number(status), total })),
  unreadable,
});

describe("tally", () => {
  it("groups Tencent's status codes into the states the log shows", () => {
    const counts = tally(
      infos({ 0: 1, 1: 2, 2: 3, 3: 4, 20: 5, 4: 6, 7: 7, 5: 8, 6: 9, 8: 10, 10: 11, 42: 12 }),
    );
    expect(counts).toEqual({
      offline: 1,
      pending: 5,
      downloading: 9,
      flashing: 13,
      failed: 8,
      done: 9,
      awaiting: 10,
      timedOut: 11,
      other: 12,
      codes: { 42: 12 },
      unreadable: 0,
      total: 78,
    });
  });
});

describe("progressLine", () => {
  it("names every state, and up-to-date devices apart from failures", () => {
    expect(
      progressLine(7, 75_000, tally(infos({ 1: 1, 3: 2, 4: 3, 6: 4, 5: 2, 10: 1, 0: 1, 8: 1 })), {
        upToDate: 1,
        cancelled: 0,
        retrying: 0,
      }),
    ).toBe(
      "Task 7 after 1m15s: 1 pending, 2 downloading, 3 flashing, 4 done, 1 failed, 1 timed out, 1 offline, 1 awaiting confirmation, 1 already up to date (of 15).",
    );
  });

  it("shows cancelled devices, undocumented codes by number, and unreadable entries", () => {
    expect(
      progressLine(7, 4000, tally(infos({ 5: 3, 6: 1, 9: 2 }, 1)), {
        upToDate: 0,
        cancelled: 3,
        retrying: 0,
      }),
    ).toBe(
      "Task 7 after 4s: 0 pending, 0 downloading, 0 flashing, 1 done, 0 failed, 0 timed out, 0 offline, 0 awaiting confirmation, 3 cancelled, 2 in status 9 (undocumented) (of 6; 1 unreadable entries).",
    );
  });

  it.each([
    { ms: 4000, text: "4s" },
    { ms: 75_000, text: "1m15s" },
    { ms: 2 * 3_600_000 + 5 * 60_000, text: "2h05m" },
  ])("formatDuration($ms) = $text", ({ ms, text }) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
