// The emulator CLI's flags and defaults, in one table that both the parser (cli-options.ts) and
// --help (cli-help.ts) read.
import { TIMESTAMP_TOLERANCE_SECONDS } from "./assumptions.js";

/** A fixed port, so a sample .env and the commands in CONTRIBUTING.md can name the URL. */
export const DEFAULT_PORT = 18080;
/**
 * By hand nobody polls for the devices: they move on their own, and a successful device (three
 * steps) is done in seconds, so the next rollout does not meet FailedOperation.DeviceIsUpdating.
 */
export const DEFAULT_STEP_MS = 2000;
/** `--step-ms poll`: the programmatic emulator's default, one step per progress poll. */
export const STEP_PER_POLL = "poll";

/**
 * The flags, for parseArgs and for --help alike (`value`, `does` and `fallback` are the help's;
 * parseArgs ignores them), so the help cannot leave a flag out.
 */
export const FLAGS = {
  help: { type: "boolean", short: "h", value: "", does: "print this help and exit", fallback: "" },
  port: {
    type: "string",
    value: "N",
    does: "port on 127.0.0.1; 0 picks a free one",
    fallback: String(DEFAULT_PORT),
  },
  skew: {
    type: "string",
    value: "SECONDS",
    does: `server clock = real clock + SECONDS; requests signed more than ${TIMESTAMP_TOLERANCE_SECONDS} s off it are refused`,
    fallback: "0",
  },
  "step-ms": {
    type: "string",
    value: `MS|${STEP_PER_POLL}`,
    does: `devices take one step every MS ms after their task is created; ${STEP_PER_POLL}: one step per DescribeFirmwareTaskDistribution call instead`,
    fallback: String(DEFAULT_STEP_MS),
  },
  faults: {
    type: "string",
    value: "FILE.json",
    does: 'faults by target: {"TARGET": TYPE | {"type": TYPE, ...} | [...]}',
    fallback: "",
  },
  fault: {
    type: "string",
    multiple: true,
    value: "TARGET=TYPE|TARGET=JSON",
    does: "a fault for the next request to TARGET; repeat it to queue more, in order",
    fallback: "",
  },
  devices: {
    type: "string",
    value: "FILE.json",
    does: 'device plans by name: {"NAME": OUTCOME | {...} | [...]}',
    fallback: "",
  },
  device: {
    type: "string",
    multiple: true,
    value: "NAME=OUTCOME|NAME=JSON",
    does: "how device NAME behaves in the tasks that include it; repeatable; wins over --devices",
    fallback: "",
  },
} as const;

/** The short usage a mistake in the flags prints. */
export const USAGE = [
  `npm run emulator -- [--port N] [--skew SECONDS] [--step-ms MS|${STEP_PER_POLL}]`,
  "  [--faults FILE.json] [--fault TARGET=TYPE|TARGET=JSON]...",
  "  [--devices FILE.json] [--device NAME=OUTCOME|NAME=JSON]...",
  "  (--help lists the device outcomes and fault types)",
].join("\n");
