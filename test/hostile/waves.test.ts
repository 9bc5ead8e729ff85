import { afterEach, describe, expect, it } from "vitest";
import { NameList } from "../../src/waves/name-list.js";
import { planWaves } from "../../src/waves/plan.js";
import { waveSizes } from "../../src/waves/settings.js";
import { startFleet, type Fleet, type FleetOptions } from "../support/hostile/fleet-stand-in.js";
import { runInProcess } from "../support/in-process.js";

// Waves against a fleet stand-in that behaves as real servers and fleets do: devices that wait
// for a confirmation or are offline, enrolment that lags, counts sent as strings, pages that
// repeat or shift, rows that go missing, cancelled devices reported oddly, console tasks. Each
// run is in-process on a clock the test controls: pauses and wait-timeouts cost no real time.

const DAY = 86_400_000;
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

/** A clock the test sets: sleeping moves it, and the fleet's rows read the same time. */
function testClock(startMs = Date.now()) {
  let at = startMs;
  return {
    now: () => at,
    sleep: async (ms: number) => void (at += ms),
    elapsed: () => at - startMs,
    set: (ms: number) => void (at = ms),
  };
}

const names = (n: number, prefix = "cam") =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(3, "0")}`);

/** The waves as the action plans them, to script devices by the wave they fall in. */
const plan = (devices: string[], spec: string, canaries: string[] = []) =>
  planWaves(NameList.fromStrings(devices), "2.0.0", waveSizes(spec), canaries).map((w) =>
    w.names(),
  );

async function start(options: FleetOptions & { clock?: ReturnType<typeof testClock> } = {}) {
  const clock = options.clock ?? testClock();
  fleet = await startFleet({ nowSeconds: () => Math.floor(clock.now() / 1000), ...options });
  const run = (inputs: Record<string, string>) =>
    runInProcess(
      {
        "product-id": "ABCDE12345",
        "firmware-version": "2.0.0",
        "secret-id": "AKIDstandin",
        "secret-key": "standin-key",
        endpoint: fleet!.url,
        "poll-interval": "15s",
        "wait-timeout": "10m",
        ...inputs,
      },
      clock,
    );
  return { fleet, clock, run };
}

describe("a wave passes only when its devices prove it", () => {
  it.each([
    {
      name: "canaries awaiting a confirmation nobody gives",
      status: 8,
      state: "awaiting confirmation",
    },
    { name: "offline canaries", status: 0, state: "offline" },
  ])("$name: the canary wave never passes, the fleet gets nothing", async ({ status, state }) => {
    const devices = names(10);
    const { fleet, run } = await start({ script: () => ({ status }) });
    const result = await run({
      "device-names": devices.join(","),
      "canary-devices": "cam-001,cam-002",
      waves: "100%",
      "upgrade-method": "confirm",
    });
    expect(result.code).toBe(1);
    expect(fleet.creates()).toEqual([["cam-001", "cam-002"]]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toContain(
      `Wave 1 (task 1001) stopped the rollout: not enough devices upgraded when wait-timeout (10m00s) passed (0 of 2 upgraded, 2 needed; 0 failed, 0 allowed). Not upgraded: cam-001 (${state}), cam-002 (${state})`,
    );
    expect(result.errors[0]).toContain("8 device(s) of later waves never got the firmware");
  });

  it("a distribution that lags enrolment is not success: wave 2 waits for wave 1's devices", async () => {
    const devices = names(6);
    const { fleet, run } = await start({ enrolmentPolls: 2 });
    const result = await run({ "device-names": devices.join(","), waves: "2, 100%" });
    expect(result.errors).toEqual([]);
    expect(result.stdout).toContain("Task 1001 after 0s: 0 pending");
    expect(result.stdout).toContain("(of 0).");
    // Wave 2 was created only after wave 1's third poll showed its two devices done.
    const order = fleet.calls.map((c) => c.action);
    const secondCreate = order.lastIndexOf("BatchUpdateFirmware");
    const wave1Polls = fleet.calls
      .slice(0, secondCreate)
      .filter(
        (c) => c.action === "DescribeFirmwareTaskDistribution" && c.params["TaskId"] === 1001,
      );
    expect(wave1Polls).toHaveLength(3);
    expect(result.stdout).toContain(
      "Wave 1 passed: 2 of 2 upgraded, 2 needed; 0 failed, 0 allowed.",
    );
  });

  it("counts sent as strings are read, not taken for 0 of 0", async () => {
    const devices = names(6);
    const [, second] = plan(devices, "2, 100%");
    const { fleet, run } = await start({
      stringNumbers: true,
      script: (device) =>
        device === second![0] ? { status: 5, errMsg: "download failed" } : { status: 6 },
    });
    const result = await run({ "device-names": devices.join(","), waves: "2, 100%" });
    expect(result.code).toBe(1);
    expect(fleet.creates()).toHaveLength(2);
    expect(result.errors[0]).toContain(
      `Wave 2 (task 1002) stopped the rollout: 1 device(s) failed, more than max-failed-devices allows (0); 3 of 4 upgraded, 4 needed; 1 failed, 0 allowed. Failed: ${second![0]} (retcode -1: download failed)`,
    );
  });
});

describe("per-device truth whatever the pages do", () => {
  // 150 devices in one wave: 30 already up to date in the first page of rows, 40 real failures.
  const devices = names(150);
  const [order] = plan(devices, "100%");
  const upToDate = new Set(order!.slice(0, 30));
  const failing = new Set(order!.slice(100, 140));
  const script = (device: string) =>
    upToDate.has(device)
      ? { status: 5, errMsg: "firmware no need update." }
      : failing.has(device)
        ? { status: 5, errMsg: "download failed" }
        : { status: 6 };

  it.each(["ignore-offset", "shift"] as const)(
    "pages that %s: 40 failures stay 40 failures",
    async (paging) => {
      const { run } = await start({ script, paging });
      const result = await run({
        "device-names": devices.join(","),
        waves: "100%",
        "max-failed-devices": "5",
      });
      expect(result.code).toBe(1);
      expect(result.errors[0]).toContain(
        "40 device(s) failed, more than max-failed-devices allows (5); 110 of 150 upgraded, 143 needed; 40 failed, 5 allowed",
      );
    },
  );
});

describe("cancelled devices settle", () => {
  const devices = names(12);
  const waves = plan(devices, "2, 50%, 100%");
  const [bad, good] = waves[1]!;
  // Wave 2: one device fails, one upgrades, the others never start: the cancel catches them.
  const script = (device: string) =>
    device === bad
      ? { status: 5, errMsg: "download failed" }
      : device !== good && waves[1]!.includes(device)
        ? { status: 1 }
        : { status: 6 };

  it("cancelled devices reported by an undocumented code: the re-run does not wait them out", async () => {
    const { fleet, run, clock } = await start({
      script,
      cancelledAs: { status: 9, errMsg: "" },
    });
    const inputs = {
      "device-names": devices.join(","),
      waves: "2, 50%, 100%",
      "on-failure": "cancel",
    };
    const first = await run(inputs);
    expect(first.code).toBe(1);
    expect(fleet.count("CancelDeviceFirmwareTask")).toBe(waves[1]!.length - 2);
    const before = clock.elapsed();
    const second = await run(inputs);
    expect(second.code).toBe(1);
    expect(clock.elapsed() - before).toBeLessThan(60_000);
    expect(second.stdout).toContain(`${waves[1]!.length - 2} in status 9 (undocumented)`);
    expect(fleet.creates()).toHaveLength(2);
  });

  it("cancelled devices leave the wave: with the failure allowed, the re-run goes on", async () => {
    const { fleet, run } = await start({ script });
    const inputs = {
      "device-names": devices.join(","),
      waves: "2, 50%, 100%",
      "on-failure": "cancel",
    };
    expect((await run(inputs)).code).toBe(1);
    const again = await run({ ...inputs, "max-failed-devices": "1" });
    // Wave 2's gate counts its devices less the cancelled ones, and one of those failed.
    expect(again.errors).toEqual([
      expect.stringContaining(
        "Wave 2 (task 1002) stopped the rollout: too few devices can still upgrade",
      ),
    ]);
    const relaxed = await run({ ...inputs, "max-failed-devices": "1", "wave-success": "1" });
    expect(relaxed.errors).toEqual([]);
    expect(fleet.creates()).toHaveLength(3);
    expect(relaxed.stdout).toContain("cancelled");
  });
});

describe("time: no run-wide clock", () => {
  it("a 20-minute wave-pause between three waves in one run", async () => {
    const { fleet, run, clock } = await start();
    const result = await run({
      "device-names": names(9).join(","),
      waves: "1, 50%, 100%",
      "wave-pause": "20m",
    });
    expect(result.errors).toEqual([]);
    expect(fleet.creates()).toHaveLength(3);
    expect(clock.elapsed()).toBeGreaterThanOrEqual(40 * 60_000);
    expect(result.stdout).toContain("Soaking for 20m00s (wave-pause 20m00s) before wave 2.");
  });

  it("a rollout over days: waves-per-run 1, the pause counted from the previous wave's pass", async () => {
    const clock = testClock();
    const start0 = clock.now();
    const { fleet, run } = await start({ clock });
    const inputs = {
      "device-names": names(9).join(","),
      waves: "1, 50%, 100%",
      "wave-pause": "30m",
      "waves-per-run": "1",
    };
    expect((await run(inputs)).outputs["waves-completed"]).toBe("1");
    // The next day: wave 1 passed long ago, so wave 2 is created without soaking.
    clock.set(start0 + DAY);
    const second = await run(inputs);
    expect(second.stdout).not.toContain("Soaking");
    expect(second.outputs).toMatchObject({ "waves-completed": "2", "task-ids": "1001,1002" });
    // Five minutes after wave 2's devices finished (a minute after its task): 25 minutes left.
    clock.set(fleet.tasks[1]!.created * 1000 + 6 * 60_000);
    const third = await run(inputs);
    expect(third.stdout).toContain(
      "Soaking for 25m00s (wave-pause 30m00s, wave 2 passed 5m00s ago) before wave 3.",
    );
    expect(third.outputs).toMatchObject({ "waves-completed": "3", "task-ids": "1001,1002,1003" });
    expect(fleet.creates()).toHaveLength(3);
  });
});

describe("retry-failed-devices", () => {
  const devices = names(4);
  const [first] = plan(devices, "100%");
  // One device fails its first attempt and succeeds when retried.
  const script = (device: string, _polls: number, retries: number) =>
    device === first![0] && retries === 0 ? { status: 5, errMsg: "flash error" } : { status: 6 };

  it("a device that fails once is retried, and the wave passes", async () => {
    const { fleet, run } = await start({ script });
    const result = await run({
      "device-names": devices.join(","),
      waves: "100%",
      "retry-failed-devices": "1",
    });
    expect(result.errors).toEqual([]);
    expect(fleet.count("RetryDeviceFirmwareTask")).toBe(1);
    expect(result.stdout).toContain(
      "Retried 1 failed device(s) of task 1001 (retry-failed-devices: 1).",
    );
  });

  it("without it, the same failure stops the rollout", async () => {
    const { fleet, run } = await start({ script });
    const result = await run({ "device-names": devices.join(","), waves: "100%" });
    expect(result.code).toBe(1);
    expect(fleet.count("RetryDeviceFirmwareTask")).toBe(0);
  });
});

describe("resume never sends a device twice, never takes a console task", () => {
  const devices = names(30);
  const waves = plan(devices, "10, 100%");
  const inputs = { "device-names": devices.join(","), waves: "10, 100%", "waves-per-run": "1" };

  it.each([
    { name: "a row of wave 1 missing", options: { hiddenRows: [waves[0]![3]!] } },
    { name: "TaskIds and statuses sent as strings", options: { stringNumbers: true } },
  ])("$name: the next run finds wave 1's task", async ({ options }) => {
    const { fleet, run } = await start(options);
    expect((await run(inputs)).code).toBe(0);
    const second = await run(inputs);
    expect(second.errors).toEqual([]);
    expect(fleet.creates()).toEqual([waves[0], waves[1]]);
  });

  it("a console task of two wave-2 devices: wave 2 is sent without them, and found again", async () => {
    const inConsole = waves[1]!.slice(0, 2);
    const { fleet, run } = await start({ consoleTasks: [inConsole] });
    await run(inputs);
    const second = await run(inputs);
    expect(second.stdout).toContain(
      "2 device(s) of wave 2 already have a task of firmware 2.0.0 (made outside this rollout): they are not sent again.",
    );
    expect(fleet.creates()[1]).toEqual(waves[1]!.filter((name) => !inConsole.includes(name)));
    const third = await run({ ...inputs, "waves-per-run": "all" });
    expect(third.errors).toEqual([]);
    expect(third.stdout).toContain("Wave 2 already has task 1003.");
    // A run that creates no wave still names the task it followed last.
    expect(third.outputs).toMatchObject({ "task-id": "1003", "task-ids": "1002,1003" });
    expect(fleet.creates()).toHaveLength(2);
  });

  it("a task whose rows are not listed yet: no wave is created rather than risk a duplicate", async () => {
    const { fleet, run } = await start({
      consoleTasks: [[waves[0]![0]!]],
      hiddenRows: [waves[0]![0]!],
    });
    const result = await run(inputs);
    expect(result.code).toBe(1);
    expect(result.errors[0]).toContain(
      "Task 1001 of this version holds 1 devices and 0 of its device rows are listed: wave 1 is not created",
    );
    expect(fleet.creates()).toEqual([]);
  });
});
