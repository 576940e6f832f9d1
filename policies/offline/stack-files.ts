import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export const REPO_ROOT = join(__dirname, "..", "..");

/** Stack files shipped in the repository: every one of them is rendered by the tests. */
export const STACK_NAMES = ["dev", "prod", "local", "prod-aws"] as const;
export type StackName = (typeof STACK_NAMES)[number];

/** The `config:` map of `Pulumi.<stack>.yaml`, values as written (objects stay objects). */
export function readStackFile(stack: string): Record<string, unknown> {
  const document = parse(readFileSync(join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config?: Record<string, unknown>;
  };
  return document.config ?? {};
}

/** Project-namespace keys of a stack file without the `ai-platform:` prefix, e.g. for parsePlatformConfig. */
export function projectKeys(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config)
      .filter(([key]) => key.startsWith("ai-platform:"))
      .map(([key, value]) => [key.slice("ai-platform:".length), value]),
  );
}

/** The string map Pulumi hands a program: structured values as JSON text, scalars as text. */
export function toPulumiConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}
