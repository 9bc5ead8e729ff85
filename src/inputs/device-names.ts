import { InputError } from "../run/errors.js";
import { DEVICE_NAME_FORBIDDEN, DEVICE_NAME_MAX_LENGTH } from "../tencent/assumptions.js";

/** How a device name must look, for error messages. */
export const DEVICE_NAME_RULE = `at most ${DEVICE_NAME_MAX_LENGTH} characters, no whitespace, commas or control characters`;

/** Why `name` cannot be a device name, or undefined when it can. */
export function deviceNameProblem(name: string): string | undefined {
  if ([...name].length > DEVICE_NAME_MAX_LENGTH) {
    return `is longer than ${DEVICE_NAME_MAX_LENGTH} characters`;
  }
  if (DEVICE_NAME_FORBIDDEN.test(name)) {
    return "contains whitespace, a comma or a control character";
  }
  return undefined;
}

/** Splits the device-names input on newlines and commas; blanks are dropped, repeats kept once. */
export function parseDeviceNames(value: string, input = "device-names"): string[] {
  const names = value
    .split(/[\r\n,]/)
    .map((name) => name.trim())
    .filter((name) => name !== "");
  if (names.length === 0) {
    throw new InputError(input, value, "Expected device names separated by newlines or commas.");
  }
  for (const name of names) {
    const problem = deviceNameProblem(name);
    if (problem !== undefined) {
      // "cam-1 cam-2" is two names to its writer: say how to separate them.
      const hint = /\S\s+\S/.test(name)
        ? " Separate names with newlines or commas, not spaces."
        : "";
      throw new InputError(
        input,
        name,
        `Expected a device name (${DEVICE_NAME_RULE}); this one ${problem}.${hint}`,
      );
    }
  }
  return [...new Set(names)];
}

/**
 * Linux refuses to start a process with one environment variable over 128 KiB (MAX_ARG_STRLEN),
 * and the runner passes device-names as INPUT_DEVICE-NAMES: about 6,500 names of 19 characters.
 * Warn from here on, so a list that grows is moved to device-list before it stops working.
 */
export const ENV_WARN_BYTES = 100 * 1024;

/** Whether an input value is close to the size Linux refuses for one environment variable. */
export function nearEnvLimit(value: string): boolean {
  return Buffer.byteLength(value, "utf8") >= ENV_WARN_BYTES;
}
