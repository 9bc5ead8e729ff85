import { startStandIn, type StandIn, type StandInCall } from "./api-stand-in.js";

// A fleet behind a stand-in IoT Video API, for waves: tasks by DeviceNames, their distribution,
// their device rows, and per-device cancels and retries. It shares nothing with the emulator,
// and each knob is a way real servers were seen (or feared) to behave.

/**
 * What a device reports in a task, given how often the task's distribution was asked and how
 * many times the device was retried (RetryDeviceFirmwareTask).
 */
export type DeviceScript = (
  device: string,
  polls: number,
  retries: number,
) => { status: number; errMsg?: string };

export interface FleetOptions {
  /** Each device's status; by default done (6) from the first poll. */
  script?: DeviceScript;
  /** The distribution is empty, and the task has no rows, for this many polls of each task. */
  enrolmentPolls?: number;
  /** Status, Total, TaskId and LastProcessTime sent as strings. */
  stringNumbers?: boolean;
  /** How DescribeFirmwareTaskDevices pages: honestly, always the first page, or shifted by one. */
  paging?: "honest" | "ignore-offset" | "shift";
  /** Devices whose rows are never listed (their task still counts them). */
  hiddenRows?: string[];
  /** What a cancelled device reports: status 5 "cancelled" by default, or an undocumented code. */
  cancelledAs?: { status: number; errMsg: string };
  /** Tasks that exist before the rollout (made in the console). */
  consoleTasks?: string[][];
  /** Server time (unix s) of each row's LastProcessTime; the real clock by default. */
  nowSeconds?: () => number;
}

interface Task {
  id: number;
  devices: string[];
  created: number;
  polls: number;
  cancelled: Set<string>;
  retried: Map<string, number>;
}

export interface Fleet extends StandIn {
  tasks: Task[];
  /** Device names of each BatchUpdateFirmware call, in order. */
  creates(): string[][];
}

/** Starts the fleet stand-in on 127.0.0.1. */
export async function startFleet(options: FleetOptions = {}): Promise<Fleet> {
  const tasks: Task[] = [];
  const now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const script: DeviceScript = options.script ?? (() => ({ status: 6 }));
  const num = (n: number) => (options.stringNumbers ? String(n) : n);
  const enrolled = (task: Task) => task.polls > (options.enrolmentPolls ?? 0);
  const statusOf = (task: Task, device: string) => {
    if (task.cancelled.has(device))
      return options.cancelledAs ?? { status: 5, errMsg: "cancelled" };
    return script(device, task.polls, task.retried.get(device) ?? 0);
  };
  for (const devices of options.consoleTasks ?? []) {
    tasks.push(newTask(tasks, devices, now() - 86_400, 1));
  }
  const stand = await startStandIn({
    DescribeFirmwareTasks: (call) => {
      const offset = Number(call.params["Offset"] ?? 0);
      const limit = Number(call.params["Limit"] ?? 20);
      return {
        TaskInfos: tasks
          .slice(offset, offset + limit)
          .map((t) => ({ TaskId: t.id, Status: 1, Type: 0, CreateTime: t.created })),
        Total: tasks.length,
      };
    },
    BatchUpdateFirmware: (call) => {
      const names = call.params["DeviceNames"];
      if (!Array.isArray(names)) return error("InvalidParameterValue", "DeviceNames only here");
      const task = newTask(tasks, names as string[], now(), 0);
      tasks.push(task);
      return { TaskId: task.id };
    },
    DescribeFirmwareTaskDistribution: (call) => {
      const task = tasks.find((t) => t.id === Number(call.params["TaskId"]));
      if (task === undefined) return error("ResourceNotFound.FirmwareTaskNotExist", "no task");
      task.polls++;
      if (!enrolled(task)) return { StatusInfos: [] };
      const by = new Map<number, number>();
      for (const device of task.devices) {
        const { status } = statusOf(task, device);
        by.set(status, (by.get(status) ?? 0) + 1);
      }
      return {
        StatusInfos: [...by].map(([status, total]) => ({ Status: num(status), Total: num(total) })),
      };
    },
    DescribeFirmwareTaskDevices: (call) => rowsPage(call),
    CancelDeviceFirmwareTask: (call) => {
      const task = tasks.find((t) => t.id === Number(call.params["TaskId"]));
      const name = String(call.params["DeviceName"]);
      if (task === undefined || !task.devices.includes(name)) {
        return error("ResourceNotFound.DeviceFirmwareTaskNotExist", "no such device task");
      }
      const { status } = statusOf(task, name);
      if ([5, 6, 10].includes(status)) {
        return error("FailedOperation.DeviceFirmwareTaskAlreadDone", "done");
      }
      task.cancelled.add(name);
      return {};
    },
    RetryDeviceFirmwareTask: (call) => {
      const task = tasks.find((t) => t.id === Number(call.params["TaskId"]));
      const name = String(call.params["DeviceName"]);
      if (task === undefined || !task.devices.includes(name)) {
        return error("ResourceNotFound.DeviceFirmwareTaskNotExist", "no such device task");
      }
      task.retried.set(name, (task.retried.get(name) ?? 0) + 1);
      return {};
    },
  });

  function rowsPage(call: StandInCall) {
    const rows = tasks.filter(enrolled).flatMap((task) =>
      task.devices
        .filter((device) => !(options.hiddenRows ?? []).includes(device))
        .map((device) => {
          const { status, errMsg = "" } = statusOf(task, device);
          return {
            DeviceName: device,
            Status: num(status),
            TaskId: num(task.id),
            ErrMsg: errMsg,
            Retcode: status === 5 ? -1 : 0,
            // Devices finish a minute after their task was created, as far as rows tell.
            LastProcessTime: num(task.created + 60),
          };
        }),
    );
    const limit = Number(call.params["Limit"] ?? 50);
    let offset = Number(call.params["Offset"] ?? 0);
    if (options.paging === "ignore-offset") offset = 0;
    // A row inserted before the window between two calls: every page after the first repeats one.
    if (options.paging === "shift" && offset > 0) offset -= 1;
    return { Devices: rows.slice(offset, offset + limit), Total: num(rows.length) };
  }

  return {
    ...stand,
    tasks,
    creates: () =>
      stand.calls
        .filter((c) => c.action === "BatchUpdateFirmware")
        .map((c) => c.params["DeviceNames"] as string[]),
  };
}

function newTask(tasks: Task[], devices: string[], created: number, polls: number): Task {
  const id = 1000 + tasks.length + 1;
  return { id, devices, created, polls, cancelled: new Set(), retried: new Map() };
}

function error(code: string, message: string) {
  return { Error: { Code: code, Message: message } };
}
