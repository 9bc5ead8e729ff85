import * as core from "@actions/core";
import { resolve } from "node:path";
import { resolveCredentials, SECRET_ENV, type Credentials } from "./credentials.js";
import { InputError } from "./errors.js";
import { parseDeviceNames } from "./device-names.js";
import { registerSecret } from "./outside-text.js";

/** Every input of action.yml, by its workflow name. */
export const INPUT_NAMES = [
  "product-id",
  "firmware-version",
  "firmware-original-version",
  "upgrade-method",
  "device-names",
  "device-list",
  "secret-id",
  "secret-key",
  "session-token",
  "region",
  "endpoint",
  "request-timeout",
  "max-attempts",
] as const;

export type InputName = (typeof INPUT_NAMES)[number];
export type RawInputs = Record<InputName, string>;

/** What the device-list and rollout steps need to know about where devices come from. */
export type Target =
  | { kind: "devices"; deviceNames: string[]; originalVersion?: string }
  | { kind: "original-version"; originalVersion: string }
  | { kind: "file"; path: string; absolutePath: string };

/** The validated inputs of one run. */
export interface Inputs {
  productId: string;
  firmwareVersion: string;
  upgradeMethod: 0 | 1;
  target: Target;
  credentials: Credentials;
  region?: string;
  endpoint: URL;
  requestTimeoutMs: number;
  maxAttempts: number;
}

export const DEFAULT_ENDPOINT = "https://iotvideo.tencentcloudapi.com";
const UPGRADE_METHODS: Record<string, 0 | 1> = { silent: 0, "0": 0, confirm: 1, "1": 1 };
const IDENTIFIER = /^[A-Za-z0-9._+-]{1,64}$/;
const REGION = /^[a-z]+(-[a-z0-9]+)+$/;
// Tab, CR and LF are only allowed where an input is a list.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LINE_BREAK = /[\t\r\n]/;
const LIST_INPUTS: ReadonlySet<InputName> = new Set(["device-names"]);
const SECRET_INPUTS: ReadonlySet<InputName> = new Set(["secret-key", "session-token"]);

/**
 * Reads every input once through @actions/core and validates it. Secrets are masked before
 * anything else happens to them, including validation that might quote them.
 */
export function readInputs(env: NodeJS.ProcessEnv = process.env): Inputs {
  const raw = Object.fromEntries(
    INPUT_NAMES.map((name) => [name, core.getInput(name, { trimWhitespace: false })]),
  ) as RawInputs;
  for (const name of SECRET_INPUTS) maskSecret(raw[name]);
  for (const name of SECRET_ENV) maskSecret(env[name] ?? "");
  return parseInputs(raw, env);
}

/** Pure validation of the raw input strings; throws InputError for the first bad one. */
export function parseInputs(raw: RawInputs, env: NodeJS.ProcessEnv): Inputs {
  for (const name of INPUT_NAMES) rejectControlCharacters(name, raw[name]);
  const value = (name: InputName): string => raw[name].trim();
  const region = parseRegion(
    value("region") || (env.TENCENTCLOUD_REGION?.trim() ?? ""),
    "region",
    REGION,
  );
  return {
    productId: identifier("product-id", value("product-id"), "a product ID such as ABCDE12345"),
    firmwareVersion: identifier(
      "firmware-version",
      value("firmware-version"),
      "a version such as 2.0.0",
    ),
    upgradeMethod: upgradeMethod(value("upgrade-method")),
    target: parseTarget(raw, env.GITHUB_WORKSPACE || process.cwd()),
    credentials: resolveCredentials({
      secretId: value("secret-id"),
      secretKey: value("secret-key"),
      sessionToken: value("session-token"),
      env,
    }),
    ...(region === undefined ? {} : { region }),
    endpoint: parseEndpoint(value("endpoint") || DEFAULT_ENDPOINT),
    // Whole milliseconds: AbortSignal.timeout() refuses 16100.000000000002.
    requestTimeoutMs: Math.round(
      1000 * numberInRange("request-timeout", value("request-timeout") || "30", 1, 600, false),
    ),
    maxAttempts: numberInRange("max-attempts", value("max-attempts") || "5", 1, 10, true),
  };
}

function parseTarget(raw: RawInputs, workspace: string): Target {
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
      : identifier("firmware-original-version", original, "a version such as 1.0.0");
  if (namesGiven) {
    const deviceNames = parseDeviceNames(raw["device-names"]);
    return {
      kind: "devices",
      deviceNames,
      ...(originalVersion === undefined ? {} : { originalVersion }),
    };
  }
  if (originalVersion !== undefined) return { kind: "original-version", originalVersion };
  throw new InputError(
    "device-names",
    "",
    "Expected a target: device-names, device-list, or firmware-original-version (upgrade every device on that version).",
  );
}

function identifier(name: InputName, value: string, example: string): string {
  if (value === "")
    throw new InputError(name, value, `Expected ${example}; this input is required.`);
  if (!IDENTIFIER.test(value)) {
    throw new InputError(
      name,
      value,
      `Expected ${example}: 1-64 letters, digits, '.', '_', '+' or '-'.`,
    );
  }
  return value;
}

function parseRegion(value: string, name: InputName, shape: RegExp): string | undefined {
  if (value === "") return undefined;
  if (!shape.test(value))
    throw new InputError(name, value, "Expected a region such as ap-guangzhou.");
  return value;
}

function upgradeMethod(value: string): 0 | 1 {
  const method = UPGRADE_METHODS[(value || "silent").toLowerCase()];
  if (method === undefined) {
    throw new InputError("upgrade-method", value, "Expected silent or confirm (or 0 or 1).");
  }
  return method;
}

function numberInRange(
  name: InputName,
  value: string,
  min: number,
  max: number,
  integer: boolean,
): number {
  const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(parsed >= min && parsed <= max) || (integer && !Number.isInteger(parsed))) {
    const kind = integer ? "a whole number" : "a number of seconds";
    throw new InputError(name, value, `Expected ${kind} from ${min} to ${max}.`);
  }
  return parsed;
}

/** A host name, host:port, or an http(s) URL with nothing after the host. */
export function parseEndpoint(value: string): URL {
  const expected =
    "Expected a host name such as iotvideo.tencentcloudapi.com or an http(s)://host[:port] URL.";
  const shown = withoutUserinfo(value);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InputError("endpoint", shown, expected);
  }
  if (url.username !== "" || url.password !== "") {
    throw new InputError(
      "endpoint",
      shown,
      "Expected no user name or password in the URL: Tencent Cloud APIs authenticate by signature, with secret-id and secret-key.",
    );
  }
  const extra = url.search || url.hash || url.pathname !== "/";
  if ((url.protocol !== "https:" && url.protocol !== "http:") || extra || url.hostname === "") {
    throw new InputError("endpoint", shown, expected);
  }
  return url;
}

function rejectControlCharacters(name: InputName, value: string): void {
  const bad = CONTROL.test(value) || (!LIST_INPUTS.has(name) && LINE_BREAK.test(value.trim()));
  if (bad) {
    const shown = SECRET_INPUTS.has(name)
      ? "***"
      : name === "endpoint"
        ? withoutUserinfo(value)
        : value;
    throw new InputError(name, shown, "Expected no control characters or line breaks.");
  }
}

/** A URL with anything before an "@" hidden: it may be a password, never to be repeated. */
function withoutUserinfo(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#]*@/i, "$1***@");
}

function maskSecret(value: string): void {
  for (const form of new Set([value.trim(), value])) {
    if (form === "") continue;
    core.setSecret(form);
    registerSecret(form);
  }
}
