import { BootstrapError } from "./bootstrap-error";
import { type BootstrapSettings, DEFAULT_SETTINGS, settingsProblems } from "./settings";

export const USAGE = `Usage: VAULT_TOKEN=... npm run vault:bootstrap -- --address URL [options]

Brings an initialised, unsealed Vault to what the platform's External Secrets store needs: the file
audit device, the KV v2 engine, the kubernetes auth method and its config, the read-only policy and
the controller's role. Idempotent: a second run changes nothing. Exit 0 done, 1 error, 2 dry run
with changes pending.

  --address URL            Vault's address (default: VAULT_ADDR), e.g. http://127.0.0.1:8200
  --ca-cert FILE           CA of Vault's listener certificate, PEM (default: VAULT_CACERT)
  --dry-run                print the changes needed, write nothing
  --audit-file PATH        file audit device's path (default ${DEFAULT_SETTINGS.auditFilePath})
  --no-audit               for a Vault without an audit volume (no auditStorageGi)
  --kv-mount PATH          KV v2 mount the ClusterSecretStore reads (default ${DEFAULT_SETTINGS.kvMount})
  --kv-path PATTERN        path under the KV mount the policy may read, repeatable (default ${DEFAULT_SETTINGS.kvPaths.join(", ")})
  --kubernetes-mount PATH  kubernetes auth method's mount (default ${DEFAULT_SETTINGS.kubernetesMount})
  --kubernetes-host URL    API server Vault checks tokens with (default ${DEFAULT_SETTINGS.kubernetesHost})
  --policy NAME            read-only policy (default ${DEFAULT_SETTINGS.policy})
  --role NAME              kubernetes auth role (default ${DEFAULT_SETTINGS.role})
  --service-account NAME   External Secrets controller's service account (default ${DEFAULT_SETTINGS.serviceAccount})
  --namespace NAME         its namespace (default ${DEFAULT_SETTINGS.namespace})

The token comes only from VAULT_TOKEN (never a flag) and is never printed.
`;

export type CliRequest =
  | { readonly help: true }
  | {
      readonly help: false;
      readonly address: string;
      readonly token: string;
      readonly caCertPath: string | undefined;
      readonly dryRun: boolean;
      readonly settings: BootstrapSettings;
    };

const STRING_FLAGS = [
  "address",
  "ca-cert",
  "audit-file",
  "kv-mount",
  "kv-path",
  "kubernetes-mount",
  "kubernetes-host",
  "policy",
  "role",
  "service-account",
  "namespace",
] as const;
const BOOLEAN_FLAGS = ["dry-run", "no-audit", "help"] as const;
type StringFlag = (typeof STRING_FLAGS)[number];
type BooleanFlag = (typeof BOOLEAN_FLAGS)[number];

/** Reads flags into lists of values; collects problems without echoing values (one may be a secret). */
function readFlags(args: readonly string[], problems: string[]) {
  const strings = new Map<StringFlag, string[]>();
  const booleans = new Set<BooleanFlag>();
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (!arg.startsWith("--")) {
      problems.push(`argument ${index + 1} is not a flag: this command takes flags only (see --help)`);
      continue;
    }
    const [name = "", inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (name === "token" || name === "vault-token") {
      problems.push(`--${name} is not accepted: put the token in the VAULT_TOKEN environment variable`);
      if (inline === undefined) index++;
    } else if ((BOOLEAN_FLAGS as readonly string[]).includes(name)) {
      if (inline !== undefined) problems.push(`--${name} takes no value`);
      booleans.add(name as BooleanFlag);
    } else if ((STRING_FLAGS as readonly string[]).includes(name)) {
      const next = args[index + 1];
      const separate = inline === undefined && next !== undefined && !next.startsWith("--");
      const value = separate ? next : inline;
      if (separate) index++;
      if (!value) problems.push(`--${name} needs a value`);
      else strings.set(name as StringFlag, [...(strings.get(name as StringFlag) ?? []), value]);
    } else problems.push(`unknown flag --${name} (see --help)`);
  }
  return { strings, booleans };
}

function vaultAddress(value: string | undefined, problems: string[]): string {
  if (!value) {
    problems.push("Vault's address is missing: pass --address or set VAULT_ADDR");
    return "";
  }
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.search || url.hash)
    problems.push(`--address must be an http(s) URL such as http://127.0.0.1:8200, got "${value}"`);
  else if (url.username || url.password) problems.push("--address must not carry credentials");
  return value.replace(/\/+$/, "");
}

function vaultToken(env: NodeJS.ProcessEnv, problems: string[]): string {
  const token = env.VAULT_TOKEN?.trim() ?? "";
  if (!token)
    problems.push(
      "VAULT_TOKEN is not set: export the root token from `vault operator init` (or one with sudo on " +
        "sys/audit and sys/auth); it is never taken from a flag",
    );
  else if (!/^[\x21-\x7e]+$/.test(token))
    problems.push("VAULT_TOKEN holds characters no Vault token has (spaces or control characters)");
  return token;
}

/** The command line and environment, parsed once; every problem is reported together. */
export function parseCli(args: readonly string[], env: NodeJS.ProcessEnv): CliRequest {
  const problems: string[] = [];
  const { strings, booleans } = readFlags(args, problems);
  if (booleans.has("help")) return { help: true };
  const one = (flag: StringFlag): string | undefined => {
    const values = strings.get(flag) ?? [];
    if (values.length > 1) problems.push(`--${flag} is given ${values.length} times`);
    return values[0];
  };
  const address = vaultAddress(one("address") ?? env.VAULT_ADDR, problems);
  const token = vaultToken(env, problems);
  const caCertPath = one("ca-cert") ?? (env.VAULT_CACERT || undefined);
  if (caCertPath && address.startsWith("http://"))
    problems.push("--ca-cert is given but the address is http://: use https:// or drop --ca-cert");
  const auditFile = one("audit-file");
  if (booleans.has("no-audit") && auditFile !== undefined)
    problems.push("--no-audit and --audit-file contradict each other: give one");
  const settings: BootstrapSettings = {
    ...DEFAULT_SETTINGS,
    auditFilePath: booleans.has("no-audit") ? undefined : (auditFile ?? DEFAULT_SETTINGS.auditFilePath),
    kvMount: one("kv-mount") ?? DEFAULT_SETTINGS.kvMount,
    kvPaths: strings.get("kv-path") ?? DEFAULT_SETTINGS.kvPaths,
    kubernetesMount: one("kubernetes-mount") ?? DEFAULT_SETTINGS.kubernetesMount,
    kubernetesHost: one("kubernetes-host") ?? DEFAULT_SETTINGS.kubernetesHost,
    policy: one("policy") ?? DEFAULT_SETTINGS.policy,
    role: one("role") ?? DEFAULT_SETTINGS.role,
    serviceAccount: one("service-account") ?? DEFAULT_SETTINGS.serviceAccount,
    namespace: one("namespace") ?? DEFAULT_SETTINGS.namespace,
  };
  problems.push(...settingsProblems(settings));
  if (problems.length > 0)
    throw new BootstrapError("usage", `invalid arguments:\n${problems.map((p) => `- ${p}`).join("\n")}`);
  return { help: false, address, token, caCertPath, dryRun: booleans.has("dry-run"), settings };
}
