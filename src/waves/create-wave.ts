import * as core from "@actions/core";
import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { listTasksBefore } from "../task/create-once.js";
import type { ScannedList } from "../target/list-file/scan.js";
import { uploadList } from "../target/device-list.js";
import { ActionError } from "../run/errors.js";
import type { Inputs } from "../inputs/read-inputs.js";
import { createTask, type Task } from "../task/create-task.js";
import type { BatchUpdateFirmwareRequest } from "../tencent/iotvideo/tasks.js";
import { NameList } from "./name-list.js";
import type { Wave } from "./plan.js";
import { untaskedDevices, type VersionRows } from "./resume.js";
import type { WaveContext } from "./rollout-waves.js";

/**
 * Waves of at most this many devices are sent by DeviceNames, bigger ones as an uploaded list.
 * Tencent documents no limit on DeviceNames; 500 names keep the request far below any body limit
 * (about 25 KB), and a list file is what the API offers for more.
 */
export const NAMES_LIMIT = 500;

/** A wave's new task and how many devices it was sent. */
export interface CreatedWave {
  task: Task;
  /** The wave's devices, less those another task already held. */
  devices: number;
}

/**
 * One wave's task, created exactly once: by DeviceNames when small, as an uploaded list when
 * big. Devices that already have a task of this version are never sent again.
 */
export async function createWave(
  wave: Wave,
  rows: VersionRows,
  count: (taskId: number) => Promise<number>,
  ctx: WaveContext,
): Promise<CreatedWave> {
  const { client, policy, inputs } = ctx;
  const base = {
    ProductID: inputs.productId,
    FirmwareVersion: inputs.firmwareVersion,
    UpgradeMethod: inputs.upgradeMethod,
  };
  const before = await listTasksBefore(client, base, policy);
  const untasked = await untaskedDevices(wave, rows, before, count, ctx.clock.now());
  const devices = untasked === "all" ? wave.size : untasked.length;
  if (devices === 0) {
    throw new ActionError(
      `Every device of wave ${wave.number} already has a task of firmware ${inputs.firmwareVersion}, none of them this wave's: check the version's tasks in the console before the rollout goes on.`,
    );
  }
  if (devices < wave.size) {
    core.warning(
      `${wave.size - devices} device(s) of wave ${wave.number} already have a task of firmware ${inputs.firmwareVersion} (made outside this rollout): they are not sent again.`,
    );
  }
  let request: BatchUpdateFirmwareRequest;
  if (devices <= NAMES_LIMIT) {
    request = { ...base, DeviceNames: untasked === "all" ? wave.names() : untasked };
  } else {
    const list = await uploadWave(inputs, wave, untasked, ctx);
    request = { ...base, FileName: list.fileName, FileMd5: list.md5, FileSize: list.size };
  }
  core.info(`Creating wave ${wave.number}: ${devices} device(s).`);
  const task = await createTask(ctx, request, before, `wave ${wave.number} (${devices} devices)`);
  return { task, devices };
}

async function uploadWave(inputs: Inputs, wave: Wave, names: string[] | "all", ctx: WaveContext) {
  const path = join(
    process.env["RUNNER_TEMP"] ?? process.cwd(),
    `wave-${wave.number}-${process.pid}.txt`,
  );
  const lines = names === "all" ? [...wave.lines()] : [...listOf(names).lines()];
  await writeFile(path, lines);
  const target = { kind: "file" as const, path, absolutePath: path };
  ctx.watch.at({ step: "uploading" });
  return uploadList(
    ctx.client,
    { ...inputs, target },
    await waveList(path, names === "all" ? wave.size : names.length),
    ctx.policy,
    ctx.dispatchers,
    false,
  );
}

/** The untasked names as one list file's lines. */
function listOf(names: string[]) {
  const list = NameList.fromStrings(names);
  return { lines: () => [list.linesOf(Uint32Array.from(names.keys()))] };
}

/**
 * A wave's list as the upload wants it, without scanning it again: its names come from the
 * checked target already, one per LF-ended line, and are known to be distinct.
 */
async function waveList(path: string, devices: number): Promise<ScannedList> {
  const { size, mtimeMs, ino } = await stat(path);
  return {
    path,
    deviceCount: devices,
    size,
    version: { size, mtimeMs, ino },
    normalized: false,
    duplicates: { count: 0, names: 0, examples: [], checked: devices, complete: true },
  };
}
