import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../policies/offline/stack-files";

/** Starts a pack as `pulumi preview --policy-pack` would; resolves with the port it serves on. */
function startPack(pack: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, "load-policy-pack.cjs")], {
      cwd: join(REPO_ROOT, "policies", pack),
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${pack} printed no port in time; stderr: ${stderr}`));
    }, 90_000);
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const port = /^(\d+)\s*$/m.exec(stdout);
      if (port) {
        clearTimeout(timer);
        child.kill();
        resolve(Number(port[1]));
      }
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (!/^\d+\s*$/m.test(stdout)) reject(new Error(`${pack} exited with ${code}: ${stderr}`));
    });
  });
}

describe("policy packs load as Pulumi's policy-pack host loads them", () => {
  it.each(["security", "cost"])("%s type-checks and starts its analyzer server", async (pack) => {
    expect(await startPack(pack)).toBeGreaterThan(0);
  });
});
