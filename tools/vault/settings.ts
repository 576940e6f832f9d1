import { VAULT_DEFAULTS, VAULT_TOKEN_AUDIENCE } from "../../components/secrets/external-secrets";
import { AUDIT_LOG_PATH } from "../../components/secrets/vault";
import { NAMESPACES } from "../../stacks/areas/namespaces";
import { EXTERNAL_SECRETS_RELEASE } from "../../stacks/areas/secrets";

/** What the bootstrap makes true inside Vault. */
export interface BootstrapSettings {
  /** File the audit device writes to; `undefined` when the Vault has no audit volume. */
  readonly auditFilePath: string | undefined;
  /** Mount path of the KV version 2 engine the ClusterSecretStore reads. */
  readonly kvMount: string;
  /** Paths under the KV mount the policy lets the controller read, e.g. `*` or `apps/*`. */
  readonly kvPaths: readonly string[];
  /** Mount path of the kubernetes auth method. */
  readonly kubernetesMount: string;
  /** API server URL Vault sends TokenReviews to. */
  readonly kubernetesHost: string;
  /** Name of the read-only ACL policy. */
  readonly policy: string;
  /** Role of the kubernetes auth method the controller logs in with. */
  readonly role: string;
  /** The External Secrets controller's service account and its namespace. */
  readonly serviceAccount: string;
  readonly namespace: string;
  /** Audience the controller's service-account tokens carry. */
  readonly audience: string;
  /** Lifetime of the tokens the role issues, in seconds. */
  readonly tokenTtlSeconds: number;
}

/**
 * The defaults are what the stacks deploy (tests/tools/vault-defaults.test.ts renders the stacks and
 * fails when they part).
 */
export const DEFAULT_SETTINGS: BootstrapSettings = {
  auditFilePath: AUDIT_LOG_PATH,
  kvMount: VAULT_DEFAULTS.kvMount,
  kvPaths: ["*"],
  kubernetesMount: VAULT_DEFAULTS.kubernetesAuthMount,
  // Vault runs in the cluster and checks tokens with its own service account (system:auth-delegator).
  kubernetesHost: "https://kubernetes.default.svc",
  policy: "external-secrets",
  role: VAULT_DEFAULTS.authRole,
  serviceAccount: EXTERNAL_SECRETS_RELEASE,
  namespace: NAMESPACES.secrets,
  audience: VAULT_TOKEN_AUDIENCE,
  tokenTtlSeconds: 3600,
};

/** Where `vault audit enable file` mounts the device. */
export const AUDIT_DEVICE_PATH = "file";

const MOUNT = /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.-]+)*$/;
const VAULT_NAME = /^[a-z0-9][a-z0-9_.-]*$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;
/** A Vault policy path glob: segments, `+` for one segment, `*` only at the end. */
const KV_PATH = /^([A-Za-z0-9_.-]+|\+)(\/([A-Za-z0-9_.-]+|\+))*\/?\*?$|^\*$/;

/** Every problem with `settings`, one line each naming the flag; empty when they are usable. */
export function settingsProblems(settings: BootstrapSettings): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  const audit = settings.auditFilePath;
  if (audit !== undefined)
    check(
      audit.startsWith("/") || audit === "stdout",
      `--audit-file must be an absolute path (or "stdout"), got "${audit}"`,
    );
  check(
    MOUNT.test(settings.kvMount),
    `--kv-mount must be a mount path such as "secret", got "${settings.kvMount}"`,
  );
  check(settings.kvPaths.length > 0, "--kv-path needs at least one path");
  for (const path of settings.kvPaths)
    check(
      KV_PATH.test(path) && !path.split("/").includes(".."),
      `--kv-path must be a path under the KV mount such as "*" or "apps/*" ("*" only at the end), got "${path}"`,
    );
  check(
    MOUNT.test(settings.kubernetesMount),
    `--kubernetes-mount must be a mount path such as "kubernetes", got "${settings.kubernetesMount}"`,
  );
  check(
    /^https?:\/\/[^\s/]+/.test(settings.kubernetesHost) && URL.canParse(settings.kubernetesHost),
    `--kubernetes-host must be an http(s) URL, got "${settings.kubernetesHost}"`,
  );
  // Vault lower-cases policy names; a capital letter would show as drift on every run.
  check(
    VAULT_NAME.test(settings.policy),
    `--policy must be lower case letters, digits, "_", "-" or ".", got "${settings.policy}"`,
  );
  check(
    VAULT_NAME.test(settings.role),
    `--role must be lower case letters, digits, "_", "-" or ".", got "${settings.role}"`,
  );
  check(
    DNS_SUBDOMAIN.test(settings.serviceAccount),
    `--service-account must be a Kubernetes object name, got "${settings.serviceAccount}"`,
  );
  check(
    DNS_LABEL.test(settings.namespace),
    `--namespace must be a Kubernetes namespace name, got "${settings.namespace}"`,
  );
  return problems;
}
