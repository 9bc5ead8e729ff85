import { describe, expect, it } from "vitest";
import type { TaskList } from "../../src/task/list-tasks.js";
import { NameList } from "../../src/waves/name-list.js";
import { planWaves } from "../../src/waves/plan.js";
import { untaskedDevices, waveTask, type VersionRows } from "../../src/waves/resume.js";

// Which task is a wave's, from the version's device rows as listed: rows may be missing,
// repeated or belong to console tasks. `sizes` is what each task's distribution would count.
const NAMES = ["a", "b", "c", "d", "e"];
const [wave] = planWaves(NameList.fromStrings(NAMES), "2.0.0", [{ percent: 100 }]);

function rows(tasks: Array<[number, string[]]>): VersionRows {
  return new Map(tasks.map(([id, names]) => [id, { devices: new Set(names), lastUpgradeS: 0 }]));
}

describe("waveTask", () => {
  it.each<{
    name: string;
    tasks: Array<[number, string[]]>;
    sizes?: Record<number, number>;
    found: number | undefined;
  }>([
    {
      name: "a task of exactly the wave's devices",
      tasks: [[7, ["e", "d", "c", "b", "a"]]],
      found: 7,
    },
    { name: "a console task of more devices", tasks: [[7, [...NAMES, "z"]]], found: undefined },
    {
      name: "one row missing, the task's distribution counting all five",
      tasks: [[7, ["a", "b", "c", "d"]]],
      sizes: { 7: 5 },
      found: 7,
    },
    {
      name: "a console task of four of them (its distribution counts four)",
      tasks: [[7, ["a", "b", "c", "d"]]],
      sizes: { 7: 4 },
      found: undefined,
    },
    { name: "a console task of two", tasks: [[7, ["a", "b"]]], sizes: { 7: 5 }, found: undefined },
    {
      name: "the wave's task beside a console task of two of its devices",
      tasks: [
        [3, ["a", "b"]],
        [7, ["c", "d", "e"]],
      ],
      found: 7,
    },
    { name: "none", tasks: [], found: undefined },
  ])("$name → $found", async ({ tasks, sizes = {}, found }) => {
    const task = await waveTask(wave!, rows(tasks), async (id) => sizes[id] ?? 0);
    expect(task?.taskId).toBe(found);
  });

  it("gives the wave's last upgrade time, so a resumed run counts its pause from there", async () => {
    const versionRows: VersionRows = new Map([
      [7, { devices: new Set(NAMES), lastUpgradeS: 1_700_000_000 }],
    ]);
    expect(await waveTask(wave!, versionRows, async () => 0)).toEqual({
      taskId: 7,
      devices: 5,
      lastUpgradeMs: 1_700_000_000_000,
    });
  });
});

describe("untaskedDevices", () => {
  const listed = (ids: number[], created: Record<number, number> = {}): TaskList => ({
    tasks: new Map(ids.map((id) => [id, "req"])),
    created: new Map(Object.entries(created).map(([id, t]) => [Number(id), t])),
    complete: true,
  });
  const NOW = 1_800_000_000_000;

  it("leaves out devices that any task of the version holds", async () => {
    const names = await untaskedDevices(
      wave!,
      rows([[3, ["b", "z"]]]),
      listed([3]),
      async () => 2,
      NOW,
    );
    expect(names).not.toBe("all");
    expect([...names].sort()).toEqual(["a", "c", "d", "e"]);
  });

  it.each<{
    name: string;
    tasks: Array<[number, string[]]>;
    ids: number[];
    size: number;
    created?: number;
  }>([
    { name: "a listed task with no rows yet but devices", tasks: [], ids: [9], size: 5 },
    {
      name: "a task of this wave with fewer rows than devices",
      tasks: [[9, ["a"]]],
      ids: [9],
      size: 5,
    },
    {
      name: "a task just created that reports nothing yet",
      tasks: [],
      ids: [9],
      size: 0,
      created: NOW / 1000 - 60,
    },
  ])("creates nothing when $name", async ({ tasks, ids, size, created }) => {
    await expect(
      untaskedDevices(
        wave!,
        rows(tasks),
        listed(ids, created === undefined ? {} : { 9: created }),
        async () => size,
        NOW,
      ),
    ).rejects.toThrow(/wave 1 is not created rather than risk sending a device twice/);
  });

  it("an old task of no devices is not in the way", async () => {
    const names = await untaskedDevices(
      wave!,
      rows([]),
      listed([9], { 9: NOW / 1000 - 86_400 }),
      async () => 0,
      NOW,
    );
    expect(names).toBe("all");
  });

  it("a cut task list stops the wave", async () => {
    await expect(
      untaskedDevices(
        wave!,
        rows([]),
        { tasks: new Map(), complete: false, cut: "cut at 2,000" },
        async () => 0,
        NOW,
      ),
    ).rejects.toThrow(/task list could not be read whole \(cut at 2,000\)/);
  });
});
