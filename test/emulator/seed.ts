import { createHash } from "node:crypto";
import type { ProductSeed } from "./types.js";

/** Obviously fake keys the emulator accepts by default. */
export const TEST_CREDENTIALS: { secretId: string; secretKey: string } = Object.freeze({
  secretId: "AKIDEMULATOR00000000000000000000TEST",
  secretKey: "emulator-secret-key-not-a-real-one",
});

/** The product seeded when no `products` option is given. */
export const SAMPLE_PRODUCT_ID = "EMUPRODUCT1";

/** What productSeed builds; every field is optional. */
export interface ProductSeedOptions {
  /** How many devices (default 5), named <namePrefix>001, <namePrefix>002, … */
  deviceCount?: number;
  /** Default "dev-". */
  namePrefix?: string;
  /** The version every device is on (default "1.0.0"). */
  deviceVersion?: string;
  /** Registered versions (default 1.0.0, 1.1.0, 2.0.0). */
  firmwareVersions?: string[];
  /** Md5sum by version; versions left out get defaultFirmwareMd5. */
  firmwareMd5?: Record<string, string>;
}

/** A product seed of numbered devices on one version; names sort in number order. */
export function productSeed(options: ProductSeedOptions = {}): ProductSeed {
  const count = options.deviceCount ?? 5;
  const width = Math.max(3, String(count).length);
  const devices: ProductSeed["devices"] = {};
  for (let i = 1; i <= count; i++) {
    devices[`${options.namePrefix ?? "dev-"}${String(i).padStart(width, "0")}`] = {
      version: options.deviceVersion ?? "1.0.0",
    };
  }
  const seed: ProductSeed = {
    firmwareVersions: options.firmwareVersions ?? ["1.0.0", "1.1.0", "2.0.0"],
    devices,
  };
  if (options.firmwareMd5) seed.firmwareMd5 = { ...options.firmwareMd5 };
  return seed;
}

/** The Md5sum DescribeFirmware answers for a version the seed gives none: MD5 of "firmware-<version>". */
export function defaultFirmwareMd5(version: string): string {
  return createHash("md5").update(`firmware-${version}`).digest("hex");
}

/** A fresh copy of the default seed, so one emulator's state never leaks into another's. */
export function defaultProducts(): Record<string, ProductSeed> {
  return { [SAMPLE_PRODUCT_ID]: productSeed() };
}
