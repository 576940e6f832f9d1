import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const cache = new Map<string, boolean>();

/**
 * Whether a provider resource type takes `tags`, read from the provider SDK's own type definitions
 * (e.g. `alicloud:vpc/natGateway:NatGateway` -> `@pulumi/alicloud/vpc/natGateway.d.ts`), so a new
 * resource type is covered without anyone keeping a list.
 */
export function isTaggable(type: string): boolean {
  const cached = cache.get(type);
  if (cached !== undefined) return cached;
  const match = /^(alicloud|aws):([^:]+):(\w+)$/.exec(type);
  let taggable = false;
  if (match) {
    const [, pkg, modulePath, typeName] = match as unknown as [string, string, string, string];
    const file = join(dirname(require.resolve(`@pulumi/${pkg}/package.json`)), `${modulePath}.d.ts`);
    if (!existsSync(file)) throw new Error(`cannot find type definitions for ${type} at ${file}`);
    const source = readFileSync(file, "utf8");
    const args = source.slice(source.indexOf(`export interface ${typeName}Args {`));
    taggable = /\n {4}tags\?: /.test(args.slice(0, args.indexOf("\n}")));
  }
  cache.set(type, taggable);
  return taggable;
}

/** The cost-allocation tags every taggable resource carries. */
export const REQUIRED_COST_TAGS = ["team", "env", "cost-center"];
