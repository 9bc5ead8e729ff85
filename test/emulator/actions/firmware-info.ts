// What the product knows of its registered firmware versions.
import type { ActionContext, ActionDef } from "./context.js";
import { requireFirmware } from "./firmware-tasks.js";
import { defaultFirmwareMd5 } from "../seed.js";

interface FirmwareParams {
  ProductID: string;
  FirmwareVersion: string;
}

function describeFirmware(raw: Record<string, unknown>, ctx: ActionContext) {
  const p = raw as unknown as FirmwareParams;
  requireFirmware(ctx, p.ProductID, p.FirmwareVersion);
  const product = ctx.state.product(p.ProductID);
  const md5 = product.firmwareMd5;
  return {
    Version: p.FirmwareVersion,
    ProductId: p.ProductID,
    Name: `firmware-${p.FirmwareVersion}`,
    Description: `Firmware ${p.FirmwareVersion} (emulator seed)`,
    Md5sum:
      md5 && Object.hasOwn(md5, p.FirmwareVersion)
        ? md5[p.FirmwareVersion]
        : defaultFirmwareMd5(p.FirmwareVersion),
    Createtime: ctx.state.startedAt,
    ProductName: p.ProductID,
  };
}

function getAllFirmwareVersion(raw: Record<string, unknown>, ctx: ActionContext) {
  return { Version: [...ctx.state.product(raw["ProductID"] as string).firmwareVersions] };
}

/** DescribeFirmware: one registered version's metadata (Md5sum from the seed). */
export const DESCRIBE_FIRMWARE: ActionDef = {
  schema: {
    ProductID: { type: "string", required: true },
    FirmwareVersion: { type: "string", required: true },
  },
  run: describeFirmware,
};

/** GetAllFirmwareVersion: the product's registered versions. */
export const GET_ALL_FIRMWARE_VERSION: ActionDef = {
  schema: { ProductID: { type: "string", required: true } },
  run: getAllFirmwareVersion,
};
