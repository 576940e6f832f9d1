/**
 * Compiles the bench's child processes (and the gateway sources they import) to JavaScript in a
 * temporary directory, so the servers under test run as in production (`node dist/...`), without a
 * TypeScript compiler loaded in their memory. Type checking is the project's `tsc`; this only emits.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { REPOSITORY_ROOT_VARIABLE } from "./child-ready";

export interface CompiledChildren {
  /** Absolute path of the compiled `bench/<name>.js`. */
  script(name: "gateway-process" | "upstream-process" | "portkey-process"): string;
  /** Environment a compiled child needs: packages from the repository, and where it is. */
  environment(): NodeJS.ProcessEnv;
  remove(): void;
}

export function compileChildren(repositoryRoot: string): CompiledChildren {
  const outDir = mkdtempSync(join(tmpdir(), "gateway-bench-js-"));
  const tsc = require.resolve("typescript/bin/tsc", { paths: [repositoryRoot] });
  try {
    execFileSync(
      process.execPath,
      [tsc, "-p", join(repositoryRoot, "bench", "tsconfig.children.json"), "--outDir", outDir],
      { cwd: repositoryRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
  } catch (error) {
    rmSync(outDir, { recursive: true, force: true });
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? "";
    throw new Error(`compiling the bench children failed: ${(error as Error).message}\n${output}`);
  }
  return {
    script: (name) => join(outDir, "bench", `${name}.js`),
    environment: () => ({
      // Compiled files live outside the repository; the gateway's own dependencies win, as in its image.
      NODE_PATH: [
        join(repositoryRoot, "services/gateway/node_modules"),
        join(repositoryRoot, "node_modules"),
      ].join(delimiter),
      [REPOSITORY_ROOT_VARIABLE]: repositoryRoot,
    }),
    remove: () => rmSync(outDir, { recursive: true, force: true }),
  };
}
