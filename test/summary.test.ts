import { describe, expect, it } from "vitest";
import type { FollowResult } from "../src/follow/follow-task.js";
import type { RawInputs } from "../src/inputs/read-inputs.js";
import { parsedInputs } from "./support/parsed-inputs.js";
import { tally } from "../src/follow/progress.js";
import type { RunReport } from "../src/report/run-report.js";
import { summaryMarkdown } from "../src/report/summary/markdown.js";
import { MAX_DEVICE_ROWS } from "../src/report/summary/device-tables.js";
import { NO_FINDINGS } from "../src/follow/judge.js";
import { renderGfm } from "./support/markdown.js";

function inputs(extra: Partial<RawInputs> = {}, env: Record<string, string> = {}) {
  return parsedInputs({ "firmware-original-version": "1.0.0", ...extra }, env);
}

function follow(failed: number, done: number): FollowResult {
  return {
    decision: failed > 0 ? { kind: "failed", allowed: 0, why: "failures" } : { kind: "succeeded" },
    counts: tally({
      infos: [
        { status: 6, total: done },
        { status: 5, total: failed },
      ],
      unreadable: 0,
    }),
    findings: NO_FINDINGS,
    gate: { maxFailed: { count: 0 } },
    retries: { devices: 0, calls: 0 },
    devices: {
      upToDate: 0,
      complete: true,
      cancelled: [],
      pending: [],
      failed: Array.from({ length: failed }, (_, i) => ({
        name: `cam-${i}`,
        status: 5,
        retcode: -3,
        message: "download failed | <b>checksum</b>",
      })),
    },
    elapsedMs: 95_000,
  };
}

const BASE: RunReport = {
  inputs: inputs(),
  target: "every device now on 1.0.0",
  runUrl: "https://github.com/acme/fw/actions/runs/42",
};

/** The rendered tables, each as its header cells and its rows' cells. */
function tables(md: string): Array<{ head: string[]; rows: string[][] }> {
  const cells = (html: string, tag: string) =>
    [...html.matchAll(new RegExp(`<${tag}[^>]*>(.*?)</${tag}>`, "g"))].map((m) => m[1]!);
  return [...renderGfm(md).matchAll(/<table>([\s\S]*?)<\/table>/g)].map(([, table]) => ({
    head: cells(table!, "th"),
    rows: [...table!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
      .map(([, row]) => cells(row!, "td"))
      .filter((row) => row.length > 0),
  }));
}

/** Every link as GFM renders it: [href, text]. */
function links(md: string): Array<[string, string]> {
  return [...renderGfm(md).matchAll(/<a href="([^"]*)">(.*?)<\/a>/g)].map((m) => [m[1]!, m[2]!]);
}

describe("summaryMarkdown", () => {
  it("a followed rollout that failed: verdict, reason, what failed, devices, details", () => {
    const md = summaryMarkdown({
      ...BASE,
      task: { taskId: 17, requestId: "req-1", origin: "created" },
      follow: follow(2, 8),
      status: "failed",
      error: "2 device(s) of task 17 failed to upgrade",
    });
    expect(md.split("\n").slice(0, 2)).toEqual([
      "### ❌ Firmware 2.0.0 rollout failed",
      "Task 17 had more failed devices than allowed: 8 of 10 upgraded; 2 failed, 0 allowed.",
    ]);
    expect(md).toContain("**What failed:** 2 device(s) of task 17 failed to upgrade");
    expect(md).toContain("**Next:** The task goes on upgrading devices on Tencent's side.");
    expect(md).toContain(
      "▓▓▓▓▓▓▓▓░░ 80% of 10 devices upgraded after 1m35s: 8 upgraded, 2 failed, 0 pending.",
    );
    const [states, failed, details] = tables(md);
    expect(states?.rows).toEqual([
      ["done", "8"],
      ["failed", "2"],
    ]);
    expect(failed?.head).toEqual(["Failed device", "Status", "Return code", "Tencent's message"]);
    // Outside text cannot break the table or inject HTML.
    expect(failed?.rows[0]).toEqual([
      "cam-0",
      "failed",
      "-3",
      "download failed | &lt;b&gt;checksum&lt;/b&gt;",
    ]);
    expect(details?.head).toEqual(["Detail", "Value"]);
    expect(details?.rows).toEqual([
      ["Product", "ABCDE12345"],
      ["Firmware", "2.0.0"],
      ["From version", "1.0.0"],
      ["Upgrade", "silent"],
      ["Devices", "every device now on 1.0.0"],
      ["Task", "17"],
      ["RequestId", "req-1"],
      ["Endpoint", "https://iotvideo.tencentcloudapi.com"],
    ]);
  });

  it("caps the failed devices, counting the rest, and stays small for a huge fleet", () => {
    const md = summaryMarkdown({
      ...BASE,
      task: { taskId: 1, requestId: "", origin: "created" },
      follow: follow(10_000, 90_000),
    });
    expect(md.match(/^\| cam-/gm)).toHaveLength(MAX_DEVICE_ROWS);
    expect(md).toContain(`…and ${10_000 - MAX_DEVICE_ROWS} more.`);
    expect(Buffer.byteLength(md)).toBeLessThan(32 * 1024);
    expect(md).not.toContain("| RequestId |");
  });

  it("a failure before any task: the error is the reason, and no task was created", () => {
    const md = summaryMarkdown({
      ...BASE,
      status: "failed",
      error: "Firmware 2.0.0 is not registered",
    });
    expect(md.split("\n").slice(0, 2)).toEqual([
      "### ❌ Firmware 2.0.0 rollout failed",
      "Firmware 2.0.0 is not registered",
    ]);
    expect(md).not.toContain("**What failed:**");
    expect(md).not.toContain("| Task |");
    expect(md).toContain("**Next:** No task was created by this step");
  });

  it("a dry run shows the request it would have sent", () => {
    const md = summaryMarkdown({
      ...BASE,
      inputs: inputs({ "dry-run": "true" }),
      status: "dry-run",
      request: { ProductID: "ABCDE12345", FirmwareVersion: "2.0.0", FirmwareOriVersion: "1.0.0" },
    });
    expect(md).toMatch(
      /^### 📝 Dry run of firmware 2\.0\.0 to every device now on 1\.0\.0: nothing changed\n/,
    );
    expect(md).toContain('```json\n{\n  "ProductID": "ABCDE12345"');
  });

  it("says where a tag-derived version came from, and a followed re-run", () => {
    const md = summaryMarkdown({
      ...BASE,
      inputs: inputs({ "firmware-version": "" }, { GITHUB_REF: "refs/tags/v1.4.0" }),
      task: { taskId: 5, requestId: "", origin: "followed" },
      status: "created",
    });
    expect(md).toContain("| Firmware | 1.4.0 (from the tag) |");
    expect(md).toContain("| Task | 5 (already running; followed, not created again) |");
  });
});

describe("the summary's links", () => {
  const deployment = {
    id: 9,
    environment: "production",
    url: "https://github.com/acme/fw/deployments/production",
  };

  it.each<{ name: string; report: RunReport; expected: Array<[string, string]> }>([
    {
      name: "the workflow run only, without a deployment",
      report: { ...BASE, status: "created", task: { taskId: 3, requestId: "", origin: "created" } },
      expected: [["https://github.com/acme/fw/actions/runs/42", "Workflow run"]],
    },
    {
      name: "the deployment first when the run has one",
      report: { ...BASE, status: "succeeded", follow: follow(0, 4), deployment },
      expected: [
        [deployment.url, "Deployment in production"],
        ["https://github.com/acme/fw/actions/runs/42", "Workflow run"],
      ],
    },
    {
      name: "none that is not http(s), nor an environment's name as a link",
      report: {
        ...BASE,
        runUrl: "javascript:alert(1)",
        deployment: { ...deployment, environment: "prod](javascript:alert(1))" },
      },
      expected: [[deployment.url, "Deployment in prod](javascript:alert(1))"]],
    },
  ])("$name", ({ report, expected }) => {
    expect(links(summaryMarkdown(report))).toEqual(expected);
  });

  it("names the task as text: Tencent has no console address for it", () => {
    const md = summaryMarkdown({
      ...BASE,
      status: "created",
      task: { taskId: 1003, requestId: "", origin: "created" },
    });
    expect(md).toContain(
      "[Workflow run](https://github.com/acme/fw/actions/runs/42) · Task 1003\n",
    );
  });
});
