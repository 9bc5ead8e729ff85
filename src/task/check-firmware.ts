import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { ActionError, InputError } from "../run/errors.js";
import type { Inputs } from "../inputs/read-inputs.js";
import { notARegularFile, openProblem } from "../target/list-file/read-file.js";
import { forLog } from "../report/outside-text.js";
import { explainDenied, type TencentClient } from "../tencent/client.js";
import { describeFirmware, getAllFirmwareVersion } from "../tencent/iotvideo/firmware.js";
import { retryUnlessDefinite, withRetries, type RetryPolicy } from "../http/retry.js";

const MAX_LISTED_VERSIONS = 20;

/**
 * Before anything is created: the version is registered for the product (else the versions it
 * has are listed), and when firmware-file is given, the registered MD5 is that file's.
 */
export async function checkFirmware(
  client: TencentClient,
  inputs: Pick<Inputs, "productId" | "firmwareVersion" | "firmwareFile">,
  policy: RetryPolicy,
): Promise<{ md5?: string }> {
  const { productId, firmwareVersion } = inputs;
  const firmware = await withRetries(
    "DescribeFirmware",
    policy,
    () => describeFirmware(client, productId, firmwareVersion),
    retryUnlessDefinite,
  ).catch(
    explainDenied("DescribeFirmware", "The action checks the firmware before rolling it out"),
  );
  if (firmware === undefined) {
    const versions = await withRetries(
      "GetAllFirmwareVersion",
      policy,
      () => getAllFirmwareVersion(client, productId),
      retryUnlessDefinite,
    ).catch(() => undefined);
    throw new FirmwareMissingError(productId, firmwareVersion, versions);
  }
  if (inputs.firmwareFile === undefined)
    return firmware.md5 === undefined ? {} : { md5: firmware.md5 };
  const built = await md5OfFile(inputs.firmwareFile.absolutePath, inputs.firmwareFile.path);
  if (firmware.md5 === undefined || firmware.md5.toLowerCase() !== built) {
    throw new ActionError(
      `firmware-file ${forLog(inputs.firmwareFile.path, 300)} has MD5 ${built}, but firmware ${firmwareVersion} of product ${productId} is registered with MD5 ${firmware.md5 ?? "(none)"}: the cloud holds a different build under this version. Register the built image under a new version, or roll out the one that matches.`,
    );
  }
  return { md5: built };
}

/**
 * firmware-file, when given, names a regular file: anything else (a named pipe, /dev/zero, a
 * directory) is refused before anything is sent, as device-list is.
 */
export async function checkFirmwareFile(inputs: Pick<Inputs, "firmwareFile">): Promise<void> {
  if (inputs.firmwareFile === undefined) return;
  const { path, absolutePath } = inputs.firmwareFile;
  const problem = await notARegularFile(absolutePath);
  if (problem !== undefined) {
    throw new InputError("firmware-file", path, `${problem}. Expected the built firmware image.`);
  }
}

/** The registered version does not exist; lists what the product has. */
export class FirmwareMissingError extends ActionError {
  override name = "FirmwareMissingError";
  constructor(productId: string, version: string, versions: string[] | undefined) {
    const known =
      versions === undefined
        ? "its versions could not be listed (GetAllFirmwareVersion)"
        : versions.length === 0
          ? "it has no firmware registered"
          : `it has ${versions.slice(-MAX_LISTED_VERSIONS).join(", ")}${versions.length > MAX_LISTED_VERSIONS ? ` (the last ${MAX_LISTED_VERSIONS} of ${versions.length})` : ""}`;
    super(
      `Firmware ${version} is not registered for product ${productId}; ${known}. Upload and register the firmware (console or UploadFirmware) before rolling it out; no task was created.`,
    );
  }
}

async function md5OfFile(absolutePath: string, shown: string): Promise<string> {
  const hash = createHash("md5");
  try {
    for await (const chunk of createReadStream(absolutePath)) hash.update(chunk as Buffer);
  } catch (error) {
    throw new InputError(
      "firmware-file",
      shown,
      `${openProblem(error, absolutePath)}. Expected the built firmware image.`,
    );
  }
  return hash.digest("hex");
}
