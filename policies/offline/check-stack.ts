import { estimateMonthlyCost } from "../cost/rules/estimate";
import { evaluatePack, POLICY_PACKS, readPolicyConfig, toResourceViews, type Violation } from "./evaluate";
import type { StackRun } from "./render-stack";
import { readStackFile } from "./stack-files";

export interface StackPolicyResult {
  readonly stack: string;
  readonly environment: string;
  readonly violations: readonly Violation[];
  readonly estimate: ReturnType<typeof estimateMonthlyCost>;
}

/** Both packs over a rendered stack, with the policy config of the stack's environment. */
export function checkRenderedStack(
  stack: string,
  run: StackRun,
  environment = environmentOf(stack),
): StackPolicyResult {
  const resources = toResourceViews(run.resources);
  const violations = POLICY_PACKS.flatMap((definition) =>
    evaluatePack(definition, resources, readPolicyConfig(definition.pack, environment)),
  );
  return { stack, environment, violations, estimate: estimateMonthlyCost(resources) };
}

export function environmentOf(stack: string): string {
  const environment = readStackFile(stack)["ai-platform:environment"];
  if (typeof environment !== "string")
    throw new Error(`Pulumi.${stack}.yaml sets no ai-platform:environment`);
  return environment;
}
