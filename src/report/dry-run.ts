import * as core from "@actions/core";
import { createHash } from "node:crypto";
import type { ScannedList } from "../target/list-file/scan.js";
import { uploadBody } from "../target/list-file/upload-body.js";
import type { Inputs } from "../inputs/read-inputs.js";
import { setOutputs } from "./outputs.js";
import { forLog } from "./outside-text.js";
import type { RunReport } from "./run-report.js";
import { rolloutRequest } from "../target/request.js";
import type { BatchUpdateFirmwareRequest } from "../tencent/iotvideo/tasks.js";

/** Names shown at most in a dry run's request; the rest are counted. */
const MAX_SHOWN_NAMES = 20;
/** Far above the request shown (20 names of at most 48 characters); the log line stops there. */
const MAX_REQUEST_LINE = 4000;

/** The MD5 of exactly the bytes an upload would send, read as the upload reads them; nothing is sent. */
export async function hashList(list: ScannedList): Promise<string> {
  const md5 = createHash("md5");
  for await (const piece of uploadBody(list, md5)) void piece;
  return md5.digest("hex");
}

/**
 * The request as a dry run shows it: a long DeviceNames list shortened, and for a device list
 * the FileName that only CreateTaskFileUrl can give. It carries no credential: those travel in
 * headers, which are never shown.
 */
export function shownRequest(request: BatchUpdateFirmwareRequest): Record<string, unknown> {
  const names = request.DeviceNames;
  if (names === undefined || names.length <= MAX_SHOWN_NAMES) return { ...request };
  return {
    ...request,
    DeviceNames: [
      ...names.slice(0, MAX_SHOWN_NAMES),
      `… and ${names.length - MAX_SHOWN_NAMES} more`,
    ],
  };
}

/** The FileName stand-in of a dry run: a real run gets one from CreateTaskFileUrl. */
export const DRY_RUN_FILE_NAME = "(given by CreateTaskFileUrl at upload)";

/** The end of a dry run: the request a real run would send, logged, reported and no task. */
export async function dryRun(
  inputs: Inputs,
  scanned: ScannedList | undefined,
  report: RunReport,
): Promise<void> {
  const md5 = scanned && (await hashList(scanned));
  const list = scanned && {
    fileName: DRY_RUN_FILE_NAME,
    md5: md5 ?? "",
    size: scanned.size,
    deviceCount: scanned.deviceCount,
  };
  if (report.list && md5) report.list.md5 = md5;
  report.request = shownRequest(rolloutRequest(inputs, list));
  report.status = "dry-run";
  // Device names are outside text: JSON keeps them on one line but leaves "##[" and "::" alone.
  const shown = forLog(JSON.stringify(report.request), MAX_REQUEST_LINE);
  core.info(
    `Dry run: nothing was created. The request a real run would send (BatchUpdateFirmware): ${shown}`,
  );
  setOutputs({
    ...(list && {
      "device-count": String(list.deviceCount),
      "device-list-md5": list.md5,
      "device-list-size": String(list.size),
    }),
  });
}
