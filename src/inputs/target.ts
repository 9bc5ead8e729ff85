import { resolve } from "node:path";
import { parseDeviceNames } from "./device-names.js";
import { ActionError, InputError } from "../run/errors.js";
import * as values from "./values.js";

/** What the device-list and rollout steps need to know about where devices come from. */
export type Target =
  | { kind: "devices"; deviceNames: string[]; originalVersion?: string }
  | { kind: "original-version"; originalVersion: string }
  | { kind: "file"; path: string; absolutePath: string };

/** The three target inputs, raw. */
export interface TargetInputs {
  "firmware-original-version": string;
  "device-list": string;
  "device-names": string;
}

/** Pure: which devices the rollout targets; relative list paths are the workspace's. */
export function parseTarget(raw: TargetInputs, workspace: string): Target {
  const original = raw["firmware-original-version"].trim();
  const listPath = raw["device-list"].trim();
  const namesGiven = raw["device-names"].trim() !== "";
  if (listPath !== "") {
    if (namesGiven) {
      throw new InputError(
        "device-list",
        listPath,
        "Expected either device-list or device-names, not both.",
      );
    }
    if (original !== "") {
      throw new InputError(
        "firmware-original-version",
        original,
        "Expected no firmware-original-version with device-list: a device-list rollout upgrades exactly the listed devices.",
      );
    }
    // Relative paths are the workspace's, as for actions/upload-artifact and friends.
    return { kind: "file", path: listPath, absolutePath: resolve(workspace, listPath) };
  }
  const originalVersion =
    original === ""
      ? undefined
      : values.identifier("firmware-original-version", original, "a version such as 1.0.0");
  if (namesGiven) {
    const deviceNames = parseDeviceNames(raw["device-names"]);
    return {
      kind: "devices",
      deviceNames,
      ...(originalVersion === undefined ? {} : { originalVersion }),
    };
  }
  if (originalVersion !== undefined) return { kind: "original-version", originalVersion };
  throw new NoTargetError();
}

/** None of the three target inputs was given (perhaps one was misspelled). */
export class NoTargetError extends ActionError {
  override name = "NoTargetError";
  constructor() {
    super(
      "No devices to upgrade: expected one of the inputs 'device-names', 'device-list' or 'firmware-original-version' (an input with another name, such as 'device-name', is ignored by the runner: check the spelling).",
    );
  }
}
