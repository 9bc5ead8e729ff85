import { describe, expect, it } from "vitest";
import { InputError } from "../src/run/errors.js";
import { duration, failureThreshold, flag, versionFromRef } from "../src/inputs/values.js";

const HOUR = 3_600_000;

describe("duration", () => {
  it.each([
    { value: "90s", ms: 90_000 },
    { value: "30m", ms: 1_800_000 },
    { value: "2h", ms: 2 * HOUR },
    { value: "45", ms: 45_000 },
    { value: "1.5m", ms: 90_000 },
    { value: "6h", ms: 6 * HOUR },
  ])("$value → $ms ms", ({ value, ms }) => {
    expect(duration("wait-timeout", value, 1000, 6 * HOUR)).toBe(ms);
  });

  it.each(["", "7h", "ten minutes", "-5s", "5 d", "0"])("refuses %j", (value) => {
    expect(() => duration("wait-timeout", value, 1000, 6 * HOUR)).toThrow(
      /Invalid input 'wait-timeout'.*Expected a duration from 1s to 6h/,
    );
  });

  it("says the minimum of poll-interval", () => {
    expect(() => duration("poll-interval", "2s", 5000, 6 * HOUR)).toThrow(/from 5s to 6h/);
  });
});

describe("failureThreshold", () => {
  it.each([
    { value: "0", expected: { count: 0 } },
    { value: "3", expected: { count: 3 } },
    { value: "5%", expected: { percent: 5 } },
    { value: "2.5 %", expected: { percent: 2.5 } },
    { value: "100%", expected: { percent: 100 } },
  ])("$value", ({ value, expected }) => {
    expect(failureThreshold("max-failed-devices", value)).toEqual(expected);
  });

  it.each(["-1", "101%", "five", "3.5", "%"])("refuses %j", (value) => {
    expect(() => failureThreshold("max-failed-devices", value)).toThrow(InputError);
  });
});

describe("flag", () => {
  it.each([
    ["true", true],
    ["TRUE", true],
    ["yes", true],
    ["false", false],
    ["", false],
    ["0", false],
  ] as const)("%j → %s", (value, expected) => {
    expect(flag("wait", value)).toBe(expected);
  });

  it("refuses anything else, naming the input", () => {
    expect(() => flag("dry-run", "maybe")).toThrow(
      "Invalid input 'dry-run': 'maybe'. Expected true or false.",
    );
  });
});

describe("versionFromRef", () => {
  it.each([
    { ref: "refs/tags/v1.4.0", version: "1.4.0" },
    { ref: "refs/tags/V2.0.0", version: "2.0.0" },
    { ref: "refs/tags/1.4.0", version: "1.4.0" },
    { ref: "refs/tags/vendor-build", version: "vendor-build" },
    { ref: "refs/tags/vv1", version: "vv1" },
    { ref: "refs/heads/main", version: undefined },
    { ref: undefined, version: undefined },
  ])("$ref → $version", ({ ref, version }) => {
    expect(versionFromRef(ref)).toBe(version);
  });
});
