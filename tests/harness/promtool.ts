import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PROMTOOL = process.env.PROMTOOL ?? "/usr/bin/promtool";

export interface PromtoolResult {
  readonly ok: boolean;
  /** promtool's own report (stdout and stderr). */
  readonly output: string;
}

/**
 * Runs `promtool check rules` on rule groups as a PrometheusRule's `spec.groups` holds them (the same
 * shape as a Prometheus rule file). JSON is YAML, so the groups are written as they are.
 */
export function promtoolCheckRules(groups: readonly unknown[]): PromtoolResult {
  const dir = mkdtempSync(join(tmpdir(), "promtool-"));
  const file = join(dir, "rules.yaml");
  try {
    writeFileSync(file, JSON.stringify({ groups }, null, 2));
    const output = execFileSync(PROMTOOL, ["check", "rules", file], { encoding: "utf8", stdio: "pipe" });
    return { ok: true, output };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    if (failure.stdout === undefined && failure.stderr === undefined) throw error;
    return { ok: false, output: `${failure.stdout ?? ""}${failure.stderr ?? ""}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
