// Imported first by index.ts: runs before undici is evaluated and compiles its HTTP parser.
import { setFlagsFromString } from "node:v8";

/**
 * undici parses answers with llhttp built as WebAssembly. Once its parse function has run a
 * little (V8's dynamic tiering budget, about 13 MB of executed code: the third answer of a
 * rollout), V8 recompiles it with its optimizing compiler on a background thread, and a Node
 * process cannot exit before that compile is over: 30-60 ms at the end of every run, more than
 * all its requests, and ~25 MiB of memory on Node 20. The baseline code parses the action's
 * few, small answers in microseconds, so the budget is put out of reach. A Node that refuses
 * the flag only loses the gain.
 */
function keepWasmAtBaseline(): void {
  try {
    setFlagsFromString("--wasm-tiering-budget=2000000000");
  } catch {
    // Not worth a word in the log.
  }
}

keepWasmAtBaseline();
