import { defineConfig } from "vitest/config";
import RealTimeFirst from "./test/support/sequencer.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/bundle.ts"],
    sequence: { sequencer: RealTimeFirst },
    // It imports its JSON schemas without an import attribute: let vite load them.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
    // Most tests wait on sockets, child processes and real-time windows, not the CPU: more files at
    // once than cores (measured here: 4 workers ~34 s, 6 ~25 s, 8 no faster).
    maxWorkers: 6,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
