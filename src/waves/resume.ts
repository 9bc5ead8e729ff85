import { ActionError } from "../run/errors.js";
import { eachDeviceRow } from "../follow/device-rows.js";
import type { TaskList } from "../task/list-tasks.js";
import type { TencentClient } from "../tencent/client.js";
import { retryUnlessDefinite, withRetries, type RetryPolicy } from "../http/retry.js";
import { describeFirmwareTaskDistribution } from "../tencent/iotvideo/task-devices.js";
import type { Wave } from "./plan.js";
import { PAGE_SIZE } from "../tencent/assumptions.js";

/** 200,000 device rows of one version: far past a fleet's waves, and a bounded number of calls. */
export const MAX_ROW_PAGES = 2000;
const DONE = 6;
/** A task this old that still reports no device holds none (enrolment takes seconds, not an hour). */
const SETTLED_MS = 3_600_000;

/** One task of the version as its device rows show it. */
export interface TaskRows {
  /** Each device once, however often its rows were listed. */
  devices: Set<string>;
  /**
   * Set for a task this run created for a wave: its devices are that wave's, known without
   * rows (and not held as strings: a wave of 50,000 names would cost megabytes for nothing).
   */
  wave?: number;
  /** The latest LastProcessTime (unix s) of a device that finished upgrading, 0 when none says. */
  lastUpgradeS: number;
}

/** The firmware version's tasks and their devices, from the rows as listed. */
export type VersionRows = Map<number, TaskRows>;

/** What a version: firmware and product. */
interface Version {
  productId: string;
  firmwareVersion: string;
}

/**
 * The version's tasks and the devices each one holds, from DescribeFirmwareTaskDevices (which
 * lists every task's devices of the version; it takes no TaskId). Thrown when the rows cannot
 * all be read: then no one can tell which waves already have a task.
 */
export async function readVersionRows(
  client: TencentClient,
  version: Version,
  policy: RetryPolicy,
): Promise<VersionRows> {
  const tasks: VersionRows = new Map();
  const whole = await eachDeviceRow(client, version, policy, MAX_ROW_PAGES, (row) => {
    let task = tasks.get(row.taskId);
    if (task === undefined) tasks.set(row.taskId, (task = { devices: new Set(), lastUpgradeS: 0 }));
    task.devices.add(row.deviceName);
    if (row.status === DONE && (row.lastProcessTime ?? 0) > task.lastUpgradeS) {
      task.lastUpgradeS = row.lastProcessTime ?? 0;
    }
  });
  if (whole) return tasks;
  throw new ActionError(
    `The device rows of firmware ${version.firmwareVersion} could not all be read (more than ${MAX_ROW_PAGES * PAGE_SIZE}, or fewer than Total says): the action cannot tell which waves already have a task, and creates none rather than risk a second one.`,
  );
}

/** A wave's task found from the rows. */
export interface WaveTask {
  taskId: number;
  /** How many devices the task holds (its rows, or its distribution when rows are missing). */
  devices: number;
  /** When the wave's last device finished upgrading (ms), when Tencent says. */
  lastUpgradeMs?: number;
  /** The rollout's deployment already records that this wave passed. */
  passRecorded?: true;
}

/**
 * The task that is a wave's: all its devices are the wave's, and it holds the wave's devices
 * that no other task holds (exactly, or most of them when its distribution confirms that rows
 * are missing). A console task of other devices, more devices or a few of them is never taken.
 */
export async function waveTask(
  wave: Wave,
  rows: VersionRows,
  count: (taskId: number) => Promise<number>,
): Promise<WaveTask | undefined> {
  // Built only when some task has rows to compare: a first run holds no names twice.
  let known: Set<string> | undefined;
  const matches: number[] = [];
  const sizes = new Map<number, number>();
  for (const [taskId, task] of rows) {
    if (task.devices.size === 0) continue;
    const members = (known ??= new Set(wave.names()));
    if (!subset(task.devices, members)) continue;
    const own = ownDevices(members, rows, taskId);
    if (task.devices.size >= own) matches.push(taskId);
    // Most of them but not all: a row missing, or a console task of fewer? Its size tells.
    else if (2 * task.devices.size > own && (await count(taskId)) >= own) {
      matches.push(taskId);
      sizes.set(taskId, await count(taskId));
    }
  }
  // Beside the wave's task, a console task of a few of its devices also "holds the rest": the
  // wave's task is the one that holds most. Two of the same size cannot be told apart.
  const size = (id: number) => rows.get(id)!.devices.size;
  matches.sort((a, b) => size(b) - size(a));
  if (matches.length > 1 && size(matches[0]!) === size(matches[1]!)) {
    throw new ActionError(
      `Wave ${wave.number}'s devices are held by ${matches.length} tasks (${matches.join(", ")}); check them in the console before the rollout goes on.`,
    );
  }
  const taskId = matches[0];
  if (taskId === undefined) return undefined;
  const { lastUpgradeS } = rows.get(taskId)!;
  const devices = sizes.get(taskId) ?? size(taskId);
  return lastUpgradeS > 0
    ? { taskId, devices, lastUpgradeMs: lastUpgradeS * 1000 }
    : { taskId, devices };
}

/** How many of the wave's devices no task but `taskId` holds. */
function ownDevices(members: ReadonlySet<string>, rows: VersionRows, taskId: number): number {
  const elsewhere = new Set<string>();
  for (const [id, task] of rows) {
    if (id === taskId) continue;
    for (const name of task.devices) if (members.has(name)) elsewhere.add(name);
  }
  return members.size - elsewhere.size;
}

function subset(devices: ReadonlySet<string>, members: ReadonlySet<string>): boolean {
  for (const name of devices) if (!members.has(name)) return false;
  return true;
}

/**
 * The wave's devices that no task of the version holds yet: those a new task may send. Before
 * that, every listed task that could hold the wave's devices unseen must be accounted for: a
 * task with no rows listed, or with rows only of this wave, whose distribution counts more
 * devices than its rows (rows lagging, or pages skipped) may hold any of them, so nothing is
 * created then.
 */
export async function untaskedDevices(
  wave: Wave,
  rows: VersionRows,
  listed: TaskList,
  count: (taskId: number) => Promise<number>,
  nowMs: number,
): Promise<string[] | "all"> {
  if (!listed.complete) {
    throw new ActionError(
      `The version's task list could not be read whole (${listed.cut ?? "cut"}): wave ${wave.number} is not created rather than risk sending a device twice.`,
    );
  }
  let known: Set<string> | undefined;
  const members = () => (known ??= new Set(wave.names()));
  for (const taskId of listed.tasks.keys()) {
    const task = rows.get(taskId);
    if (task?.wave !== undefined) continue;
    const seen = task?.devices;
    if (seen !== undefined && seen.size > 0 && !subset(seen, members())) continue;
    const devices = await count(taskId);
    const listedRows = seen?.size ?? 0;
    const created = listed.created?.get(taskId);
    // No rows and no count: an old task of no devices, or one just created and not enrolled yet.
    const young = created === undefined || nowMs - created * 1000 < SETTLED_MS;
    if (devices > listedRows || (devices === 0 && listedRows === 0 && young)) {
      throw new ActionError(
        `Task ${taskId} of this version ${devices > 0 ? `holds ${devices} devices` : "reports no devices yet"} and ${listedRows} of its device rows are listed: wave ${wave.number} is not created rather than risk sending a device twice. Run the job again in a few minutes; if this stays, look at task ${taskId} in the console.`,
      );
    }
  }
  const tasked = new Set<string>();
  for (const task of rows.values()) {
    for (const name of task.devices) if (members().has(name)) tasked.add(name);
  }
  return tasked.size === 0 ? "all" : wave.names().filter((name) => !tasked.has(name));
}

/** A task's device count from its distribution (0 when it reports none, or cannot be read). */
export function taskSize(
  client: TencentClient,
  version: Version,
  policy: RetryPolicy,
): (taskId: number) => Promise<number> {
  const known = new Map<number, number>();
  return async (taskId) => {
    const cached = known.get(taskId);
    if (cached !== undefined) return cached;
    const { infos, unreadable } = await withRetries(
      "DescribeFirmwareTaskDistribution",
      policy,
      () =>
        describeFirmwareTaskDistribution(
          client,
          version.productId,
          version.firmwareVersion,
          taskId,
        ),
      retryUnlessDefinite,
    );
    const size = unreadable > 0 ? 0 : infos.reduce((sum, info) => sum + info.total, 0);
    known.set(taskId, size);
    return size;
  };
}
