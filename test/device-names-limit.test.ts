import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ENV_WARN_BYTES, nearEnvLimit } from "../src/inputs/device-names.js";

/** `count` names of 19 characters, one per line, as a workflow would list them. */
const names = (count: number) =>
  Array.from({ length: count }, (_, i) => `camera-sn-${String(i).padStart(9, "0")}`).join("\n");

describe("nearEnvLimit", () => {
  it.each([
    { name: "a few names", value: names(10), expected: false },
    { name: "just under the warning size", value: "x".repeat(ENV_WARN_BYTES - 1), expected: false },
    { name: "the warning size", value: "x".repeat(ENV_WARN_BYTES), expected: true },
    { name: "5,200 names (103,999 bytes)", value: names(5_200), expected: true },
    // Bytes, not characters: the kernel counts bytes.
    { name: "multi-byte characters", value: "é".repeat(ENV_WARN_BYTES / 2), expected: true },
  ])("$name: $expected", ({ value, expected }) => {
    expect(nearEnvLimit(value)).toBe(expected);
  });

  it.runIf(process.platform === "linux")("warns before Linux refuses the variable", () => {
    const start = (value: string) =>
      spawnSync(process.execPath, ["-e", "0"], { env: { "INPUT_DEVICE-NAMES": value } }).error;
    const under = names(6_500); // 129,999 bytes: still starts, and is warned about
    expect(start(under)).toBeUndefined();
    expect(nearEnvLimit(under), "a list that still starts is warned about").toBe(true);
    expect(start(names(6_600)), "132,000 bytes").toMatchObject({ code: "E2BIG" });
  });
});
