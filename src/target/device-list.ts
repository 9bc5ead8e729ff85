import * as core from "@actions/core";
import { setOutputs } from "../report/outputs.js";
import { scanDeviceList, type ScannedList } from "./list-file/scan.js";
import { UPLOAD_STEP, uploadDeviceList } from "./list-file/upload.js";
import type { Inputs, Target } from "../inputs/read-inputs.js";
import type { UploadedList } from "./request.js";
import type { TencentClient } from "../tencent/client.js";
import type { Dispatchers } from "../http/dispatchers.js";
import { TransportError } from "../run/errors.js";
import { forLog } from "../report/outside-text.js";
import { createTaskFileUrl } from "../tencent/iotvideo/tasks.js";
import { retryUnlessDefinite, withRetries, type RetryPolicy } from "../http/retry.js";

const MAX_FILE_NAME = 200;
// Paths and names are outside text: shown by the log's rule.
const MAX_PATH = 300;
const MAX_NAME = 100;

/**
 * Reads and checks the device-list file, and logs what will be uploaded. Sends nothing. Waves
 * count repeated names exactly when they plan (waves/plan-rollout.ts), so they pass
 * `reportRepeats` false: one warning, not two that disagree past the scan's checked names.
 */
export async function scanList(
  target: Extract<Target, { kind: "file" }>,
  reportRepeats = true,
): Promise<ScannedList> {
  const list = await scanDeviceList(target.absolutePath);
  core.info(
    `Checked device list ${forLog(target.path, MAX_PATH)}: ${list.deviceCount} devices, ${list.size} bytes to upload (${form(list)}).`,
  );
  const { duplicates } = list;
  if (!reportRepeats) return list;
  if (duplicates.count > 0) {
    const examples = duplicates.examples
      .map((d) => `${forLog(d.name, MAX_NAME)} (lines ${d.lines.join(" and ")})`)
      .join(", ");
    const scope = duplicates.complete ? "" : ` among its first ${duplicates.checked} names`;
    core.warning(
      `Device list ${forLog(target.path, MAX_PATH)} repeats ${duplicates.names} name(s)${scope} on ${duplicates.count} extra line(s), e.g. ${examples}.`,
    );
  } else if (!duplicates.complete) {
    core.info(
      `No repeated names among the first ${duplicates.checked} of the list (later names were not compared).`,
    );
  }
  return list;
}

function form(list: ScannedList): string {
  return list.normalized
    ? "normalized: trimmed, LF line ends, blank lines dropped"
    : "the file's bytes as they are";
}

/**
 * Uploads the list through a pre-signed URL from CreateTaskFileUrl. Uploads are safe to repeat
 * (a PUT replaces the object), so every attempt asks for a fresh URL: an expired one is never reused.
 */
export async function uploadList(
  client: TencentClient,
  inputs: Pick<Inputs, "productId" | "requestTimeoutMs" | "target">,
  list: ScannedList,
  policy: RetryPolicy,
  dispatchers: Dispatchers,
  /** The list's outputs describe the user's file; a wave's own list sets none. */
  setListOutputs = true,
): Promise<UploadedList> {
  const { fileName, md5 } = await withRetries(
    UPLOAD_STEP,
    policy,
    async () => {
      const { url, fileName } = await createTaskFileUrl(client, inputs.productId);
      const md5 = await uploadDeviceList(list, url, {
        dispatcher: dispatchers.for(url),
        timeoutMs: inputs.requestTimeoutMs,
      });
      return { fileName, md5 };
    },
    // Object storage answers 403 to an expired URL: the next attempt gets a fresh one.
    async (error, kind) =>
      error instanceof TransportError && error.status === 403
        ? undefined
        : retryUnlessDefinite(error, kind),
  );
  // The one line a reader matches against the repository's file (md5sum, wc -c, wc -l).
  const path = inputs.target.kind === "file" ? inputs.target.path : list.path;
  // The FileName is the server's: shown escaped, but sent on to BatchUpdateFirmware as it came.
  core.info(
    `Device list ${forLog(path, MAX_PATH)}: ${list.deviceCount} devices, ${list.size} bytes, MD5 ${md5} (${form(list)}); uploaded as ${forLog(fileName, MAX_FILE_NAME)}.`,
  );
  if (setListOutputs) {
    setOutputs({
      "device-count": String(list.deviceCount),
      "device-list-md5": md5,
      "device-list-size": String(list.size),
    });
  }
  return { fileName, md5, size: list.size, deviceCount: list.deviceCount };
}
