import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { allowEgress, allowIngress, type Peers } from "../baseline/network-policy";
import { PINNED_CHARTS } from "../charts/pinned-charts";
import { chartImageTag } from "../common/images";
import { MONITOR_LABELS } from "../common/monitoring";
import { zoneSpread } from "../common/topology";

/** The Vault the ClusterSecretStore reads from. */
export interface ExternalSecretsVault {
  /** Vault's URL, e.g. the `address` of the Vault component. No default. */
  readonly address: string;
  /** Mount path of the KV version 2 secrets engine. Default `"secret"`. */
  readonly mountPath?: string;
  /** Vault role of the kubernetes auth method the controller logs in with. Default `"external-secrets"`. */
  readonly authRole?: string;
  /** Mount path of Vault's kubernetes auth method. Default `"kubernetes"`. */
  readonly kubernetesAuthMountPath?: string;
  /**
   * Vault's namespace, for the controller's egress allow. Default: read from an in-cluster address
   * (`<service>.<namespace>.svc…`); for any other address the controller may reach any IP on its port.
   */
  readonly namespace?: string;
  /** Secret holding the CA of Vault's certificate, for https addresses. Default: the system roots. */
  readonly caSecret?: { readonly name: string; readonly namespace: string; readonly key?: string };
}

export interface ExternalSecretsArgs {
  /** Existing namespace (Pod Security restricted) for the operator. No default. */
  readonly namespace: string;
  readonly vault: ExternalSecretsVault;
  /** Controller and webhook replicas; above 1 adds leader election, PodDisruptionBudgets and a zone spread. Default `1`. */
  readonly replicas?: number;
  /** Namespaces whose ExternalSecrets may use the ClusterSecretStore. Default: every namespace. */
  readonly allowedNamespaces?: readonly string[];
  /** Namespace of the Prometheus that scrapes the operator's metrics on 8080. Default: no metrics. */
  readonly metricsNamespace?: string;
  /** Operator image (controller, webhook, cert controller), pinned by tag. Default `"ghcr.io/external-secrets/external-secrets:v2.9.0"`. */
  readonly image?: string;
}

export const EXTERNAL_SECRETS_IMAGE = "ghcr.io/external-secrets/external-secrets:v2.9.0";
export const CLUSTER_SECRET_STORE_NAME = "vault";
/** What the store expects inside Vault by default; `npm run vault:bootstrap` sets up the same. */
export const VAULT_DEFAULTS = {
  kvMount: "secret",
  authRole: "external-secrets",
  kubernetesAuthMount: "kubernetes",
} as const;
/** Audience of the controller's service-account tokens; the Vault role must require it. */
export const VAULT_TOKEN_AUDIENCE = "vault";
const WEBHOOK_PORT = 10250;
const METRICS_PORT = 8080;
const KUBE_API_PORTS = [443, 6443];
const CONTROLLER_RESOURCES = { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } };
const SIDE_RESOURCES = { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "256Mi" } };
const RUNTIME_DEFAULT = { type: "RuntimeDefault" };
/**
 * The chart renders these without `enabled`. Its pod context has no other key, so the restricted
 * settings (runAsNonRoot, seccompProfile) sit on the one container of each pod.
 */
const POD_SECURITY = { enabled: true };
const CONTAINER_SECURITY = {
  enabled: true,
  runAsNonRoot: true,
  runAsUser: 1000,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: RUNTIME_DEFAULT,
};

/** `repository:tag` of an image pinned by a version tag; throws on `:latest` or no tag. */
function imageParts(image: string): { repository: string; tag: string } {
  return chartImageTag("image", image);
}

/** Where the controller must be allowed to connect for `vault.address`. */
export function vaultDestination(vault: ExternalSecretsVault): { peers: Peers; port: number } {
  const url = URL.canParse(vault.address) ? new URL(vault.address) : undefined;
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:"))
    throw new Error(
      `vault.address must be a URL such as http://vault.secrets.svc:8200, got "${vault.address}"`,
    );
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const [, namespace, svc] = url.hostname.split(".");
  const vaultNamespace = vault.namespace ?? (svc === "svc" ? namespace : undefined);
  return { peers: vaultNamespace ? [{ namespace: vaultNamespace }] : "anywhere", port };
}

/**
 * External Secrets Operator (pinned chart, CRDs, webhook and cert controller included) and a
 * ClusterSecretStore named "vault" reading Vault's KV version 2 engine, logged in through Vault's
 * kubernetes auth method as the controller's service account.
 *
 * The store works only once Vault has the following, set up with a privileged token (this component
 * cannot reach inside Vault without a Vault provider). `npm run vault:bootstrap` (tools/vault) does all
 * of it idempotently, with these names as its defaults; by hand it is:
 * - the KV v2 engine at `mountPath`: `vault secrets enable -path=secret kv-v2`;
 * - the kubernetes auth method at `kubernetesAuthMountPath`, checking tokens with the API server:
 *   `vault auth enable kubernetes` and
 *   `vault write auth/kubernetes/config kubernetes_host=https://kubernetes.default.svc`
 *   (Vault in the cluster uses its own service account, which the chart binds to system:auth-delegator);
 * - a read-only policy: `vault policy write external-secrets -` with
 *   `path "secret/data/*" { capabilities = ["read"] }` and
 *   `path "secret/metadata/*" { capabilities = ["read", "list"] }`;
 * - the role `authRole`, bound to this controller's service account and the token audience:
 *   `vault write auth/kubernetes/role/external-secrets bound_service_account_names=<serviceAccountName>
 *   bound_service_account_namespaces=<namespace> audience=vault token_policies=external-secrets token_ttl=1h`.
 */
export class ExternalSecrets extends pulumi.ComponentResource {
  public readonly clusterSecretStoreName: string;
  public readonly namespace: string;
  /** The controller's service account, to bind in the Vault role. */
  public readonly serviceAccountName: string;

  constructor(name: string, args: ExternalSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:secrets:ExternalSecrets", name, {}, opts);
    const replicas = args.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1)
      throw new Error(`${name}: replicas must be a positive whole number, got ${replicas}`);
    if (args.allowedNamespaces?.length === 0)
      throw new Error(`${name}: allowedNamespaces must name at least one namespace (omit it for all)`);
    const image = imageParts(args.image ?? EXTERNAL_SECRETS_IMAGE);
    const destination = vaultDestination(args.vault);
    const namespace = args.namespace;
    const metrics = args.metricsNamespace !== undefined;
    const spread = replicas > 1;
    this.namespace = namespace;
    this.clusterSecretStoreName = CLUSTER_SECRET_STORE_NAME;
    // fullnameOverride makes every object name derive from the component's name.
    this.serviceAccountName = name;

    const allPods = { "app.kubernetes.io/instance": name };
    const controllerPods = { "app.kubernetes.io/name": "external-secrets", ...allPods };
    const webhookPods = { "app.kubernetes.io/name": "external-secrets-webhook", ...allPods };
    const common = {
      image,
      podSecurityContext: POD_SECURITY,
      securityContext: CONTAINER_SECURITY,
      ...(metrics ? { metrics: { service: { enabled: true } } } : {}),
    };
    const replicated = (pods: Record<string, string>) => ({
      topologySpreadConstraints: spread ? zoneSpread(pods) : [],
      podDisruptionBudget: { enabled: spread, minAvailable: 1 },
    });

    const chart = new kubernetes.helm.v4.Chart(
      `${name}-chart`,
      {
        chart: PINNED_CHARTS.externalSecrets.chart,
        version: PINNED_CHARTS.externalSecrets.version,
        repositoryOpts: { repo: PINNED_CHARTS.externalSecrets.repo },
        name,
        namespace,
        values: {
          installCRDs: true,
          fullnameOverride: name,
          replicaCount: replicas,
          leaderElect: spread,
          resources: CONTROLLER_RESOURCES,
          ...common,
          ...replicated(controllerPods),
          webhook: {
            replicaCount: replicas,
            port: WEBHOOK_PORT,
            resources: SIDE_RESOURCES,
            ...common,
            ...replicated(webhookPods),
          },
          certController: { resources: SIDE_RESOURCES, ...common },
          ...(metrics
            ? {
                serviceMonitor: {
                  enabled: true,
                  renderMode: "alwaysRender",
                  additionalLabels: MONITOR_LABELS,
                },
              }
            : {}),
        },
      },
      { parent: this },
    );

    const vault = args.vault;
    const caSecret = vault.caSecret;
    new kubernetes.apiextensions.CustomResource(
      `${name}-store`,
      {
        apiVersion: "external-secrets.io/v1",
        kind: "ClusterSecretStore",
        metadata: { name: CLUSTER_SECRET_STORE_NAME },
        spec: {
          provider: {
            vault: {
              server: vault.address,
              path: vault.mountPath ?? VAULT_DEFAULTS.kvMount,
              version: "v2",
              auth: {
                kubernetes: {
                  mountPath: vault.kubernetesAuthMountPath ?? VAULT_DEFAULTS.kubernetesAuthMount,
                  role: vault.authRole ?? VAULT_DEFAULTS.authRole,
                  serviceAccountRef: {
                    name: this.serviceAccountName,
                    namespace,
                    audiences: [VAULT_TOKEN_AUDIENCE],
                  },
                },
              },
              ...(caSecret
                ? {
                    caProvider: {
                      type: "Secret",
                      name: caSecret.name,
                      namespace: caSecret.namespace,
                      key: caSecret.key ?? "ca.crt",
                    },
                  }
                : {}),
            },
          },
          ...(args.allowedNamespaces ? { conditions: [{ namespaces: [...args.allowedNamespaces] }] } : {}),
        },
      },
      { parent: this, dependsOn: [chart] },
    );

    const policy = { parent: this };
    allowEgress(
      `${name}-vault`,
      { namespace, podLabels: controllerPods, peers: destination.peers, ports: [destination.port] },
      policy,
    );
    // Controller, webhook and cert controller all watch or patch the API (CRDs, webhook configurations).
    allowEgress(
      `${name}-kube-api`,
      { namespace, podLabels: allPods, peers: "anywhere", ports: KUBE_API_PORTS },
      policy,
    );
    // The API server calls the validating webhook from outside any namespace.
    allowIngress(
      `${name}-webhook`,
      { namespace, podLabels: webhookPods, peers: "anywhere", ports: [WEBHOOK_PORT] },
      policy,
    );
    if (args.metricsNamespace)
      allowIngress(
        `${name}-metrics`,
        {
          namespace,
          podLabels: allPods,
          peers: [{ namespace: args.metricsNamespace }],
          ports: [METRICS_PORT],
        },
        policy,
      );

    this.registerOutputs({
      clusterSecretStoreName: this.clusterSecretStoreName,
      namespace: this.namespace,
      serviceAccountName: this.serviceAccountName,
    });
  }
}
