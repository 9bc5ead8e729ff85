// `npm run emulator -- [--help] [--port N] [--skew SECONDS] [--step-ms MS|poll] [--faults FILE]
// [--fault T=F] [--devices FILE] [--device NAME=OUTCOME]`: the emulator in the foreground, for
// trying the action by hand (flags in cli-flags.ts). Logs one line per request; never headers
// (they carry the Authorization).
import { startEmulator, type RecordedRequest } from "./index.js";
import { banner, helpText } from "./cli-help.js";
import { parseCli, UsageError, type CliConfig } from "./cli-options.js";

function logLine(r: RecordedRequest): string {
  const what = r.kind === "api" ? (r.action ?? "(no action)") : `${r.method} ${r.path}`;
  const status = r.status === 0 ? "no answer" : String(r.status);
  const extras = [r.errorCode, r.fault && `fault=${r.fault}`].filter(Boolean).join(" ");
  return `${new Date().toISOString()} ${r.kind.padEnd(6)} ${what} ${status} ${extras}`.trimEnd();
}

/** One line for a server that could not listen: no stack trace for an expected failure. */
function listenFailure(error: NodeJS.ErrnoException, port: number): string {
  const where = `127.0.0.1:${port}`;
  if (error.code === "EADDRINUSE") {
    return `emulator: ${where} is already in use; pick another port with --port N (0 picks a free one).`;
  }
  if (error.code === "EACCES")
    return `emulator: not allowed to listen on ${where}; try a port above 1023.`;
  return `emulator: cannot listen on ${where}: ${error.message}`;
}

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

function parsed(): CliConfig | "help" {
  try {
    return parseCli(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    fail(`emulator: ${error.message}`, 2);
  }
}

async function serve(config: CliConfig): Promise<void> {
  const emulator = await startEmulator({
    port: config.port,
    clockSkewSeconds: config.skew,
    faults: config.faults,
    devicePlans: config.plans,
    ...(config.stepMs === undefined ? {} : { deviceStepMs: config.stepMs }),
    onRequest: (r) => console.log(logLine(r)),
  }).catch((error: unknown) => {
    const errno = error as NodeJS.ErrnoException;
    // Listening failed (a system error with a code), or what was scripted cannot apply.
    if (typeof errno.code === "string") fail(listenFailure(errno, config.port), 1);
    fail(error instanceof Error ? error.message : String(error), 2);
  });
  console.log(banner(emulator.url, config));
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

const request = parsed();
// Help ends the process by running out of work, so a piped stdout is flushed first.
if (request === "help") console.log(helpText());
else await serve(request);
