import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { EnforcementLevel, PolicyPackConfig, Severity } from "@pulumi/policy";
import { costRules } from "../cost/rules";
import { configWithDefaults, type ResourceView, type Rule } from "../lib/rule";
import { securityRules } from "../security/rules";
import type { DeclaredResource } from "./render-stack";

export interface PolicyPackDefinition {
  /** Folder under policies/, also the pack's name in reports. */
  readonly pack: string;
  readonly rules: readonly Rule[];
}

export const POLICY_PACKS: readonly PolicyPackDefinition[] = [
  { pack: "security", rules: securityRules },
  { pack: "cost", rules: costRules },
];

export interface Violation {
  readonly pack: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly enforcementLevel: EnforcementLevel;
  readonly message: string;
  /** URN of the offending resource; absent for stack-level rules. */
  readonly urn?: string;
}

/** `policies/<pack>/config/<environment>.json`, the file `pulumi preview --policy-pack-config` takes. */
export function readPolicyConfig(pack: string, environment: string): PolicyPackConfig {
  return JSON.parse(readFileSync(join(__dirname, "..", pack, "config", `${environment}.json`), "utf8"));
}

/** Enforcement as the Pulumi engine resolves it: the rule's entry, else `all`, else the rule's default. */
export function enforcementOf(rule: Rule, config: PolicyPackConfig): EnforcementLevel {
  const entry = config[rule.name];
  if (typeof entry === "string") return entry;
  if (entry?.enforcementLevel) return entry.enforcementLevel;
  const all = config.all;
  return (typeof all === "string" ? all : all?.enforcementLevel) ?? rule.enforcementLevel;
}

/** Runs a pack's rules over rendered resources, with enforcement and parameters from `config`. */
export function evaluatePack(
  definition: PolicyPackDefinition,
  resources: readonly ResourceView[],
  config: PolicyPackConfig,
): Violation[] {
  return definition.rules.flatMap((rule) => {
    const enforcementLevel = enforcementOf(rule, config);
    if (enforcementLevel === "disabled") return [];
    const entry = config[rule.name];
    const ruleConfig = configWithDefaults(rule, typeof entry === "object" ? entry : {});
    const base = { pack: definition.pack, rule: rule.name, severity: rule.severity, enforcementLevel };
    if (rule.kind === "stack")
      return rule.validate(resources, ruleConfig).map((message) => ({ ...base, message }));
    return resources.flatMap((resource) =>
      rule.validate(resource, ruleConfig).map((message) => ({ ...base, message, urn: resource.urn })),
    );
  });
}

/**
 * Rendered resources as rules see them. Local components are left out, as the engine leaves them out;
 * Helm charts stay in, since under mocks their values are the only view of what they deploy.
 */
export function toResourceViews(declared: readonly DeclaredResource[]): ResourceView[] {
  const providers = new Map(
    declared.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.urn, r.inputs]),
  );
  return declared
    .filter((resource) => resource.custom || resource.type.startsWith("kubernetes:helm.sh/"))
    .map((resource) => ({
      type: resource.type,
      name: resource.name,
      urn: resource.urn,
      props: resource.inputs,
      protect: resource.protect,
      secretPaths: resource.secretInputs,
      providerProps: providers.get(resource.provider.split("::").slice(0, -1).join("::")),
    }));
}
