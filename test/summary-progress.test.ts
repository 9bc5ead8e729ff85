import { describe, expect, it } from "vitest";
import type { Outcome } from "../src/follow/judge.js";
import type { WaveReport } from "../src/report/run-report.js";
import { progressBar, progressCell } from "../src/report/summary/bars.js";
import { MAX_WAVE_ROWS, wavesTable } from "../src/report/summary/waves.js";
import { renderGfm } from "./support/markdown.js";

describe("progressBar: the share of devices upgraded, in ten cells", () => {
  it.each<{ upgraded: number; total: number; bar: string }>([
    { upgraded: 0, total: 10, bar: "░░░░░░░░░░ 0%" },
    { upgraded: 5, total: 10, bar: "▓▓▓▓▓░░░░░ 50%" },
    { upgraded: 10, total: 10, bar: "▓▓▓▓▓▓▓▓▓▓ 100%" },
    { upgraded: 7, total: 10, bar: "▓▓▓▓▓▓▓░░░ 70%" },
    // Rounded down: a full bar and 100% only when every device upgraded.
    { upgraded: 7_999_999, total: 8_000_000, bar: "▓▓▓▓▓▓▓▓▓░ 99%" },
    { upgraded: 1, total: 8_000_000, bar: "░░░░░░░░░░ 0%" },
    { upgraded: 118, total: 120, bar: "▓▓▓▓▓▓▓▓▓░ 98%" },
    // No devices known yet: the empty bar, no share.
    { upgraded: 0, total: 0, bar: "░░░░░░░░░░" },
    // Never past full, whatever the counts say.
    { upgraded: 12, total: 10, bar: "▓▓▓▓▓▓▓▓▓▓ 100%" },
  ])("$upgraded of $total: $bar", ({ upgraded, total, bar }) => {
    expect(progressBar(upgraded, total)).toBe(bar);
  });

  it("with counts: the bar, then upgraded, failed, pending (and cancelled when any)", () => {
    const counts: Outcome = { total: 10, succeeded: 5, failed: 1, pending: 4, cancelled: 0 };
    expect(progressCell(counts, 10)).toBe("▓▓▓▓▓░░░░░ 50%: 5 upgraded, 1 failed, 4 pending");
    expect(progressCell({ ...counts, pending: 1, cancelled: 3 }, 10)).toBe(
      "▓▓▓▓▓░░░░░ 50%: 5 upgraded, 1 failed, 1 pending, 3 cancelled",
    );
    expect(progressCell(undefined, 10)).toBe("░░░░░░░░░░");
  });
});

function wave(number: number, verdict: WaveReport["verdict"], succeeded?: number): WaveReport {
  const base = { number, devices: 10, canary: number === 1, firstNames: [], verdict };
  if (succeeded === undefined) return base;
  const counts = { total: 10, succeeded, failed: 10 - succeeded, pending: 0, cancelled: 0 };
  return { ...base, taskId: 100 + number, counts, durationMs: 90_000, gate: `${succeeded} of 10` };
}

/** The waves table's rows as GFM renders them. */
function rows(waves: WaveReport[]): string[][] {
  const html = renderGfm(wavesTable(waves).join("\n"));
  const head = [...html.matchAll(/<th[^>]*>(.*?)<\/th>/g)].map((m) => m[1]);
  expect(head).toEqual(["Wave", "Devices", "Task", "Progress", "Verdict", "Gate"]);
  return [...html.matchAll(/<tr>\n<td[^>]*>([\s\S]*?)<\/td>\n<\/tr>/g)].map(([, row]) =>
    row!.split(/<\/td>\n<td[^>]*>/),
  );
}

describe("wavesTable", () => {
  it("a row per wave with its bar and verdict; waves without a task folded into a range", () => {
    const table = rows([
      wave(1, "passed", 10),
      wave(2, "failed", 5),
      wave(3, "not started"),
      wave(4, "not started"),
      wave(5, "not started"),
    ]);
    expect(table).toEqual([
      [
        "1 (canary)",
        "10",
        "101",
        "▓▓▓▓▓▓▓▓▓▓ 100%: 10 upgraded, 0 failed, 0 pending",
        "✅ passed after 1m30s",
        "10 of 10",
      ],
      [
        "2",
        "10",
        "102",
        "▓▓▓▓▓░░░░░ 50%: 5 upgraded, 5 failed, 0 pending",
        "❌ failed after 1m30s",
        "5 of 10",
      ],
      ["3–5", "30", "", "░░░░░░░░░░", "not started", ""],
    ]);
  });

  it("the next run's wave apart from the waves after it", () => {
    const table = rows([wave(1, "passed", 10), wave(2, "next run"), wave(3, "not started")]);
    expect(table.map((row) => [row[0], row[4]])).toEqual([
      ["1 (canary)", "✅ passed after 1m30s"],
      ["2", "⏳ next run"],
      ["3", "not started"],
    ]);
  });

  it("at most MAX_WAVE_ROWS rows, the last waves (where a rollout stops) among them", () => {
    const waves = [
      ...Array.from({ length: 999 }, (_, i) => wave(i + 1, "passed", 10)),
      wave(1000, "failed", 2),
      ...Array.from({ length: 500 }, (_, i) => wave(1001 + i, "not started")),
    ];
    const table = rows(waves);
    expect(table).toHaveLength(MAX_WAVE_ROWS);
    expect(table[5]).toEqual(["…", "9720", "", "", "972 waves not shown: 972 passed", ""]);
    expect(table[MAX_WAVE_ROWS - 2]?.[0]).toBe("1000");
    expect(table[MAX_WAVE_ROWS - 1]?.slice(0, 2)).toEqual(["1001–1500", "5000"]);
  });
});
