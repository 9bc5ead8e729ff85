// `npm run emulator -- [--port N] [--skew SECONDS]`: the emulator in the foreground, for trying
// the action by hand. Logs one line per request; never headers (they carry the Authorization).
import { parseArgs } from "node:util";
import {
  SAMPLE_PRODUCT_ID,
  startEmulator,
  TEST_CREDENTIALS,
  type RecordedRequest,
} from "./index.js";
import { defaultProducts } from "./seed.js";

function integerOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) {
    console.error(`--${name} must be an integer, not '${value}'.`);
    process.exit(2);
  }
  return Number(value);
}

function logLine(r: RecordedRequest): string {
  const what = r.kind === "api" ? (r.action ?? "(no action)") : `${r.method} ${r.path}`;
  const status = r.status === 0 ? "no answer" : String(r.status);
  const extras = [r.errorCode, r.fault && `fault=${r.fault}`].filter(Boolean).join(" ");
  return `${new Date().toISOString()} ${r.kind.padEnd(6)} ${what} ${status} ${extras}`.trimEnd();
}

function describe(url: string, skew: number): string {
  const product = defaultProducts()[SAMPLE_PRODUCT_ID];
  const devices = Object.entries(product?.devices ?? {}).map(([name, d]) => `${name}@${d.version}`);
  return [
    `IoT Video emulator (API 2020-12-15) listening on ${url}`,
    `  SecretId:  ${TEST_CREDENTIALS.secretId}`,
    `  SecretKey: ${TEST_CREDENTIALS.secretKey}`,
    `  Product:   ${SAMPLE_PRODUCT_ID}`,
    `  Firmware:  ${product?.firmwareVersions.join(", ")}`,
    `  Devices:   ${devices.join(", ")}`,
    ...(skew === 0 ? [] : [`  Clock skew: ${skew} s`]),
    "Ctrl-C to stop.",
  ].join("\n");
}

const { values } = parseArgs({
  options: { port: { type: "string" }, skew: { type: "string" } },
});
const port = integerOption(values.port, "port", 0);
const skew = integerOption(values.skew, "skew", 0);
const emulator = await startEmulator({
  port,
  clockSkewSeconds: skew,
  onRequest: (r) => console.log(logLine(r)),
});
console.log(describe(emulator.url, skew));

const stop = () => {
  emulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
