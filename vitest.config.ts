import { defineConfig } from "vitest/config";
import RealTimeFirst from "./test/support/sequencer.js";

/** Files that fake the clock or patch globals: each runs in a fresh module graph. */
const ISOLATED = [
  "test/hostile/proxy-undici-limits.test.ts",
  "test/hostile/upload-long-timeouts.test.ts",
  "test/inputs.test.ts",
  "test/keyless/chain.test.ts",
  "test/keyless/masking.test.ts",
  "test/keyless/sts-answer.test.ts",
];

export default defineConfig({
  test: {
    globalSetup: ["test/support/bundle.ts"],
    sequence: { sequencer: RealTimeFirst },
    // It imports its JSON schemas without an import attribute: let vite load them.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
    // Sized from the machine, not a fixed count: most tests wait on sockets and child processes,
    // one file per core; on 2 quiet cores this ran the suite in 72 s against 81 s with 150%.
    maxWorkers: "100%",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: "isolated", include: ISOLATED, isolate: true } },
      {
        // The rest share a worker's modules (loading them once per worker, not once per file):
        // they restore whatever they change.
        extends: true,
        test: { name: "shared", include: ["test/**/*.test.ts"], exclude: ISOLATED, isolate: false },
      },
    ],
  },
});
