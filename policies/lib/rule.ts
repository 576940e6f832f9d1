import type { EnforcementLevel, PolicyConfigSchema, Severity } from "@pulumi/policy";

/** A resource as a rule sees it: the same shape whether it comes from the engine or the offline renderer. */
export interface ResourceView {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly props: Record<string, any>;
  readonly protect: boolean;
  /** Dotted paths of props the engine holds as secrets, e.g. `stringData.password`. */
  readonly secretPaths: readonly string[];
  /** Props of the resource's provider (e.g. `region`), when it has an explicit one. */
  readonly providerProps?: Record<string, any>;
}

interface RuleMetadata {
  /** Kebab-case name; the key in policy-config files. */
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  readonly remediationSteps: string;
  /** Used when no policy-config file sets one. */
  readonly enforcementLevel: EnforcementLevel;
  /** JSON schema of the rule's config, with defaults; Pulumi validates policy-config files against it. */
  readonly configSchema?: PolicyConfigSchema;
}

/** Checks resources one at a time; returns one message per violation. */
export interface ResourceRule<C = Record<string, never>> extends RuleMetadata {
  readonly kind: "resource";
  validate(resource: ResourceView, config: C): string[];
}

/** Checks the stack as a whole (relations between resources, totals). */
export interface StackRule<C = Record<string, never>> extends RuleMetadata {
  readonly kind: "stack";
  validate(resources: readonly ResourceView[], config: C): string[];
}

// A pack holds rules with different config types.
export type Rule = ResourceRule<any> | StackRule<any>;

/** Config a rule receives: schema defaults overlaid by what the policy-config file sets. */
export function configWithDefaults(
  rule: Rule,
  fromFile: Record<string, unknown> = {},
): Record<string, unknown> {
  const defaults = Object.fromEntries(
    Object.entries(rule.configSchema?.properties ?? {})
      .filter(([, schema]) => (schema as { default?: unknown }).default !== undefined)
      .map(([key, schema]) => [key, (schema as { default?: unknown }).default]),
  );
  const { enforcementLevel: _level, ...values } = fromFile;
  return { ...defaults, ...values };
}
