import { run } from "./main.js";
import { keepWasmAtBaseline } from "./v8-flags.js";

// After every module is evaluated, before the first request (see v8-flags.ts).
keepWasmAtBaseline();
await run();
