import { BootstrapError } from "./bootstrap-error";
import { type Change, planBootstrap } from "./plan";
import type { BootstrapSettings } from "./settings";
import type { VaultClient, VaultHealth } from "./vault-client";

export interface BootstrapOptions {
  /** Plan and print, write nothing. */
  readonly dryRun: boolean;
  /** Receives each line of the report. */
  readonly log: (line: string) => void;
}

export interface BootstrapOutcome {
  /** Changes the plan listed (applied unless dry run). */
  readonly planned: readonly Change[];
  readonly applied: number;
}

/** Refuses a Vault that cannot take the bootstrap yet, and a token Vault does not accept at all. */
export async function checkVaultReady(client: VaultClient): Promise<VaultHealth> {
  const health = await client.health();
  if (!health.initialized)
    throw new BootstrapError(
      "uninitialised",
      `Vault at ${client.address} is not initialised: run \`vault operator init\` first (it prints the ` +
        "root token for VAULT_TOKEN), unseal it if it uses Shamir keys, then run this again",
    );
  if (health.sealed)
    throw new BootstrapError(
      "sealed",
      `Vault at ${client.address} is sealed: unseal it first (\`vault operator unseal\` with Shamir keys; ` +
        "with a KMS seal, check that Vault reaches its key), then run this again",
    );
  try {
    await client.lookupSelf();
  } catch (error) {
    if (error instanceof BootstrapError && error.code === "forbidden")
      throw new BootstrapError(
        "token-rejected",
        `Vault at ${client.address} rejected the token in VAULT_TOKEN (403 on auth/token/lookup-self): ` +
          "it is invalid, expired or revoked; use the root token from `vault operator init` or a token " +
          "with sudo on sys/audit and sys/auth",
      );
    throw error;
  }
  return health;
}

function describe(change: Change): string[] {
  const mark = change.action === "create" ? "+" : "~";
  return [`  ${mark} ${change.summary}`, ...change.details.map((detail) => `      ${detail}`)];
}

/**
 * Brings Vault to the state the platform's External Secrets store needs, after `vault operator init`:
 * checks Vault is ready, plans, refuses on conflicts before writing anything, applies the changes in
 * order, then plans again to prove nothing is left. Running it again changes nothing.
 */
export async function runBootstrap(
  client: VaultClient,
  settings: BootstrapSettings,
  options: BootstrapOptions,
): Promise<BootstrapOutcome> {
  const { log } = options;
  const health = await checkVaultReady(client);
  const role = health.standby ? "standby, forwarding to the active server" : "active";
  const vault = health.version ? `Vault ${health.version}` : "Vault";
  log(`${vault} at ${client.address}: initialised, unsealed, ${role}`);

  const plan = await planBootstrap(client, settings);
  if (plan.conflicts.length > 0)
    throw new BootstrapError(
      "conflict",
      `Vault at ${client.address} holds state this command will not overwrite; nothing was changed:\n` +
        plan.conflicts.map((conflict) => `- ${conflict}`).join("\n"),
    );
  if (plan.changes.length === 0) {
    log("Nothing to change: Vault is already bootstrapped.");
    return { planned: [], applied: 0 };
  }
  log(`${plan.changes.length} change(s) needed:`);
  for (const change of plan.changes) for (const line of describe(change)) log(line);
  if (options.dryRun) {
    log("Dry run: nothing was changed.");
    return { planned: plan.changes, applied: 0 };
  }

  let applied = 0;
  for (const change of plan.changes) {
    try {
      await change.apply(client);
    } catch (error) {
      if (!(error instanceof BootstrapError)) throw error;
      throw new BootstrapError(
        error.code,
        `${error.message}\n(${applied} of ${plan.changes.length} changes were applied before this one; ` +
          "the command is safe to run again once this is fixed)",
      );
    }
    applied++;
  }
  const after = await planBootstrap(client, settings);
  const left = [...after.conflicts, ...after.changes.map((change) => change.summary)];
  if (left.length > 0)
    throw new BootstrapError(
      "api",
      `Vault at ${client.address} accepted every write but still differs:\n${left.map((l) => `- ${l}`).join("\n")}`,
    );
  log(`Applied ${applied} change(s); read back: nothing left to change.`);
  return { planned: plan.changes, applied };
}
