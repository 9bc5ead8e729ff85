import * as core from "@actions/core";
import type { Dispatcher } from "undici";
import { scanDeviceList, type ScannedList } from "./device-list/scan.js";
import { uploadDeviceList } from "./device-list/upload.js";
import type { Target } from "./inputs.js";
import type { UploadedList } from "./rollout-request.js";
import type { TencentClient } from "./tencent/client.js";
import { TransportError } from "./errors.js";
import { createTaskFileUrl } from "./tencent/iotvideo.js";
import { withRetries, type RetryPolicy } from "./tencent/retry.js";

/** Reads and checks the device-list file, and logs what will be uploaded. Sends nothing. */
export async function scanList(target: Extract<Target, { kind: "file" }>): Promise<ScannedList> {
  const list = await scanDeviceList(target.absolutePath);
  const form = list.normalized
    ? "normalized: trimmed, LF line ends, blank lines dropped"
    : "the file's bytes as they are";
  core.info(
    `Device list ${target.path}: ${list.deviceCount} devices; uploading ${list.size} bytes with MD5 ${list.md5} (${form}).`,
  );
  const { duplicates } = list;
  if (duplicates.count > 0) {
    const examples = duplicates.examples
      .map((d) => `${d.name} (lines ${d.lines.join(" and ")})`)
      .join(", ");
    const scope = duplicates.complete ? "" : ` among its first ${duplicates.checked} names`;
    core.warning(
      `Device list ${target.path} repeats ${duplicates.names} name(s)${scope} on ${duplicates.count} extra line(s), e.g. ${examples}.`,
    );
  } else if (!duplicates.complete) {
    core.info(
      `No repeated names among the first ${duplicates.checked} of the list (later names were not compared).`,
    );
  }
  core.setOutput("device-count", String(list.deviceCount));
  core.setOutput("device-list-md5", list.md5);
  core.setOutput("device-list-size", String(list.size));
  return list;
}

/**
 * Uploads the list through a pre-signed URL from CreateTaskFileUrl. Uploads are safe to repeat
 * (a PUT replaces the object), so every attempt asks for a fresh URL: an expired one is never reused.
 */
export async function uploadList(
  client: TencentClient,
  productId: string,
  list: ScannedList,
  policy: RetryPolicy,
  dispatcher: Dispatcher,
  timeoutMs: number,
): Promise<UploadedList> {
  const fileName = await withRetries(
    "device-list upload",
    policy,
    async () => {
      const { url, fileName } = await createTaskFileUrl(client, productId);
      await uploadDeviceList(list, url, { dispatcher, timeoutMs });
      return fileName;
    },
    async (error, kind) => {
      // Object storage answers 403 to an expired URL: the next attempt gets a fresh one.
      if (error instanceof TransportError && error.status === 403) return undefined;
      if (kind === "fail") throw error;
      return undefined;
    },
  );
  core.info(`Uploaded the device list as ${fileName}.`);
  return { fileName, md5: list.md5, size: list.size, deviceCount: list.deviceCount };
}
