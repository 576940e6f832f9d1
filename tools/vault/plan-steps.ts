import { externalSecretsPolicy, samePolicyText } from "./policy-document";
import { AUDIT_DEVICE_PATH, type BootstrapSettings } from "./settings";
import type { KubernetesAuthConfig, KubernetesRole, VaultClient } from "./vault-client";

/** One write the bootstrap needs. */
export interface Change {
  readonly action: "create" | "update";
  /** One line, e.g. `enable the file audit device at file/ writing to /vault/audit/vault-audit.log`. */
  readonly summary: string;
  /** What differs, field by field, for an update. */
  readonly details: readonly string[];
  readonly apply: (client: VaultClient) => Promise<void>;
}

/** What one step found: the change it needs, or state it will not overwrite on its own. */
export type StepResult = { readonly change?: Change; readonly conflict?: string };

const show = (value: unknown) => JSON.stringify(value ?? null);
const sameSet = (a: readonly string[] | undefined, b: readonly string[]) =>
  [...(a ?? [])].sort().join("\n") === [...b].sort().join("\n");

export async function auditStep(client: VaultClient, auditFile: string): Promise<StepResult> {
  const devices = await client.auditDevices();
  if (Object.values(devices).some((d) => d.type === "file" && d.options?.file_path === auditFile)) return {};
  const taken = devices[`${AUDIT_DEVICE_PATH}/`];
  if (taken)
    return {
      conflict:
        `audit device ${AUDIT_DEVICE_PATH}/ exists (type ${taken.type}, file_path ${show(taken.options?.file_path)}) ` +
        `but nothing writes to ${auditFile}; Vault cannot change a device in place: disable it with ` +
        `\`vault audit disable ${AUDIT_DEVICE_PATH}/\`, or pass the path it uses with --audit-file`,
    };
  return {
    change: {
      action: "create",
      summary: `enable the file audit device at ${AUDIT_DEVICE_PATH}/ writing to ${auditFile}`,
      details: [],
      apply: (c) =>
        c.enableAuditDevice(AUDIT_DEVICE_PATH, { type: "file", options: { file_path: auditFile } }),
    },
  };
}

export async function kvEngineStep(client: VaultClient, mount: string): Promise<StepResult> {
  const engine = (await client.secretsEngines())[`${mount}/`];
  if (!engine)
    return {
      change: {
        action: "create",
        summary: `enable the KV version 2 secrets engine at ${mount}/`,
        details: [],
        apply: (c) => c.enableSecretsEngine(mount, { type: "kv", options: { version: "2" } }),
      },
    };
  if (engine.type === "kv" && engine.options?.version === "2") return {};
  // Upgrading KV 1 to 2 rewrites every secret: an operator's decision, not a bootstrap's.
  return {
    conflict:
      engine.type === "kv"
        ? `${mount}/ is a KV version 1 engine and External Secrets reads version 2: upgrade it with ` +
          `\`vault kv enable-versioning ${mount}/\`, or choose another mount with --kv-mount`
        : `${mount}/ is a ${engine.type} secrets engine, not KV version 2: choose another mount with --kv-mount`,
  };
}

/** Whether the auth method exists (so its config and role can be read) and the step's result. */
export async function authMethodStep(
  client: VaultClient,
  mount: string,
): Promise<StepResult & { readonly exists: boolean }> {
  const method = (await client.authMethods())[`${mount}/`];
  if (method?.type === "kubernetes") return { exists: true };
  if (method)
    return {
      exists: true,
      conflict: `auth/${mount}/ is a ${method.type} auth method: choose another mount with --kubernetes-mount`,
    };
  return {
    exists: false,
    change: {
      action: "create",
      summary: `enable the kubernetes auth method at auth/${mount}/`,
      details: [],
      apply: (c) =>
        c.enableAuthMethod(mount, { type: "kubernetes", description: "External Secrets controller" }),
    },
  };
}

export async function authConfigStep(
  client: VaultClient,
  settings: BootstrapSettings,
  methodExists: boolean,
): Promise<StepResult> {
  // In the cluster, Vault reads the API server's CA and its reviewer token from its own pod.
  const wanted: KubernetesAuthConfig = {
    kubernetes_host: settings.kubernetesHost,
    disable_local_ca_jwt: false,
  };
  const current = methodExists ? await client.kubernetesConfig(settings.kubernetesMount) : undefined;
  const details = current
    ? [
        ...(current.kubernetes_host !== wanted.kubernetes_host
          ? [`kubernetes_host: ${show(current.kubernetes_host)} → ${show(wanted.kubernetes_host)}`]
          : []),
        ...(current.disable_local_ca_jwt ? ["disable_local_ca_jwt: true → false"] : []),
      ]
    : [];
  if (current && details.length === 0) return {};
  return {
    change: {
      action: current ? "update" : "create",
      summary: `configure auth/${settings.kubernetesMount}/config with kubernetes_host ${wanted.kubernetes_host}`,
      details,
      apply: (c) => c.writeKubernetesConfig(settings.kubernetesMount, wanted),
    },
  };
}

export async function policyStep(client: VaultClient, settings: BootstrapSettings): Promise<StepResult> {
  const wanted = externalSecretsPolicy(settings);
  const current = await client.policy(settings.policy);
  if (current !== undefined && samePolicyText(current, wanted)) return {};
  const paths = settings.kvPaths.map((path) => `${settings.kvMount}/data/${path}`).join(", ");
  return {
    change: {
      action: current === undefined ? "create" : "update",
      summary: `write policy ${settings.policy}: read ${paths}, read and list their metadata`,
      details: current === undefined ? [] : ["its rules differ from these read-only rules"],
      apply: (c) => c.writePolicy(settings.policy, wanted),
    },
  };
}

/** The role's fields as this tool writes them. */
export function desiredRole(settings: BootstrapSettings): KubernetesRole {
  return {
    bound_service_account_names: [settings.serviceAccount],
    bound_service_account_namespaces: [settings.namespace],
    audience: settings.audience,
    token_policies: [settings.policy],
    token_ttl: settings.tokenTtlSeconds,
  };
}

/** `field: current → wanted` for each managed field of the role that differs. */
function roleDifferences(current: KubernetesRole, wanted: KubernetesRole): string[] {
  const lists = [
    "bound_service_account_names",
    "bound_service_account_namespaces",
    "token_policies",
  ] as const;
  return [
    ...lists
      .filter((field) => !sameSet(current[field], wanted[field]))
      .map((field) => `${field}: ${show(current[field])} → ${show(wanted[field])}`),
    ...((current.audience ?? "") !== wanted.audience
      ? [`audience: ${show(current.audience)} → ${show(wanted.audience)}`]
      : []),
    ...(Number(current.token_ttl) !== wanted.token_ttl
      ? [`token_ttl: ${show(current.token_ttl)} → ${wanted.token_ttl}`]
      : []),
  ];
}

export async function roleStep(
  client: VaultClient,
  settings: BootstrapSettings,
  methodExists: boolean,
): Promise<StepResult> {
  const wanted = desiredRole(settings);
  const current = methodExists
    ? await client.kubernetesRole(settings.kubernetesMount, settings.role)
    : undefined;
  const details = current ? roleDifferences(current, wanted) : [];
  if (current && details.length === 0) return {};
  return {
    change: {
      action: current ? "update" : "create",
      summary:
        `write role auth/${settings.kubernetesMount}/role/${settings.role} for ` +
        `${settings.namespace}/${settings.serviceAccount} (audience ${settings.audience}, ` +
        `policy ${settings.policy}, token ttl ${settings.tokenTtlSeconds}s)`,
      details,
      apply: (c) => c.writeKubernetesRole(settings.kubernetesMount, settings.role, wanted),
    },
  };
}
