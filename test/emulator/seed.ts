import type { ProductSeed } from "./types.js";

/** Obviously fake keys the emulator accepts by default. */
export const TEST_CREDENTIALS: { secretId: string; secretKey: string } = Object.freeze({
  secretId: "AKIDEMULATOR00000000000000000000TEST",
  secretKey: "emulator-secret-key-not-a-real-one",
});

/** The product seeded when no `products` option is given. */
export const SAMPLE_PRODUCT_ID = "EMUPRODUCT1";

/** A fresh copy of the default seed, so one emulator's state never leaks into another's. */
export function defaultProducts(): Record<string, ProductSeed> {
  const devices: ProductSeed["devices"] = {};
  for (let i = 1; i <= 5; i++) devices[`dev-${String(i).padStart(3, "0")}`] = { version: "1.0.0" };
  return { [SAMPLE_PRODUCT_ID]: { firmwareVersions: ["1.0.0", "1.1.0", "2.0.0"], devices } };
}
