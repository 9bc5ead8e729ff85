import { run } from "./main.js";
import { keepWasmAtBaseline } from "./run/v8-flags.js";

// After every module is evaluated, before the first request (see v8-flags.ts).
keepWasmAtBaseline();
await run();
// The run is over and its summary and outputs are written. A cancel signal that comes while the
// process exits (the runner's SIGTERM after a cancelled wait wound down by itself) must not kill
// it by signal: the process ends with the run's own result.
const exit = () => process.exit();
process.once("SIGINT", exit).once("SIGTERM", exit);
