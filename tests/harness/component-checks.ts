import { expect } from "vitest";
import {
  evaluatePack,
  POLICY_PACKS,
  readPolicyConfig,
  toResourceViews,
  type Violation,
} from "../../policies/offline/evaluate";
import { checkKubernetesObject } from "./k8s-schemas";
import type { DeclaredResource, StackRun } from "./run-stack";

/** The security pack, run over rendered resources with the prod policy config (the strictest). */
export function securityViolations(run: StackRun): Violation[] {
  const security = POLICY_PACKS.find((pack) => pack.pack === "security");
  if (!security) throw new Error("the security pack is missing");
  return evaluatePack(security, toResourceViews(run.resources), readPolicyConfig("security", "prod"));
}

/** A copy of `value` without the given dotted paths (the inputs that were sent as secrets). */
export function withoutPaths(value: Record<string, unknown>, paths: readonly string[]): unknown {
  const copy = structuredClone(value);
  for (const path of paths) {
    const keys = path.split(".");
    const last = keys.pop() as string;
    let target: any = copy;
    for (const key of keys) target = target?.[key];
    if (target) delete target[last];
  }
  return copy;
}

/** A resource's inputs as JSON, with the inputs that were sent as secrets left out. */
export function plainInputs(resource: DeclaredResource): string {
  return JSON.stringify(withoutPaths(resource.inputs, resource.secretInputs));
}

/** Fails naming the resource if `value` appears in any input not sent as a secret. */
export function expectNotInPlainInputs(run: StackRun, value: string): void {
  for (const resource of run.resources) {
    expect(plainInputs(resource), `${resource.type} ${resource.name}`).not.toContain(value);
  }
}

/** Objects with no schema to validate them, or that fail theirs (CRD or kubernetes-models), one line each. */
export async function schemaProblems(objects: readonly DeclaredResource[]): Promise<string[]> {
  const problems: string[] = [];
  for (const object of objects) {
    const check = await checkKubernetesObject(object.type, object.inputs);
    if (!check.validatedBy) problems.push(`${object.type} ${object.name}: no schema to validate against`);
    problems.push(...check.errors.map((error) => `${object.type} ${object.name}: ${error}`));
  }
  return problems;
}
