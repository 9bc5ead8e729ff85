import { createHash } from "node:crypto";
import type { ScannedList } from "./device-list/scan.js";
import { uploadBody } from "./device-list/upload-body.js";
import type { BatchUpdateFirmwareRequest } from "./tencent/iotvideo.js";

/** Names shown at most in a dry run's request; the rest are counted. */
const MAX_SHOWN_NAMES = 20;

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
