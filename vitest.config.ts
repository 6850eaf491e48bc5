import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Unit tests are fast; the few tests that run a subprocess (the notebooks,
    // the TypeScript 5.0 compiler) pass their own, longer timeout.
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // The machines have 2 cores: one worker per core, in child processes.
    pool: "forks",
    maxWorkers: 2,
  },
});
