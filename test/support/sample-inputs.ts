import { SAMPLE_PRODUCT_ID, type Emulator } from "../emulator/index.js";

/** Inputs for a rollout of firmware 2.0.0 of the emulator's sample product, `extra` on top. */
export function sampleInputs(
  emulator: Emulator,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    "product-id": SAMPLE_PRODUCT_ID,
    "firmware-version": "2.0.0",
    "secret-id": emulator.credentials.secretId,
    "secret-key": emulator.credentials.secretKey,
    endpoint: emulator.url,
    ...extra,
  };
}
