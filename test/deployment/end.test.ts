import { describe, expect, it } from "vitest";
import { lastStatus } from "../../src/deployment/end.js";
import type { RunReport, WaveReport } from "../../src/report/run-report.js";

const wave = (number: number, verdict: WaveReport["verdict"], taskId?: number): WaveReport => ({
  number,
  devices: 10,
  canary: false,
  firstNames: [],
  verdict,
  ...(taskId === undefined
    ? {}
    : { taskId, gate: "10 of 10 upgraded, 10 needed; 0 failed, 0 allowed" }),
});

describe("the deployment's last status of a run", () => {
  it.each([
    {
      name: "every wave passed",
      report: { status: "succeeded", waves: [wave(1, "passed", 11), wave(2, "passed", 12)] },
      state: "success",
      line: /^wave 2\/2 · task 12 · passed, all waves done: 10 of 10 upgraded/,
    },
    {
      name: "waves left for a later run",
      report: { status: "succeeded", waves: [wave(1, "passed", 11), wave(2, "next run")] },
      state: "in_progress",
      line: /^wave 1\/2 · task 11 · passed: 1 of 2 waves done, a later run goes on$/,
    },
    {
      name: "a wave that failed",
      report: {
        status: "failed",
        error: "3 device(s) failed",
        waves: [
          wave(1, "passed", 11),
          { ...wave(2, "failed", 12), gate: "5 of 10 upgraded; 3 failed, 0 allowed" },
        ],
      },
      state: "failure",
      line: /^wave 2\/2 · task 12 · failed: 5 of 10 upgraded; 3 failed, 0 allowed$/,
    },
    {
      name: "a wave run that failed before any task",
      report: {
        status: "failed",
        error: "DescribeFirmwareTaskDevices failed",
        waves: [wave(1, "not started")],
      },
      state: "error",
      line: /^no wave task: DescribeFirmwareTaskDevices failed$/,
    },
    {
      name: "a task created without wait",
      report: { status: "created", task: { taskId: 7, requestId: "r", origin: "created" } },
      state: "in_progress",
      line: /^task 7 · created; not followed$/,
    },
    {
      name: "a failure before any task",
      report: { status: "failed", error: "ResourceNotFound.FirmwareNotExist" },
      state: "error",
      line: /^no task: ResourceNotFound.FirmwareNotExist$/,
    },
  ] as Array<{ name: string; report: RunReport; state: string; line: RegExp }>)(
    "$name: $state",
    ({ report, state, line }) => {
      const last = lastStatus(report);
      expect(last?.state).toBe(state);
      expect(last?.description).toMatch(line);
    },
  );

  it("posts nothing after a dry run", () => {
    expect(lastStatus({ status: "dry-run", waves: [wave(1, "not started")] })).toBeUndefined();
  });
});
