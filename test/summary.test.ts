import { describe, expect, it } from "vitest";
import type { FollowResult } from "../src/follow/follow-task.js";
import { parseInputs, INPUT_NAMES, type RawInputs } from "../src/inputs/read-inputs.js";
import { tally } from "../src/follow/progress.js";
import type { RunReport } from "../src/report/run-report.js";
import { summaryMarkdown } from "../src/report/summary.js";
import { MAX_DEVICE_ROWS as MAX_FAILED_ROWS } from "../src/report/device-tables.js";
import { NO_FINDINGS } from "../src/follow/judge.js";

function inputs(extra: Partial<RawInputs> = {}) {
  const raw = Object.fromEntries(INPUT_NAMES.map((name) => [name, ""])) as RawInputs;
  return parseInputs(
    {
      ...raw,
      "product-id": "ABCDE12345",
      "firmware-version": "2.0.0",
      "firmware-original-version": "1.0.0",
      "secret-id": "AKIDx",
      "secret-key": "key-x",
      ...extra,
    },
    {},
  );
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

describe("summaryMarkdown", () => {
  it("a followed rollout: the facts, the counts by state, the failed devices", () => {
    const md = summaryMarkdown({
      ...BASE,
      task: { taskId: 17, requestId: "req-1", origin: "created" },
      follow: follow(2, 8),
      status: "failed",
      error: "2 device(s) of task 17 failed to upgrade",
    });
    expect(md).toContain("### Firmware rollout: failed");
    for (const row of [
      "| Product | ABCDE12345 |",
      "| Firmware | 2.0.0 |",
      "| From version | 1.0.0 |",
      "| Upgrade | silent |",
      "| Devices | every device now on 1.0.0 |",
      "| Task | 17 |",
      "| RequestId | req-1 |",
      "| Endpoint | https&#58;//iotvideo.tencentcloudapi.com |",
      "| Workflow run | https&#58;//github.com/acme/fw/actions/runs/42 |",
      "| done | 8 |",
      "| failed | 2 |",
    ])
      expect(md).toContain(row);
    expect(md).toContain("After 1m35s: 8 of 10 upgraded; 2 failed, 0 allowed; 0 pending.");
    // Outside text cannot break the table or inject HTML.
    expect(md).toContain(
      "| cam-0 | failed | -3 | download failed &#124; &#60;b&#62;checksum&#60;/b&#62; |",
    );
    expect(md).toContain("**What failed:** 2 device(s) of task 17 failed to upgrade");
    expect(md).toContain("The task goes on upgrading devices on Tencent's side.");
  });

  it("caps the failed devices, counting the rest, and stays small for a huge fleet", () => {
    const md = summaryMarkdown({
      ...BASE,
      task: { taskId: 1, requestId: "", origin: "created" },
      follow: follow(10_000, 90_000),
    });
    expect(md.match(/^\| cam-/gm)).toHaveLength(MAX_FAILED_ROWS);
    expect(md).toContain(`…and ${10_000 - MAX_FAILED_ROWS} more.`);
    expect(Buffer.byteLength(md)).toBeLessThan(32 * 1024);
    expect(md).not.toContain("| RequestId |");
  });

  it("a failure before any task says that none was created", () => {
    const md = summaryMarkdown({
      ...BASE,
      status: "failed",
      error: "Firmware 2.0.0 is not registered",
    });
    expect(md).toContain("### Firmware rollout: failed");
    expect(md).not.toContain("| Task |");
    expect(md).toContain("No task was created by this step");
  });

  it("a dry run shows the request it would have sent", () => {
    const md = summaryMarkdown({
      ...BASE,
      inputs: inputs({ "dry-run": "true" }),
      status: "dry-run",
      request: { ProductID: "ABCDE12345", FirmwareVersion: "2.0.0", FirmwareOriVersion: "1.0.0" },
    });
    expect(md).toContain("### Firmware rollout: dry run, nothing changed");
    expect(md).toContain('```json\n{\n  "ProductID": "ABCDE12345"');
  });

  it("a failed wave: its gate in numbers, its failed and pending devices, the cancels", () => {
    const result: FollowResult = {
      ...follow(2, 8),
      counts: tally({
        infos: [
          { status: 6, total: 8 },
          { status: 5, total: 2 },
          { status: 0, total: 1 },
        ],
        unreadable: 0,
      }),
      gate: { maxFailed: { count: 1 }, success: { percent: 95 }, expected: 11 },
    };
    result.devices = {
      ...result.devices,
      pending: [{ name: "cam-off", status: 0, message: "" }],
    };
    const md = summaryMarkdown({
      ...BASE,
      status: "failed",
      waves: [
        { number: 1, devices: 2, canary: true, firstNames: [], taskId: 10, verdict: "passed" },
        {
          number: 2,
          devices: 11,
          canary: false,
          firstNames: [],
          taskId: 11,
          verdict: "failed",
          gate: "8 of 11 upgraded, 11 needed; 2 failed, 1 allowed",
          follow: result,
          cancel: { cancelled: 3, skipped: 1, failed: 0, notTried: 0 },
        },
      ],
      error: "Wave 2 (task 11) stopped the rollout",
    });
    expect(md).toContain(
      "| 2 | 11 | 11 |  |  |  |  | failed | 8 of 11 upgraded, 11 needed; 2 failed, 1 allowed |",
    );
    expect(md).toContain("#### Wave 2: failed");
    expect(md).toContain(
      "After 1m35s: 8 of 11 upgraded, 11 needed; 2 failed, 1 allowed; 1 pending.",
    );
    expect(md).toContain("| Failed device | Status | Return code | Tencent's message |");
    expect(md).toContain("| Not upgraded | Status | Return code | Tencent's message |");
    expect(md).toContain("| cam-off | offline |  |  |");
    expect(md).toContain(
      "Cancelled 3 not-started device(s); 1 had moved on; 0 could not be cancelled; 0 not tried.",
    );
    expect(md).not.toContain("#### Wave 1");
  });

  it("says where a tag-derived version came from, and a followed re-run", () => {
    const md = summaryMarkdown({
      ...BASE,
      inputs: parseInputsFromTag(),
      task: { taskId: 5, requestId: "", origin: "followed" },
      status: "created",
    });
    expect(md).toContain("| Firmware | 1.4.0 (from the tag) |");
    expect(md).toContain("| Task | 5 (already running; followed, not created again) |");
  });
});

function parseInputsFromTag() {
  const raw = Object.fromEntries(INPUT_NAMES.map((name) => [name, ""])) as RawInputs;
  return parseInputs(
    {
      ...raw,
      "product-id": "P1",
      "firmware-original-version": "1.0.0",
      "secret-id": "AKIDx",
      "secret-key": "k-x",
    },
    { GITHUB_REF: "refs/tags/v1.4.0" },
  );
}
