import { afterEach, describe, expect, it } from "vitest";
import { NameList } from "../../src/waves/name-list.js";
import { planWaves } from "../../src/waves/plan.js";
import { waveSizes } from "../../src/waves/settings.js";
import { startFleet, type Fleet } from "../support/hostile/fleet-stand-in.js";
import { runAction } from "../support/run-action.js";

// The bundled action as a process against the fleet stand-in: the gates hold in the shipped
// code too, not only in-process. Each run ends at its first or second poll.
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

const names = (n: number) =>
  Array.from({ length: n }, (_, i) => `cam-${String(i + 1).padStart(3, "0")}`);

const inputs = (url: string, extra: Record<string, string>) => ({
  "product-id": "ABCDE12345",
  "firmware-version": "2.0.0",
  "secret-id": "AKIDstandin",
  "secret-key": "standin-key",
  endpoint: url,
  ...extra,
});

describe("waves as a process, against a misbehaving fleet", () => {
  it("rows that repeat page after page: 40 failures are still 40", async () => {
    const devices = names(150);
    const [order] = planWaves(NameList.fromStrings(devices), "2.0.0", waveSizes("100%")).map((w) =>
      w.names(),
    );
    const upToDate = new Set(order!.slice(0, 30));
    const failing = new Set(order!.slice(100, 140));
    fleet = await startFleet({
      paging: "ignore-offset",
      script: (device) =>
        upToDate.has(device)
          ? { status: 5, errMsg: "firmware no need update." }
          : failing.has(device)
            ? { status: 5, errMsg: "download failed" }
            : { status: 6 },
    });
    const run = await runAction({
      inputs: inputs(fleet.url, {
        "device-names": devices.join(","),
        waves: "100%",
        "max-failed-devices": "5",
      }),
    });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      expect.stringContaining(
        "40 device(s) failed, more than max-failed-devices allows (5); 110 of 150 upgraded, 143 needed; 40 failed, 5 allowed. Failed: 40 device(s), not named: their rows were not among those read.",
      ),
    ]);
    expect(run.outputs).toMatchObject({
      status: "failed",
      "task-ids": "1001",
      "waves-completed": "0",
    });
  });

  it("canaries awaiting a confirmation nobody gives: no second wave", async () => {
    fleet = await startFleet({ script: () => ({ status: 8 }) });
    const run = await runAction({
      inputs: inputs(fleet.url, {
        "device-names": names(6).join(","),
        "canary-devices": "cam-001",
        waves: "100%",
        "upgrade-method": "confirm",
        "wait-timeout": "1s",
      }),
    });
    expect(run.code).toBe(1);
    expect(fleet.creates()).toEqual([["cam-001"]]);
    expect(run.errors[0]).toContain(
      "not enough devices upgraded when wait-timeout (1s) passed (0 of 1 upgraded, 1 needed; 0 failed, 0 allowed). Not upgraded: cam-001 (awaiting confirmation)",
    );
  });
});
