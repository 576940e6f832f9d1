import type { BootstrapSettings } from "./settings";

/**
 * The controller's read-only policy in HCL: read secrets under each KV path (KV v2 keeps them under
 * `<mount>/data/`) and read or list their metadata, which ExternalSecrets' `find` needs.
 */
export function externalSecretsPolicy(settings: Pick<BootstrapSettings, "kvMount" | "kvPaths">): string {
  const block = (path: string, capabilities: readonly string[]) =>
    [`path "${path}" {`, `  capabilities = [${capabilities.map((c) => `"${c}"`).join(", ")}]`, "}"].join(
      "\n",
    );
  const blocks = settings.kvPaths.flatMap((path) => [
    block(`${settings.kvMount}/data/${path}`, ["read"]),
    block(`${settings.kvMount}/metadata/${path}`, ["read", "list"]),
  ]);
  return `${blocks.join("\n\n")}\n`;
}

/** Policies as Vault stores them may differ in line endings and trailing space only. */
export function samePolicyText(a: string, b: string): boolean {
  const normalise = (text: string) =>
    text
      .replace(/\r\n/g, "\n")
      .split("\n")
      .map((line) => line.trimEnd())
      .join("\n")
      .trim();
  return normalise(a) === normalise(b);
}
