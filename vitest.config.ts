import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/bundle.ts"],
    // It imports its JSON schemas without an import attribute: let vite load them.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
    // Most tests wait on sockets and child processes, not the CPU: more files at once than cores.
    maxWorkers: 4,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
