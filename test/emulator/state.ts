import { FIRST_FILE_SEQUENCE, PRODUCT_NOT_EXIST, TASK_STATUS_RUNNING } from "./assumptions.js";
import { ApiError } from "./api-error.js";
import type { ProductSeed, TaskRecord, UploadRecord } from "./types.js";

/** A FileName handed out by CreateTaskFileUrl, and the product it was asked for. */
export interface UploadSlot {
  productId: string;
}

/** Everything the emulator remembers between requests. */
export class EmulatorState {
  readonly products: Map<string, ProductSeed>;
  readonly tasks: TaskRecord[] = [];
  readonly uploads = new Map<string, UploadRecord>();
  readonly slots = new Map<string, UploadSlot>();
  /** Device names of small uploaded files only: big files are never held in memory. */
  readonly fileDeviceNames = new Map<string, string[]>();
  /** The devices each task was created for, to answer DeviceIsUpdating. */
  private readonly taskDevices = new Map<number, readonly string[]>();
  private nextTaskId = 1;
  private nextFileSequence = FIRST_FILE_SEQUENCE;

  constructor(products: Record<string, ProductSeed>) {
    this.products = new Map(Object.entries(structuredClone(products)));
  }

  /** The product, or the error Tencent answers for an unknown one. */
  product(productId: string): ProductSeed {
    const product = this.products.get(productId);
    if (!product) throw new ApiError(PRODUCT_NOT_EXIST, `Product ${productId} does not exist.`);
    return product;
  }

  /** Devices of a product that are in a task that has not finished. */
  busyDevices(productId: string): Set<string> {
    const busy = new Set<string>();
    for (const task of this.tasks) {
      if (task.productId !== productId || task.status !== TASK_STATUS_RUNNING) continue;
      for (const name of this.taskDevices.get(task.taskId) ?? []) busy.add(name);
    }
    return busy;
  }

  /** Records a new running task for `devices`, numbered in creation order. */
  addTask(fields: Omit<TaskRecord, "taskId" | "status">, devices: readonly string[]): TaskRecord {
    const task: TaskRecord = { taskId: this.nextTaskId++, status: TASK_STATUS_RUNNING, ...fields };
    this.tasks.push(task);
    this.taskDevices.set(task.taskId, devices);
    return task;
  }

  /** The next number for a generated FileName. */
  fileSequence(): number {
    return this.nextFileSequence++;
  }
}
