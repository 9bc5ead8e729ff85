import { ApiError, messageOf } from "../run/errors.js";
import type { Logger } from "../run/logger.js";
import { forLog } from "../report/outside-text.js";
import type { TencentClient } from "../tencent/client.js";
import { retryUnlessDefinite, withRetries, type RetryPolicy } from "../http/retry.js";
import { retryDeviceFirmwareTask } from "../tencent/iotvideo/task-devices.js";
import type { NamedDevice } from "./device-findings.js";

/**
 * retry-failed-devices: each failed device of a task is sent back to the start with
 * RetryDeviceFirmwareTask up to `max` times before its failure counts. The counts live for one
 * run: a resumed run may retry a device again.
 */
export class DeviceRetries {
  private readonly used = new Map<string, number>();
  /** RetryDeviceFirmwareTask calls that put a device back. */
  calls = 0;

  constructor(
    readonly max: number,
    private readonly logger: Logger,
  ) {}

  /** How many times this device was retried. */
  of(name: string): number {
    return this.used.get(name) ?? 0;
  }

  /** Devices retried at least once. */
  get devices(): number {
    return [...this.used.values()].filter((n) => n > 0).length;
  }

  /** Retries the failed devices that have retries left; returns how many went back to the start. */
  async retry(
    client: TencentClient,
    task: { productId: string; firmwareVersion: string; taskId: number },
    failed: readonly NamedDevice[],
    policy: RetryPolicy,
  ): Promise<number> {
    let sent = 0;
    for (const device of failed) {
      const done = this.of(device.name);
      if (done >= this.max) continue;
      this.used.set(device.name, done + 1);
      try {
        await withRetries(
          "RetryDeviceFirmwareTask",
          policy,
          () =>
            retryDeviceFirmwareTask(
              client,
              task.productId,
              task.firmwareVersion,
              task.taskId,
              device.name,
            ),
          retryUnlessDefinite,
        );
        this.calls++;
        sent++;
      } catch (error) {
        // A refused retry is final for this device: its failure stands.
        this.used.set(device.name, this.max);
        const code = error instanceof ApiError ? ` (${error.code})` : "";
        this.logger.warning(
          `Could not retry device ${forLog(device.name, 100)}${code}: ${forLog(messageOf(error), 200)}; its failure counts.`,
        );
      }
    }
    if (sent > 0) {
      this.logger.info(
        `Retried ${sent} failed device(s) of task ${task.taskId} (retry-failed-devices: ${this.max}).`,
      );
    }
    return sent;
  }
}
