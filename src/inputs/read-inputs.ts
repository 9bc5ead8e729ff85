import * as core from "@actions/core";
import { resolve } from "node:path";
import { resolveCredentials, SECRET_ENV, type Credentials } from "../credentials/keys.js";
import { nearEnvLimit } from "./device-names.js";
import { InputError } from "../run/errors.js";
import * as values from "./values.js";
import type { FailureThreshold } from "./values.js";
import {
  KEYLESS_DEFAULTS,
  parseKeyless,
  type KeylessSettings,
} from "../credentials/keyless/keyless.js";
import { registerSecret } from "../report/outside-text.js";
import { parseTarget, type Target } from "./target.js";
import { parseWaves, WAVE_DEFAULTS, type WaveSettings } from "../waves/settings.js";
import { parseDeployment, type DeploymentSettings } from "../deployment/settings.js";

/** Every input of action.yml, by its workflow name. */
export const INPUT_NAMES = [
  "product-id",
  "firmware-version",
  "firmware-original-version",
  "firmware-file",
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
  "wait",
  "wait-timeout",
  "poll-interval",
  "max-failed-devices",
  "retry-failed-devices",
  "dry-run",
  "role-arn",
  "oidc-provider-id",
  "audience",
  "role-session-name",
  "role-duration-seconds",
  "sts-endpoint",
  "sts-region",
  "waves",
  "canary-devices",
  "wave-pause",
  "on-failure",
  "waves-per-run",
  "wave-success",
  "canary-success",
  "github-token",
  "environment",
] as const;

export type InputName = (typeof INPUT_NAMES)[number];
export type RawInputs = Record<InputName, string>;

export type { Target } from "./target.js";

/** A file named by an input, as given and resolved against the workspace. */
export interface InputFile {
  path: string;
  absolutePath: string;
}

/** How the rollout is followed once its task exists. */
export interface WaitSettings {
  timeoutMs: number;
  pollIntervalMs: number;
  maxFailed: FailureThreshold;
  /** retry-failed-devices: RetryDeviceFirmwareTask calls per failed device before it counts. */
  retryFailed: number;
}

/** The validated inputs of one run. */
export interface Inputs {
  productId: string;
  firmwareVersion: string;
  /** Where the version came from: the input, or the tag the run was triggered by. */
  versionSource: "input" | "tag";
  upgradeMethod: 0 | 1;
  target: Target;
  firmwareFile?: InputFile;
  /** Keys from secrets, or keyless: the workflow's OIDC token traded for temporary keys. */
  auth: { kind: "keys"; credentials: Credentials } | { kind: "keyless"; settings: KeylessSettings };
  region?: string;
  endpoint: URL;
  requestTimeoutMs: number;
  maxAttempts: number;
  /** Set when the step follows the task until no device is upgrading (always with waves). */
  wait?: WaitSettings;
  /** Set for a progressive rollout. */
  waves?: WaveSettings;
  dryRun: boolean;
  /** Set when the rollout is recorded as a GitHub Deployment (a github-token, on a runner). */
  deployment?: DeploymentSettings;
}

export const DEFAULT_ENDPOINT = "https://iotvideo.tencentcloudapi.com";

/** What an empty input means; action.yml declares the same defaults (a test holds them equal). */
export const INPUT_DEFAULTS: Partial<Record<InputName, string>> = {
  "upgrade-method": "silent",
  endpoint: DEFAULT_ENDPOINT,
  "request-timeout": "30",
  "max-attempts": "5",
  wait: "false",
  "wait-timeout": "30m",
  "poll-interval": "15s",
  "max-failed-devices": "0",
  "retry-failed-devices": "0",
  "dry-run": "false",
  ...KEYLESS_DEFAULTS,
  ...WAVE_DEFAULTS,
};
/** Defaults action.yml gives as expressions the runner evaluates; empty in the code. */
export const RUNNER_DEFAULTS: Partial<Record<InputName, string>> = {
  "github-token": "${{ github.token }}",
};
const WAIT_TIMEOUT_MAX_MS = 6 * 3_600_000;
const POLL_INTERVAL_MIN_MS = 5000;
/** Retries per failed device: a device that fails five times has a problem a sixth will not fix. */
const MAX_DEVICE_RETRIES = 5;
// Tab, CR and LF are only allowed where an input is a list.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LINE_BREAK = /[\t\r\n]/;
const LIST_INPUTS: ReadonlySet<InputName> = new Set(["device-names"]);
const SECRET_INPUTS: ReadonlySet<InputName> = new Set([
  "secret-key",
  "session-token",
  "github-token",
]);

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
  if (nearEnvLimit(raw["device-names"])) {
    core.warning(
      "device-names is over 100 KiB: Linux refuses one variable over 128 KiB (about 6,500 names), and the step would not start at all. Put the names in a file, one per line, and give it as device-list.",
    );
  }
  return parseInputs(raw, env);
}

/** Pure validation of the raw input strings; throws InputError for the first bad one. */
export function parseInputs(raw: RawInputs, env: NodeJS.ProcessEnv): Inputs {
  for (const name of INPUT_NAMES) rejectControlCharacters(name, raw[name]);
  const value = (name: InputName): string => raw[name].trim() || (INPUT_DEFAULTS[name] ?? "");
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const region = values.region(
    "region",
    value("region") || (env.TENCENTCLOUD_REGION?.trim() ?? ""),
  );
  const version = firmwareVersion(value("firmware-version"), env.GITHUB_REF);
  const target = parseTarget(raw, workspace);
  if ("originalVersion" in target && target.originalVersion === version.firmwareVersion) {
    throw new InputError(
      "firmware-original-version",
      target.originalVersion,
      `Expected a version other than firmware-version (${version.firmwareVersion}): devices already on it need no rollout.`,
    );
  }
  const firmwareFile = value("firmware-file");
  const productId = values.identifier(
    "product-id",
    value("product-id"),
    "a product ID such as ABCDE12345",
  );
  const deployment = parseDeployment(
    raw["github-token"].trim(),
    value("environment"),
    productId,
    env,
  );
  return {
    productId,
    ...version,
    upgradeMethod: values.upgradeMethod(value("upgrade-method")),
    target,
    ...(firmwareFile === ""
      ? {}
      : { firmwareFile: { path: firmwareFile, absolutePath: resolve(workspace, firmwareFile) } }),
    auth: parseAuth(value, raw, env),
    ...(region === undefined ? {} : { region }),
    endpoint: values.endpoint(value("endpoint")),
    // Whole milliseconds: AbortSignal.timeout() refuses 16100.000000000002.
    requestTimeoutMs: Math.round(
      1000 * values.numberInRange("request-timeout", value("request-timeout"), 1, 600, false),
    ),
    maxAttempts: values.numberInRange("max-attempts", value("max-attempts"), 1, 10, true),
    ...waitAndWaves(value, raw, target),
    dryRun: values.flag("dry-run", value("dry-run")),
    ...(deployment === undefined ? {} : { deployment }),
  };
}

/** Keyless when role-arn is given (never together with key inputs), keys otherwise. */
function parseAuth(
  value: (name: InputName) => string,
  raw: RawInputs,
  env: NodeJS.ProcessEnv,
): Inputs["auth"] {
  const keyInputs = (["secret-id", "secret-key", "session-token"] as const).filter(
    (name) => raw[name].trim() !== "",
  );
  const settings = parseKeyless(raw, env, keyInputs);
  if (settings !== undefined) return { kind: "keyless", settings };
  return {
    kind: "keys",
    credentials: resolveCredentials({
      secretId: value("secret-id"),
      secretKey: value("secret-key"),
      sessionToken: value("session-token"),
      env,
    }),
  };
}

function firmwareVersion(
  given: string,
  ref: string | undefined,
): Pick<Inputs, "firmwareVersion" | "versionSource"> {
  const example = "a version such as 2.0.0";
  if (given !== "") {
    return {
      firmwareVersion: values.identifier("firmware-version", given, example),
      versionSource: "input",
    };
  }
  const fromTag = values.versionFromRef(ref);
  if (fromTag === undefined) {
    throw new InputError(
      "firmware-version",
      "",
      `Expected ${example}; it is required unless the run was triggered by a tag (refs/tags/v2.0.0 gives 2.0.0), and this run's ref is ${ref ? `'${ref}'` : "not set"}.`,
    );
  }
  return {
    firmwareVersion: values.identifier(
      "firmware-version",
      fromTag,
      `${example} (taken from the tag ${ref})`,
    ),
    versionSource: "tag",
  };
}

/** The wait settings, given with wait or implied by waves, and the waves. */
function waitAndWaves(
  value: (name: InputName) => string,
  raw: RawInputs,
  target: Target,
): { wait?: WaitSettings; waves?: WaveSettings } {
  const waves = parseWaves(raw, target);
  const { wait } = waitSettings(value);
  if (waves === undefined) return wait === undefined ? {} : { wait };
  return { wait: wait ?? waitSettings(value, true).wait!, waves };
}

function waitSettings(
  value: (name: InputName) => string,
  implied = false,
): { wait?: WaitSettings } {
  const settings: WaitSettings = {
    timeoutMs: values.duration("wait-timeout", value("wait-timeout"), 1000, WAIT_TIMEOUT_MAX_MS),
    pollIntervalMs: values.duration(
      "poll-interval",
      value("poll-interval"),
      POLL_INTERVAL_MIN_MS,
      WAIT_TIMEOUT_MAX_MS,
    ),
    maxFailed: values.failureThreshold("max-failed-devices", value("max-failed-devices")),
    retryFailed: values.numberInRange(
      "retry-failed-devices",
      value("retry-failed-devices"),
      0,
      MAX_DEVICE_RETRIES,
      true,
    ),
  };
  return implied || values.flag("wait", value("wait")) ? { wait: settings } : {};
}

function rejectControlCharacters(name: InputName, value: string): void {
  const bad = CONTROL.test(value) || (!LIST_INPUTS.has(name) && LINE_BREAK.test(value.trim()));
  if (bad) {
    const shown = SECRET_INPUTS.has(name)
      ? "***"
      : name === "endpoint"
        ? values.withoutUserinfo(value)
        : value;
    throw new InputError(name, shown, "Expected no control characters or line breaks.");
  }
}

function maskSecret(value: string): void {
  for (const form of new Set([value.trim(), value])) {
    if (form === "") continue;
    core.setSecret(form);
    registerSecret(form);
  }
}
