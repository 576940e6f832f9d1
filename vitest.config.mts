import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    reporters: ["default", "./tests/harness/summary-reporter.ts"],
    // Stack renders run the whole program under the mock runtime; the ts-node smoke test type-checks it.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
