import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NameList } from "../../src/waves/name-list.js";
import { planWaves } from "../../src/waves/plan.js";
import { waveSizes } from "../../src/waves/settings.js";
import { productSeed, SAMPLE_PRODUCT_ID, startEmulator, type Emulator } from "../emulator/index.js";
import { runAction, type ActionRun } from "../support/run-action.js";
import { sampleInputs } from "../support/sample-inputs.js";

// Exact plans, with the bundled action as a process against the emulator: a device-list that
// repeats names, and canaries that are not in it. Every device is up to date at once, so a wave
// ends at its first poll.
const DEVICES = Array.from({ length: 20 }, (_, i) => `dev-${String(i + 1).padStart(3, "0")}`);
const SPEC = "2, 25%, 50%, 100%";

async function withList<T>(
  lines: readonly string[],
  body: (
    emulator: Emulator,
    run: (extra: Record<string, string>) => Promise<ActionRun>,
  ) => Promise<T>,
): Promise<T> {
  const emulator = await startEmulator({
    products: { [SAMPLE_PRODUCT_ID]: productSeed({ deviceCount: 20 }) },
    devicePlans: Object.fromEntries(DEVICES.map((name) => [name, "up-to-date"])),
  });
  const dir = await mkdtemp(join(tmpdir(), "exact-waves-"));
  await writeFile(join(dir, "fleet.txt"), `${lines.join("\n")}\n`);
  const run = (extra: Record<string, string>): Promise<ActionRun> =>
    runAction({
      inputs: sampleInputs(emulator, { "device-list": "fleet.txt", waves: SPEC, ...extra }),
      cwd: dir,
    });
  try {
    return await body(emulator, run);
  } finally {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const warnings = (run: ActionRun): string[] =>
  run.stdout.split("\n").filter((line) => line.startsWith("::warning"));
const creates = (emulator: Emulator) =>
  emulator.requests.filter((r) => r.action === "BatchUpdateFirmware" && r.status === 200);

describe.concurrent("exact plans (process)", () => {
  it("a device-list that repeats names: one warning, each device in one wave, no task twice", () => {
    // dev-003 three times, dev-011 and dev-020 twice: 3 devices, 4 extra lines.
    const lines = [...DEVICES.slice(0, 12), "dev-003", "dev-011", ...DEVICES.slice(12), "dev-020"];
    lines.splice(5, 0, "dev-003");
    return withList(lines, async (emulator, run) => {
      const first = await run({ "canary-devices": "dev-007, dev-007" });
      expect(first.errors).toEqual([]);
      expect(first.code).toBe(0);
      expect(warnings(first)).toEqual([
        "::warning::device-list fleet.txt names 3 device(s) more than once (4 extra entries; first: dev-003, dev-011, dev-020): each is planned once.",
      ]);
      const planned = planWaves(NameList.fromStrings(DEVICES), "2.0.0", waveSizes(SPEC), [
        "dev-007",
      ]).map((wave) => wave.names());
      expect(emulator.tasks.map((task) => task.deviceNames)).toEqual(planned);
      expect(emulator.tasks.flatMap((task) => task.deviceNames ?? []).sort()).toEqual(DEVICES);
      expect(first.outputs).toMatchObject({
        "waves-completed": "5",
        "waves-total": "5",
        "device-count": String(DEVICES.length),
      });

      const second = await run({ "canary-devices": "dev-007, dev-007" });
      expect(second.code).toBe(0);
      expect(creates(emulator)).toHaveLength(5);
      expect(second.outputs).toMatchObject({ "task-ids": "1,2,3,4,5", "waves-completed": "5" });
    });
  });

  it("canary-devices outside the device-list: one ::error:: line, and not one request sent", () =>
    withList(DEVICES, async (emulator, run) => {
      const result = await run({ "canary-devices": "dev-001, lab-cam-9, lab-cam-10" });
      expect(result.code).toBe(1);
      expect(result.errors).toEqual([
        "::error::Invalid input 'canary-devices': 'lab-cam-9'. Expected each canary to be one of the devices of device-list fleet.txt (canaries are the rollout's first wave); 2 of the 3 canaries are not, this one first.",
      ]);
      expect(emulator.requests).toEqual([]);
      expect(result.outputs["status"]).toBe("failed");
    }));
});
