import { setFlagsFromString } from "node:v8";

/**
 * undici parses answers with llhttp built as WebAssembly. Once its parse function has run a
 * little (V8's dynamic tiering budget, about 13 MB of executed code: the third answer of a
 * rollout), V8 recompiles it with its optimizing compiler on a background thread, and a Node
 * process cannot exit before that compile is over: 30-60 ms at the end of every run, more than
 * all its requests, and ~25 MiB of memory on Node 20. The baseline code parses the action's
 * few, small answers in microseconds, so the budget is put out of reach. A Node that refuses
 * the flag only loses the gain.
 *
 * Call it after the bundle is evaluated and before the first request: a flag set at run time
 * changes V8's flag hash, so code compiled afterwards no longer uses Node's built-in code cache
 * (set first thing, it cost ~14 ms of evaluation); the parser's instance, whose budget counts,
 * is made only once the event loop runs.
 */
export function keepWasmAtBaseline(): void {
  try {
    setFlagsFromString("--wasm-tiering-budget=2000000000");
  } catch {
    // Not worth a word in the log.
  }
}
