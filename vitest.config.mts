import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests use the contract package's sources; consumers get its built dist/ from the registry.
    alias: {
      "@ai-platform/platform-outputs": fileURLToPath(
        new URL("./packages/platform-outputs/src/index.ts", import.meta.url),
      ),
    },
  },
  test: {
    include: ["tests/**/*.test.ts"],
    // Real Redis and PostgreSQL on loopback for the services' tests (Debian packages; .ci/run installs them).
    globalSetup: ["./tests/harness/test-servers.ts"],
    reporters: ["default", "./tests/harness/summary-reporter.ts"],
    // Stack renders run the whole program under the mock runtime; the ts-node smoke test type-checks it.
    testTimeout: 120_000,
    // A Pulumi program fails by throwing inside an apply; the Pulumi runtime reports that through its
    // unhandled-rejection handler. The contract tests provoke exactly those errors on purpose.
    onUnhandledError: (error) =>
      !/does not (publish an ai-platform outputs contract|meet the contract)/.test(String(error?.message)),
    hookTimeout: 120_000,
  },
});
