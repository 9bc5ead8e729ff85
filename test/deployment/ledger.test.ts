import { describe, expect, it } from "vitest";
import {
  fit,
  MAX_DESCRIPTION,
  readLedger,
  taskLine,
  waveLine,
} from "../../src/deployment/ledger.js";

const at = (iso: string) => Date.parse(iso);
const status = (description: string, createdAt = at("2026-12-01T10:00:00Z")) => ({
  state: "in_progress",
  description,
  createdAt,
});

describe("the ledger in deployment statuses", () => {
  it("reads each wave's task and when it first passed, newest status first as GitHub lists them", () => {
    const ledger = readLedger(
      [
        status("wave 2/5 · task 1002 · passed: 900 of 1,000 upgraded", at("2026-12-02T09:00:00Z")),
        status("wave 2/5 · task 1002 · created: 1,000 devices", at("2026-12-02T08:00:00Z")),
        status("wave 1/5 · task 1001 · passed: 10 of 10 upgraded", at("2026-12-01T11:00:00Z")),
        status("wave 1/5 · task 1001 · passed: 10 of 10 upgraded", at("2026-12-01T10:30:00Z")),
        status("wave 1/5 · task 1001 · created: 10 devices", at("2026-12-01T10:00:00Z")),
        status("task 77 · something a person wrote"),
      ],
      5,
    );
    expect(ledger).toEqual(
      new Map([
        [2, { taskId: 1002, passedAt: at("2026-12-02T09:00:00Z") }],
        [1, { taskId: 1001, passedAt: at("2026-12-01T10:30:00Z") }],
      ]),
    );
  });

  it("leaves passedAt unset for a wave that was created and not seen passing", () => {
    expect(readLedger([status("wave 3/5 · task 9 · created: 5 devices")], 5)).toEqual(
      new Map([[3, { taskId: 9 }]]),
    );
  });

  it.each([
    {
      name: "one wave with two tasks",
      lines: ["wave 1/5 · task 1 · created", "wave 1/5 · task 2 · created"],
    },
    { name: "another plan's wave count", lines: ["wave 1/4 · task 1 · created"] },
    { name: "a wave past the plan", lines: ["wave 6/5 · task 1 · created"] },
    { name: "wave zero", lines: ["wave 0/5 · task 1 · created"] },
    {
      name: "a task id past 2^53",
      lines: [
        "wave 1/5 · task 999999999999999 · created".replace("999999999999999", "9007199254740993"),
      ],
    },
  ])("distrusts the whole record with $name", ({ lines }) => {
    expect(
      readLedger(
        lines.map((line) => status(line)),
        5,
      ),
    ).toBeUndefined();
  });

  it("ignores lines that only look like a wave's", () => {
    const lines = ["Wave 1/5 · task 1 · created", "wave 1/5 task 1", "wave 1/5 · task x · y"];
    expect(
      readLedger(
        lines.map((line) => status(line)),
        5,
      ),
    ).toEqual(new Map());
  });

  it("keeps every line within GitHub's 140 characters, and what it writes reads back", () => {
    const long = waveLine(12, 40, 123456789, `passed: ${"x".repeat(300)}`);
    expect([...long].length).toBe(MAX_DESCRIPTION);
    expect(readLedger([status(long)], 40)).toEqual(
      new Map([[12, { taskId: 123456789, passedAt: expect.any(Number) }]]),
    );
    expect([...taskLine(5, "é".repeat(500))].length).toBe(MAX_DESCRIPTION);
    expect(fit("short")).toBe("short");
  });
});
