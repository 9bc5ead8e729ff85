import { describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type EmulatorOptions } from "./emulator/index.js";
import { runAction } from "./support/run-action.js";
import { sampleInputs } from "./support/sample-inputs.js";

// Exactly-once under faults, through the bundled action as a process and in real time: the
// lookup window (request-timeout + 20 s) is really waited out. faults.test.ts has the tables.
const WINDOW_TEST_MS = 60_000;

async function withEmulator(
  body: (emulator: Emulator) => Promise<void>,
  options: EmulatorOptions = {},
): Promise<void> {
  const emulator = await startEmulator(options);
  try {
    await body(emulator);
  } finally {
    await emulator.close();
  }
}

function inputsFor(emulator: Emulator) {
  return sampleInputs(emulator, { "firmware-original-version": "1.0.0", "request-timeout": "1" });
}

const calls = (emulator: Emulator, action: string) =>
  emulator.requests.filter((r) => r.action === action).length;

describe.concurrent("the bundled action, in real time", () => {
  it(
    "a connection reset: four looks over 21 s, then sent once more",
    () => {
      // When each exchange ended, as the emulator saw it: the window is timed from the reset,
      // not from a process start that a busy machine makes slow.
      const ended: Array<{ action: string | undefined; at: number }> = [];
      const onRequest = ({ action }: { action?: string }) => ended.push({ action, at: Date.now() });
      return withEmulator(
        async (emulator) => {
          emulator.script("BatchUpdateFirmware", { type: "reset-before" });
          const run = await runAction({ inputs: inputsFor(emulator) });
          const reset = ended.find((e) => e.action === "BatchUpdateFirmware")!.at;
          const looks = ended.filter((e) => e.action === "DescribeFirmwareTasks" && e.at > reset);
          expect(looks).toHaveLength(4);
          // The last look is 21 s after the reset by the action's clock; a second of it is left
          // for the emulator noting the reset late, its event loop being busy.
          expect(looks.at(-1)!.at - reset).toBeGreaterThanOrEqual(20_000);
          expect(run.code).toBe(0);
          expect(emulator.tasks).toHaveLength(1);
          expect(run.outputs["task-id"]).toBe("1");
          expect(calls(emulator, "BatchUpdateFirmware")).toBe(2);
          expect(calls(emulator, "DescribeFirmwareTasks")).toBe(5);
        },
        { onRequest },
      );
    },
    WINDOW_TEST_MS,
  );

  it("an answer lost after the task was created: found, not sent again", () =>
    withEmulator(async (emulator) => {
      emulator.script("BatchUpdateFirmware", { type: "lost-after-process" });
      const run = await runAction({ inputs: inputsFor(emulator) });
      expect(run.code).toBe(0);
      expect(emulator.tasks).toHaveLength(1);
      expect(run.outputs["task-id"]).toBe("1");
      expect(calls(emulator, "BatchUpdateFirmware")).toBe(1);
    }));
});
