import { ApiError } from "../../run/errors.js";
import type { TencentClient } from "../client.js";

/** What DescribeFirmware says of a registered version. */
export interface FirmwareInfo {
  version: string;
  md5?: string;
  name?: string;
}

/** The registered firmware, or undefined when the product has no such version. */
export async function describeFirmware(
  client: TencentClient,
  productId: string,
  firmwareVersion: string,
): Promise<FirmwareInfo | undefined> {
  try {
    const { data } = await client.call("DescribeFirmware", {
      ProductID: productId,
      FirmwareVersion: firmwareVersion,
    });
    const text = (field: string) => {
      const value = data[field];
      return typeof value === "string" && value !== "" ? value : undefined;
    };
    const md5 = text("Md5sum");
    const name = text("Name");
    return {
      version: text("Version") ?? firmwareVersion,
      ...(md5 === undefined ? {} : { md5 }),
      ...(name === undefined ? {} : { name }),
    };
  } catch (error) {
    if (error instanceof ApiError && error.code === "ResourceNotFound.FirmwareNotExist") {
      return undefined;
    }
    throw error;
  }
}

/** Every firmware version registered for the product. */
export async function getAllFirmwareVersion(
  client: TencentClient,
  productId: string,
): Promise<string[]> {
  const { data } = await client.call("GetAllFirmwareVersion", { ProductID: productId });
  const versions = data["Version"];
  return Array.isArray(versions) ? versions.filter((v): v is string => typeof v === "string") : [];
}
