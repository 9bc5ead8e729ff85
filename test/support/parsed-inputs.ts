import {
  INPUT_NAMES,
  parseInputs,
  type Inputs,
  type RawInputs,
} from "../../src/inputs/read-inputs.js";

/**
 * Inputs as parseInputs makes them from a workflow's strings: firmware 2.0.0 of product
 * ABCDE12345 with keys, every other input empty unless `extra` gives it. For tests of what is
 * built from the inputs (the summary), so they start from the real parser, not a hand-made object.
 */
export function parsedInputs(
  extra: Partial<RawInputs> = {},
  env: Record<string, string> = {},
): Inputs {
  const raw = Object.fromEntries(INPUT_NAMES.map((name) => [name, ""])) as RawInputs;
  return parseInputs(
    {
      ...raw,
      "product-id": "ABCDE12345",
      "firmware-version": "2.0.0",
      "secret-id": "AKIDx",
      "secret-key": "key-x",
      ...extra,
    },
    env,
  );
}
