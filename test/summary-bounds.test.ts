import { describe, expect, it } from "vitest";
import type { NamedDevice } from "../src/follow/device-findings.js";
import type { FollowResult } from "../src/follow/follow-task.js";
import type { RawInputs } from "../src/inputs/read-inputs.js";
import { parsedInputs } from "./support/parsed-inputs.js";
import { tally } from "../src/follow/progress.js";
import { NO_FINDINGS, outcome } from "../src/follow/judge.js";
import type { RunReport, WaveReport } from "../src/report/run-report.js";
import { summaryMarkdown } from "../src/report/summary/markdown.js";
import { MAX_SUMMARY_DEVICE_ROWS } from "../src/report/summary/device-tables.js";
import { MAX_WAVE_ROWS } from "../src/report/summary/waves.js";
import { renderGfm } from "./support/markdown.js";

// GitHub rejects a step summary over 1 MiB. Whatever the fleet and whatever a server sends,
// the summary stays below it: every list is capped and counts what it leaves out, and every
// outside string is cut (to at most 6 bytes a character once escaped).
const MiB = 1024 * 1024;

function inputs(extra: Partial<RawInputs> = {}) {
  return parsedInputs({ "device-names": "a,b", ...extra });
}

/** `n` devices whose name and message are `text` (numbered), as the rows would name them. */
function named(n: number, text: string, status: number): NamedDevice[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `${i}${text}`,
    status,
    retcode: -1,
    message: text,
  }));
}

/** A wait's end over 8 million devices: thousands named of each kind, 1,000 undocumented codes. */
function hugeResult(text: string, decision: FollowResult["decision"]): FollowResult {
  const infos = [
    { status: 6, total: 7_000_000 },
    { status: 5, total: 500_000 },
    { status: 0, total: 499_000 },
    ...Array.from({ length: 1000 }, (_, i) => ({ status: 1000 + i, total: 1 })),
  ];
  return {
    decision,
    counts: tally({ infos, unreadable: 0 }),
    findings: { ...NO_FINDINGS, cancelled: 1000 },
    gate: { maxFailed: { percent: 5 }, success: { percent: 95 }, expected: 8_000_000 },
    retries: { devices: 5000, calls: 5000 },
    devices: {
      upToDate: 0,
      complete: false,
      failed: named(5000, text, 5),
      pending: named(5000, text, 0),
      cancelled: named(1000, text, 5),
    },
    elapsedMs: 6 * 3_600_000,
  };
}

// 1,200 characters, each escaped to 6 bytes (&#124;, &#126;): the largest a cut string can grow.
const LONG = "|~".repeat(600);
const FAILED = { kind: "failed", allowed: 5, why: "failures" } as const;

/** 1,000 waves over 8 million devices, each named in full; the last with a task failed. */
function worstWaves(): WaveReport[] {
  const passed = hugeResult(LONG, { kind: "succeeded" });
  const failed = hugeResult(LONG, FAILED);
  return Array.from({ length: 1000 }, (_, i): WaveReport => {
    const number = i + 1;
    if (number > 950)
      return { number, devices: 8000, canary: false, firstNames: [], verdict: "not started" };
    const follow = number === 950 ? failed : passed;
    const counts = outcome(follow.counts, follow.findings);
    const cancel = { cancelled: 1, skipped: 2, failed: 3, notTried: 4 };
    const verdict = number === 950 ? "failed" : "passed";
    return {
      number,
      devices: 8000,
      canary: false,
      firstNames: [],
      taskId: number,
      counts,
      durationMs: 1,
      verdict,
      gate: LONG,
      follow,
      cancel,
    };
  });
}

describe("the summary's size", () => {
  it("worst case (scale): 1,000 waves, 8 million devices, thousands named, long messages: under 1 MiB", () => {
    const md = summaryMarkdown({
      inputs: inputs({ waves: "1%, 100%" }),
      target: LONG.repeat(100),
      list: {
        path: LONG.repeat(100),
        deviceCount: 8_000_000,
        size: 1e9,
        md5: "d41d8cd98f00b204e9800998ecf8427e",
      },
      status: "failed",
      error: LONG.repeat(1000),
      runUrl: "https://github.com/acme/fw/actions/runs/42",
      deployment: {
        id: 1,
        environment: LONG.repeat(100),
        url: "https://github.com/acme/fw/deployments",
      },
      waves: worstWaves(),
    });
    const bytes = Buffer.byteLength(md);
    expect(bytes).toBeLessThan(MiB);
    // It says what it left out: waves, whole waves' devices, and the rest of each list.
    expect(md).toContain("waves not shown: 922 passed");
    expect(md).toContain("The devices of 945 more waves with failed devices are not listed.");
    expect(md).toMatch(/…and \d+ more\./);
    expect(md).toContain(`not listed: the summary lists ${MAX_SUMMARY_DEVICE_ROWS} at most.`);
    expect(md).toContain("| 990 more undocumented status codes | |");
    const deviceRows = md.match(/^\| \d+&#124;/gm) ?? [];
    expect(deviceRows.length).toBe(MAX_SUMMARY_DEVICE_ROWS);
    expect(md.match(/^\| (\d+|…|\d+–\d+) \| \d+ \|/gm)).toHaveLength(MAX_WAVE_ROWS);
  });

  it("worst case of one task (scale): a huge wait, a huge RequestId, a huge error: under 1 MiB", () => {
    const md = summaryMarkdown({
      inputs: inputs(),
      target: LONG.repeat(100),
      task: { taskId: 1, requestId: LONG.repeat(1000), origin: "created" },
      follow: hugeResult(LONG, FAILED),
      status: "failed",
      error: LONG.repeat(1000),
    });
    expect(Buffer.byteLength(md)).toBeLessThan(MiB);
    expect(md).toMatch(/…and \d+ more\./);
  });

  it("a dry run's request, however long its values: under 1 MiB", () => {
    const md = summaryMarkdown({
      inputs: inputs({ "dry-run": "true" }),
      status: "dry-run",
      request: { DeviceNames: Array.from({ length: 1000 }, () => LONG) },
    });
    expect(Buffer.byteLength(md)).toBeLessThan(64 * 1024);
    expect(md).toContain("… (cut)\n```");
  });
});

describe("outside text in the summary", () => {
  const EVIL =
    "x](javascript:alert(1)) <img src=x onerror=alert(1)>\n::error::pwned\r\n## owned <b>b</b> https://evil.example";

  it("never becomes a link, an image, HTML, a heading or a new line", () => {
    const follow = hugeResult(EVIL, FAILED);
    follow.devices = { ...follow.devices, failed: named(3, EVIL, 5), pending: [], cancelled: [] };
    const report: RunReport = {
      inputs: inputs(),
      target: EVIL,
      task: { taskId: 7, requestId: EVIL, origin: "created" },
      follow,
      status: "failed",
      error: EVIL,
      runUrl: "https://github.com/acme/fw/actions/runs/42",
      deployment: { id: 1, environment: EVIL, url: "https://github.com/acme/fw/deployments" },
    };
    // With the wait's numbers as the reason, and without: the error as the reason.
    const withoutWait = { ...report };
    delete withoutWait.follow;
    for (const md of [summaryMarkdown(report), summaryMarkdown(withoutWait)]) {
      const html = renderGfm(md);
      expect(html).not.toMatch(/<img|<b>|<h2|href="javascript|href="https:\/\/evil/);
      expect([...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1])).toEqual([
        "https://github.com/acme/fw/deployments",
        "https://github.com/acme/fw/actions/runs/42",
      ]);
      // Each piece of outside text stays on the line it was written on.
      expect(md.split("\n").filter((line) => /^(::|## owned)/.test(line))).toEqual([]);
      expect(md).toContain(
        "&#60;img src=x onerror=alert(1)&#62;&#92;n: :error: :pwned&#92;r&#92;n## owned",
      );
    }
  });
});
