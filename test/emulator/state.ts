import {
  FIRST_FILE_SEQUENCE,
  PRODUCT_NOT_EXIST,
  TASK_STATUS_DONE,
  TASK_STATUS_RUNNING,
} from "./assumptions.js";
import { ApiError } from "./api-error.js";
import type { Clock } from "./clock.js";
import { checkPlan, planOutcomes } from "./plans.js";
import { DEVICE_STATUS, DeviceRun, isTerminal } from "./progress.js";
import type {
  DeviceOutcome,
  DevicePlan,
  ProductSeed,
  TaskDeviceRecord,
  TaskRecord,
  UploadRecord,
} from "./types.js";

/** A FileName handed out by CreateTaskFileUrl, and the product it was asked for. */
export interface UploadSlot {
  productId: string;
}

/** How far a task's devices are: steps taken by polls and `advance`, and when it started. */
interface TaskProgress {
  runs: DeviceRun[];
  extraSteps: number;
  createdMs: number;
}

/** How time moves devices on: undefined = one step per poll, else one step per that many ms. */
export interface StateOptions {
  clock: Clock;
  deviceStepMs: number | undefined;
}

/** Everything the emulator remembers between requests. */
export class EmulatorState {
  readonly products: Map<string, ProductSeed>;
  readonly tasks: TaskRecord[] = [];
  readonly uploads = new Map<string, UploadRecord>();
  readonly slots = new Map<string, UploadSlot>();
  /** Device names of small uploaded files only: big files are never held in memory. */
  readonly fileDeviceNames = new Map<string, string[]>();
  /** Unix seconds, server clock: when the emulator started (DescribeFirmware's Createtime). */
  readonly startedAt: number;
  private readonly progress = new Map<number, TaskProgress>();
  /** Plans by device name, and how many tasks have used each so far. */
  private readonly plans = new Map<string, { plan: DevicePlan; used: number }>();
  private nextTaskId = 1;
  private nextFileSequence = FIRST_FILE_SEQUENCE;

  constructor(
    products: Record<string, ProductSeed>,
    private readonly options: StateOptions,
  ) {
    this.products = new Map(Object.entries(structuredClone(products)));
    this.startedAt = options.clock.nowSeconds();
  }

  /** The product, or the error Tencent answers for an unknown one. */
  product(productId: string): ProductSeed {
    const product = this.products.get(productId);
    if (!product) throw new ApiError(PRODUCT_NOT_EXIST, `Product ${productId} does not exist.`);
    return product;
  }

  /** Sets how the named devices behave in tasks created from now on; throws on a bad plan. */
  planDevices(plans: Record<string, unknown>): void {
    const checked = Object.entries(plans).map(([name, plan]) => [name, checkPlan(name, plan)]);
    for (const [name, plan] of checked as [string, DevicePlan][]) {
      this.plans.set(name, { plan, used: 0 });
    }
  }

  /** Devices of a product that are in a task where they are not yet terminal. */
  busyDevices(productId: string): Set<string> {
    const busy = new Set<string>();
    for (const task of this.tasks) {
      if (task.productId !== productId || task.status !== TASK_STATUS_RUNNING) continue;
      for (const run of this.runs(task.taskId)) {
        if (!isTerminal(run.status)) busy.add(run.deviceName);
      }
    }
    return busy;
  }

  /** Records a new task for `devices`, numbered in creation order, each device on its plan. */
  addTask(fields: Omit<TaskRecord, "taskId" | "status">, devices: readonly string[]): TaskRecord {
    const task: TaskRecord = { taskId: this.nextTaskId++, status: TASK_STATUS_RUNNING, ...fields };
    const now = this.options.clock.nowSeconds();
    const runs = devices.map((name) => {
      const version = this.device(task.productId, name)?.version ?? "";
      const outcome = this.outcomeFor(name, version, task.firmwareVersion);
      return new DeviceRun(task.taskId, name, version, task.firmwareVersion, outcome, now);
    });
    this.tasks.push(task);
    this.progress.set(task.taskId, { runs, extraSteps: 0, createdMs: Date.now() });
    this.step(task, 0);
    return task;
  }

  /** A poll of the task's progress: one step, unless steps follow the clock. */
  poll(task: TaskRecord): void {
    this.step(task, this.options.deviceStepMs === undefined ? 1 : 0);
  }

  /** Takes `steps` more steps for a task's devices. */
  advance(taskId: number, steps: number): void {
    const task = this.tasks.find((t) => t.taskId === taskId);
    if (!task) throw new Error(`emulator: no task ${taskId}`);
    this.step(task, steps);
  }

  /** Brings every running task up to the clock (a no-op unless steps follow the clock). */
  settle(): void {
    if (this.options.deviceStepMs === undefined) return;
    for (const task of this.tasks) if (task.status === TASK_STATUS_RUNNING) this.step(task, 0);
  }

  /** A task's devices as DescribeFirmwareTaskDevices reports them. */
  deviceRecords(taskId: number): TaskDeviceRecord[] {
    return this.runs(taskId).map((run) => run.record());
  }

  /** A device's row in a task; undefined when the task does not hold the device. */
  deviceRecord(taskId: number, name: string): TaskDeviceRecord | undefined {
    return this.run(taskId, name)?.record();
  }

  /** Another task of the same product in which the device is not yet terminal. */
  unfinishedElsewhere(task: TaskRecord, name: string): TaskRecord | undefined {
    return this.tasks.find(
      (other) =>
        other !== task &&
        other.productId === task.productId &&
        other.status === TASK_STATUS_RUNNING &&
        !isTerminal(this.run(other.taskId, name)?.status ?? DEVICE_STATUS.done),
    );
  }

  /** Stops a device of the task where it is (CancelDeviceFirmwareTask; the caller checks). */
  cancelDevice(task: TaskRecord, name: string): void {
    this.run(task.taskId, name)?.cancel(this.options.clock.nowSeconds());
    this.step(task, 0);
  }

  /**
   * Puts a device of the task back at the start (RetryDeviceFirmwareTask; the caller checks),
   * on its next planned outcome as `planDevices` says now, the way a new task would take it.
   */
  retryDevice(task: TaskRecord, name: string): void {
    const progress = this.progress.get(task.taskId);
    const run = this.run(task.taskId, name);
    if (!progress || !run) return;
    const version = this.device(task.productId, name)?.version ?? "";
    const outcome = this.outcomeFor(name, version, task.firmwareVersion);
    run.retry(outcome, this.stepsTaken(progress), this.options.clock.nowSeconds());
    this.step(task, 0);
  }

  /** The next number for a generated FileName. */
  fileSequence(): number {
    return this.nextFileSequence++;
  }

  /** A device of the seed; undefined for names the product lacks (device-list files may name them). */
  private device(productId: string, name: string): { version: string } | undefined {
    const devices = this.products.get(productId)?.devices;
    return devices && Object.hasOwn(devices, name) ? devices[name] : undefined;
  }

  private runs(taskId: number): readonly DeviceRun[] {
    return this.progress.get(taskId)?.runs ?? [];
  }

  private run(taskId: number, name: string): DeviceRun | undefined {
    return this.runs(taskId).find((run) => run.deviceName === name);
  }

  /** Steps a task has taken in all: by polls and `advance`, plus by the clock when it counts. */
  private stepsTaken(progress: TaskProgress): number {
    const stepMs = this.options.deviceStepMs;
    const timed = stepMs === undefined ? 0 : Math.floor((Date.now() - progress.createdMs) / stepMs);
    return progress.extraSteps + timed;
  }

  private outcomeFor(name: string, version: string, target: string): DeviceOutcome {
    const planned = this.plans.get(name);
    if (!planned) return version === target ? "up-to-date" : "succeed";
    const outcomes = planOutcomes(planned.plan);
    const outcome = outcomes[Math.min(planned.used, outcomes.length - 1)] ?? "succeed";
    planned.used++;
    return outcome;
  }

  private step(task: TaskRecord, extra: number): void {
    const progress = this.progress.get(task.taskId);
    if (!progress) return;
    progress.extraSteps += extra;
    const steps = this.stepsTaken(progress);
    const now = this.options.clock.nowSeconds();
    for (const run of progress.runs) {
      const changed = run.moveTo(steps, now);
      const device = this.device(task.productId, run.deviceName);
      // A device that finished is on the new version, so rollouts "by original version" skip it.
      if (changed && run.status === DEVICE_STATUS.done && device) device.version = run.dstVersion;
    }
    const finished = progress.runs.every((run) => isTerminal(run.status));
    task.status = finished ? TASK_STATUS_DONE : TASK_STATUS_RUNNING;
  }
}
