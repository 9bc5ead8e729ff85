import { isAbsolute, relative, sep } from "node:path";
import { DEVICE_NAME_RULE } from "../../inputs/device-names.js";
import { InputError } from "../../run/errors.js";

/** The input this module's errors name. */
export const DEVICE_LIST_INPUT = "device-list";

// quote() cuts values at 80 characters from the end; a path must keep its file name instead.
const MAX_SHOWN_PATH = 80;

/**
 * A device-list file that cannot be used, e.g. `Invalid input 'device-list': 'fleet/devices.txt'.
 * Line 12: device name 'a b' contains whitespace… Expected one device name per line (…).`
 */
export class DeviceListError extends InputError {
  override name = "DeviceListError";
  constructor(
    path: string,
    problem: string,
    readonly line?: number,
  ) {
    const where = line === undefined ? "" : `Line ${line}: `;
    super(
      DEVICE_LIST_INPUT,
      shownPath(path),
      `${where}${problem}. Expected a UTF-8 file with one device name per line (${DEVICE_NAME_RULE}).`,
    );
  }
}

/**
 * A problem found in one line, before the file it came from is known to the code that found it;
 * scan turns it into a DeviceListError.
 */
export class LineProblem extends Error {
  override name = "LineProblem";
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

/** The path as a reader of the job log knows it: relative to the workspace, file name kept. */
export function shownPath(path: string, cwd: string = process.cwd()): string {
  const inside = relative(cwd, path);
  const shown =
    inside !== "" && !inside.startsWith(`..${sep}`) && inside !== ".." && !isAbsolute(inside)
      ? inside
      : path;
  return shown.length > MAX_SHOWN_PATH ? `…${shown.slice(-(MAX_SHOWN_PATH - 1))}` : shown;
}
