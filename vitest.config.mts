import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Each file renders whole stacks under the mock runtime; they share one Pulumi runtime per worker.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
