/**
 * Footprints of whole stack files outside vitest: a process loads the Pulumi program once (require caches
 * it), so each stack renders in a child process of its own that prints its footprint as JSON.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { renderStackFile } from "../../../policies/offline/render-stack";
import { REPO_ROOT } from "../../../policies/offline/stack-files";
import { type StackFootprint, stackFootprint } from "./stack-footprint";

function inChildProcess(stack: string): Promise<StackFootprint> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, __filename, stack], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve(JSON.parse(output))
        : reject(new Error(`footprint of stack ${stack}: exit code ${code}`)),
    );
  });
}

export function collectFootprints(stacks: readonly string[]): Promise<StackFootprint[]> {
  return Promise.all(stacks.map(inChildProcess));
}

if (require.main === module) {
  const stack = process.argv[2] ?? "";
  renderStackFile(async () => require(join(REPO_ROOT, "stacks", "index.ts")), stack)
    .then((run) => {
      process.stdout.write(JSON.stringify(stackFootprint(stack, run)));
      process.exit(0);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
