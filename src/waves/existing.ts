import { ActionError } from "../errors.js";
import type { TencentClient } from "../tencent/client.js";
import { eachDeviceRow } from "../device-rows.js";
import type { RetryPolicy } from "../tencent/retry.js";
import type { Wave } from "./plan.js";

const PAGE_SIZE = 100;
/** 200,000 device rows of one version: far past a fleet's waves, and a bounded number of calls. */
export const MAX_ROW_PAGES = 2000;

/**
 * The version's tasks and the devices each one holds, from DescribeFirmwareTaskDevices (which
 * lists every task's devices of the version; it takes no TaskId). Thrown when the rows cannot
 * all be read: then no one can tell which waves already have a task.
 */
export async function devicesByTask(
  client: TencentClient,
  productId: string,
  firmwareVersion: string,
  policy: RetryPolicy,
): Promise<Map<number, Set<string>>> {
  const tasks = new Map<number, Set<string>>();
  const whole = await eachDeviceRow(
    client,
    { productId, firmwareVersion },
    policy,
    MAX_ROW_PAGES,
    (row) => {
      let devices = tasks.get(row.taskId);
      if (devices === undefined) tasks.set(row.taskId, (devices = new Set()));
      devices.add(row.deviceName);
    },
  );
  if (whole) return tasks;
  throw new ActionError(
    `The device rows of firmware ${firmwareVersion} could not all be read (more than ${MAX_ROW_PAGES * PAGE_SIZE}, or fewer than Total says): the action cannot tell which waves already have a task, and creates none rather than risk a second one.`,
  );
}

/**
 * Pure: the task that holds exactly a wave's devices, or undefined. Exactly: a task made in the
 * console for other devices, or for more, is never taken for a wave's.
 */
export function waveTask(
  wave: Wave,
  tasks: ReadonlyMap<number, ReadonlySet<string>>,
): number | undefined {
  const matching = [...tasks].filter(([, devices]) => holdsExactly(devices, wave));
  if (matching.length > 1) {
    throw new ActionError(
      `Wave ${wave.number}'s devices are held by ${matching.length} tasks (${matching.map(([id]) => id).join(", ")}); check them in the console before the rollout goes on.`,
    );
  }
  return matching[0]?.[0];
}

function holdsExactly(devices: ReadonlySet<string>, wave: Wave): boolean {
  if (devices.size !== wave.size) return false;
  for (let i = 0; i < wave.size; i++) if (!devices.has(wave.name(i))) return false;
  return true;
}
