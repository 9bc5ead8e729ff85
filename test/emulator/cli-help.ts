// What the emulator CLI prints: --help and the start banner. Both are built from the tables the
// emulator itself runs on (flags, outcome paths, fault fields, the seed), so they cannot drift.
import {
  FAIL_ERR_MSG,
  FAILURE_RETCODE,
  NO_NEED_UPDATE_ERR_MSG,
  TIME_OUT_ERR_MSG,
} from "./assumptions.js";
import { FLAGS, STEP_PER_POLL } from "./cli-flags.js";
import type { CliConfig } from "./cli-options.js";
import { API_ONLY, FAULT_FIELDS, PROCESSES_BY_DEFAULT, UPLOAD_ONLY } from "./faults.js";
import { planOutcomes } from "./plans.js";
import { DEVICE_STATUS, isTerminal, OUTCOME_PATHS } from "./progress.js";
import { defaultProducts, SAMPLE_PRODUCT_ID, TEST_CREDENTIALS } from "./seed.js";
import { FAULT_TARGETS } from "./server.js";
import type { DeviceOutcome, DeviceOutcomeName, Fault } from "./types.js";

const WIDTH = 100;

/** What each outcome adds to its path of statuses; a Record, so a new outcome needs a line. */
const OUTCOME_NOTES: Readonly<Record<DeviceOutcomeName, string>> = {
  succeed: "the device is then on the task's version",
  fail: `ErrMsg "${FAIL_ERR_MSG}", Retcode ${FAILURE_RETCODE}`,
  "fail-at-once": "as fail, but at once (for tests that must not depend on timing)",
  "time-out": `ErrMsg "${TIME_OUT_ERR_MSG}", Retcode ${FAILURE_RETCODE}`,
  offline: "never comes online",
  "await-confirmation": "waits for a user's confirmation",
  "up-to-date": `ErrMsg "${NO_NEED_UPDATE_ERR_MSG}", Retcode 0, as Tencent reports a device already on the version`,
  stall: "never finishes downloading",
};

/** What each fault type answers; a Record, so a new type needs a line. */
const FAULT_NOTES: Readonly<Record<Fault["type"], string>> = {
  "rate-limit": "answers RequestLimitExceeded (an upload: SlowDown), or `code`",
  error: "answers the error `code` (with `message`)",
  "reset-before": "cuts the connection without an answer",
  status: "answers HTTP `status` with an HTML page (or `body`)",
  truncated: "answers the first half of the JSON",
  "non-json": "answers 200 with an HTML page",
  slow: "waits `delayMs` ms, then answers",
  "lost-after-process": "cuts the connection: the answer is lost",
  expired: "refuses the upload as if its URL had expired",
  drop: "reads part of the upload, then cuts the connection",
};

/** Status code and name, e.g. "8 awaiting confirmation". */
function statusName(code: number): string {
  const name = Object.entries(DEVICE_STATUS).find(([, value]) => value === code)?.[0] ?? "?";
  return `${code} ${name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)}`;
}

function pathText(statuses: readonly number[]): string {
  const last = statuses[statuses.length - 1] ?? DEVICE_STATUS.pending;
  return statuses.map(statusName).join(" → ") + (isTerminal(last) ? "" : " (stays)");
}

/** `text` after `lead`, wrapped at WIDTH with later lines under the text's start. */
function wrap(lead: string, text: string): string[] {
  const lines: string[] = [];
  let line = lead;
  for (const word of text.split(" ")) {
    if (line.length > lead.length && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = " ".repeat(lead.length);
    }
    line += (line.length > lead.length ? " " : "") + word;
  }
  return [...lines, line];
}

/** A two-column table: each term indented by two, its text in a column after the longest term. */
function table(rows: [term: string, text: string][]): string[] {
  const width = Math.max(...rows.map(([term]) => term.length)) + 4;
  return rows.flatMap(([term, text]) => wrap(`  ${term}`.padEnd(width), text));
}

function flagRows(): [string, string][] {
  return Object.entries(FLAGS).map(([name, flag]) => {
    const short = "short" in flag ? `-${flag.short}, ` : "";
    const term = `${short}--${name}${flag.value === "" ? "" : ` ${flag.value}`}`;
    return [term, flag.does + (flag.fallback === "" ? "" : ` (default ${flag.fallback})`)];
  });
}

function outcomeRows(): [string, string][] {
  return Object.entries(OUTCOME_PATHS).map(([name, statuses]) => {
    const note = OUTCOME_NOTES[name as DeviceOutcomeName];
    return [name, `${pathText(statuses)}; ${note}`];
  });
}

function faultRows(): [string, string][] {
  return Object.entries(FAULT_FIELDS).map(([type, fields]) => {
    const names = Object.entries(fields).map(
      ([name, [, required]]) => name + (required ? "" : "?"),
    );
    const t = type as Fault["type"];
    const only = UPLOAD_ONLY.has(t) ? "; uploads only" : API_ONLY.has(t) ? "; API calls only" : "";
    const carried = PROCESSES_BY_DEFAULT[t] ? "carried out first" : "not carried out";
    const term = `${type}${names.length === 0 ? "" : ` {${names.join(", ")}}`}`;
    return [term, `${FAULT_NOTES[t]}; the request is ${carried}${only}`];
  });
}

/** The sample product, its keys and devices: what every start of the emulator holds. */
function sampleLines(): string[] {
  const product = defaultProducts()[SAMPLE_PRODUCT_ID];
  const devices = Object.entries(product?.devices ?? {}).map(([name, d]) => `${name}@${d.version}`);
  return [
    `  SecretId:  ${TEST_CREDENTIALS.secretId}`,
    `  SecretKey: ${TEST_CREDENTIALS.secretKey}`,
    `  Product:   ${SAMPLE_PRODUCT_ID}`,
    `  Firmware:  ${product?.firmwareVersions.join(", ")}`,
    `  Devices:   ${devices.join(", ")}`,
  ];
}

/** `npm run emulator -- --help`. */
export function helpText(): string {
  return [
    "Usage: npm run emulator -- [options]",
    "",
    "A local stand-in for the Tencent Cloud IoT Video API (2020-12-15) on 127.0.0.1, for trying",
    "the action by hand. It logs one line per request; Ctrl-C stops it.",
    "",
    "Options:",
    ...table(flagRows()),
    "",
    "Device outcomes (--device NAME=OUTCOME), through DescribeFirmwareTaskDevices' status codes:",
    ...table(outcomeRows()),
    ...wrap(
      "  ",
      'NAME={"outcome":"fail","errMsg":"...","retcode":-2} (fail or time-out) sets what is reported; NAME=["fail","succeed"] takes one outcome per task in turn, the last repeating. Unplanned devices succeed, or are up-to-date when already on the version.',
    ),
    "",
    'Fault types (--fault TARGET=TYPE, or TARGET={"type":TYPE,...} with the fields shown); each',
    "answers one request to TARGET, and `process` (where shown) says whether it is carried out:",
    ...table(faultRows()),
    ...wrap("  TARGET is one of ", [...FAULT_TARGETS].join(", ")),
    "",
    "Every start is fresh, with these test values (not secrets):",
    ...sampleLines(),
    "",
    "Example:",
    "  npm run emulator -- --device dev-002=fail --fault BatchUpdateFirmware=lost-after-process",
  ].join("\n");
}

function shownFault(fault: Fault): string {
  const { type, ...fields } = fault;
  return Object.keys(fields).length === 0 ? type : `${type} ${JSON.stringify(fields)}`;
}

function shownOutcome(outcome: DeviceOutcome): string {
  if (typeof outcome === "string") return outcome;
  const { outcome: name, ...fields } = outcome;
  return Object.keys(fields).length === 0 ? name : `${name} ${JSON.stringify(fields)}`;
}

/** Lines for the start banner saying what was scripted and how devices move. */
export function describeScripted(config: CliConfig): string[] {
  const lines: string[] = [];
  const faults = Object.entries(config.faults).filter(([, list]) => list.length > 0);
  if (faults.length > 0) {
    lines.push("  Faults (one per matching request, in order):");
    for (const [target, list] of faults)
      lines.push(`    ${target}: ${list.map(shownFault).join(", then ")}`);
  }
  const plans = Object.entries(config.plans);
  if (plans.length > 0) {
    lines.push("  Device plans (tasks created from now on; the last outcome repeats):");
    for (const [name, plan] of plans) {
      lines.push(`    ${name}: ${planOutcomes(plan).map(shownOutcome).join(", then ")}`);
    }
  }
  lines.push(
    config.stepMs === undefined
      ? `  Device steps: one per DescribeFirmwareTaskDistribution call (--step-ms ${STEP_PER_POLL})`
      : `  Device steps: one every ${config.stepMs} ms after a task is created`,
  );
  return lines;
}

/** What the CLI prints once it listens. */
export function banner(url: string, config: CliConfig): string {
  return [
    `IoT Video emulator (API 2020-12-15) listening on ${url}`,
    ...sampleLines(),
    ...(config.skew === 0 ? [] : [`  Clock skew: ${config.skew} s`]),
    ...describeScripted(config),
    "Ctrl-C to stop. --help lists the flags, device outcomes and fault types.",
  ].join("\n");
}
