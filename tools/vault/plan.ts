import {
  auditStep,
  authConfigStep,
  authMethodStep,
  type Change,
  kvEngineStep,
  policyStep,
  roleStep,
  type StepResult,
} from "./plan-steps";
import type { BootstrapSettings } from "./settings";
import type { VaultClient } from "./vault-client";

export type { Change } from "./plan-steps";

export interface Plan {
  /** The writes still needed, in the order they must happen. */
  readonly changes: readonly Change[];
  /** State the bootstrap will not overwrite on its own (it would lose data or audit continuity). */
  readonly conflicts: readonly string[];
}

/**
 * Reads Vault's current state and lists only the writes still needed: the file audit device first (so
 * every later write is audited), the KV v2 engine, the kubernetes auth method and its config, the
 * read-only policy and the controller's role. Reads nothing that a planned write would create.
 */
export async function planBootstrap(client: VaultClient, settings: BootstrapSettings): Promise<Plan> {
  const results: StepResult[] = [];
  if (settings.auditFilePath !== undefined) results.push(await auditStep(client, settings.auditFilePath));
  results.push(await kvEngineStep(client, settings.kvMount));
  const method = await authMethodStep(client, settings.kubernetesMount);
  results.push(method);
  const usable = !method.conflict;
  if (usable) results.push(await authConfigStep(client, settings, method.exists));
  results.push(await policyStep(client, settings));
  if (usable) results.push(await roleStep(client, settings, method.exists));
  return {
    changes: results.flatMap((result) => (result.change ? [result.change] : [])),
    conflicts: results.flatMap((result) => (result.conflict ? [result.conflict] : [])),
  };
}
