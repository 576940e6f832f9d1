import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { allowEgress, allowIngress, type Peers } from "../baseline/network-policy";
import { PINNED_CHARTS } from "../charts/pinned-charts";
import { IRSA_ROLE_ANNOTATION } from "../cluster/aws-iam-roles";
import { chartImageTag } from "../common/images";
import { MONITOR_LABELS } from "../common/monitoring";
import { RESTRICTED_CONTAINER } from "../common/security-context";
import { zoneSpread } from "../common/topology";

export type VaultMode = "standalone" | "ha";

/**
 * How Vault unseals. `shamir`: an operator enters unseal keys after every restart (local clusters only).
 * `awskms`: auto-unseal with a KMS key; with `roleArn`, Vault's service account assumes that IAM role
 * (IRSA annotation). `alicloudkms`: auto-unseal with a KMS key. Vault's Alibaba Cloud seal takes
 * credentials only from ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY, the seal stanza or the node's ECS
 * RAM role (it has no RRSA support), so a RAM access key pair allowed kms:Encrypt, kms:Decrypt and
 * kms:DescribeKey on the key comes from a Secret in Vault's namespace, by reference only.
 */
export type VaultSeal =
  | { readonly type: "shamir" }
  | {
      readonly type: "awskms";
      readonly region: string;
      readonly kmsKeyId: pulumi.Input<string>;
      readonly roleArn?: pulumi.Input<string>;
    }
  | {
      readonly type: "alicloudkms";
      readonly region: string;
      readonly kmsKeyId: pulumi.Input<string>;
      /** Secret in Vault's namespace with the RAM access key pair. No default. */
      readonly credentialsSecretName: string;
      /** Key of the access key ID in that Secret. Default `"access-key-id"`. */
      readonly accessKeyIdKey?: string;
      /** Key of the access key secret in that Secret. Default `"access-key-secret"`. */
      readonly accessKeySecretKey?: string;
    };

export interface VaultArgs {
  /** Existing namespace (Pod Security restricted) for Vault. No default. */
  readonly namespace: string;
  /** `"standalone"`: one server. `"ha"`: `replicas` servers in one Raft cluster. Default `"standalone"`. */
  readonly mode?: VaultMode;
  /** Servers in ha mode, an odd number of at least 3 (a Raft quorum); ignored in standalone. Default `3`. */
  readonly replicas?: number;
  /** Raft data volume per server in GiB. Default `10`. */
  readonly storageGi?: number;
  /** How Vault unseals. No default. */
  readonly seal: VaultSeal;
  /** Audit log volume per server in GiB; when set, a file audit device is expected there. Default: none. */
  readonly auditStorageGi?: number;
  /** Run the Vault Agent injector (a mutating webhook). Default `false`. */
  readonly injector?: boolean;
  /** cert-manager ClusterIssuer of a CA (not ACME) for the listener's certificate. Default: plain HTTP. */
  readonly tlsIssuer?: string;
  /** Namespaces whose pods may call Vault on 8200. Default `[]`. */
  readonly clientNamespaces?: readonly string[];
  /** Namespace of the External Secrets controller, allowed on 8200. Default: none. */
  readonly externalSecretsNamespace?: string;
  /** Namespace of the Prometheus that scrapes /v1/sys/metrics on 8200. Default: no metrics. */
  readonly metricsNamespace?: string;
  /** Server (and agent) image, pinned by tag. Default `"hashicorp/vault:2.0.4"`. */
  readonly image?: string;
  /** Injector image, pinned by tag. Default `"hashicorp/vault-k8s:1.7.6"`. */
  readonly injectorImage?: string;
}

export const VAULT_IMAGE = "hashicorp/vault:2.0.4";
export const VAULT_K8S_IMAGE = "hashicorp/vault-k8s:1.7.6";
const API_PORT = 8200;
const CLUSTER_PORT = 8201;
const INJECTOR_PORT = 8080;
const KUBE_API_PORTS = [443, 6443];
const TLS_DIR = "/vault/userconfig/tls";
export const AUDIT_LOG_PATH = "/vault/audit/vault-audit.log";
const ESO_CONTROLLER_PODS = { "app.kubernetes.io/name": "external-secrets" };
const SERVER_RESOURCES = { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "1Gi" } };
const INJECTOR_RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } };
const RUNTIME_DEFAULT = { type: "RuntimeDefault" };
/** uid 100 / gid 1000: the `vault` user of the official images (the chart's defaults). */
const POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 100,
  runAsGroup: 1000,
  fsGroup: 1000,
  seccompProfile: RUNTIME_DEFAULT,
};

/** `repository:tag` of an image pinned by a version tag; throws on `:latest` or no tag. */
function imageParts(image: string, arg: string): { repository: string; tag: string } {
  return chartImageTag(arg, image);
}

/** The chart's `vault.fullname`: the release name, suffixed with `-vault` unless it contains it. */
export function vaultFullname(release: string): string {
  return release.includes("vault") ? release : `${release}-vault`;
}

export interface VaultConfigOptions {
  readonly fullname: string;
  readonly mode: VaultMode;
  readonly replicas: number;
  readonly tls: boolean;
  readonly metrics: boolean;
  /** The `seal` stanza, or "" for Shamir. */
  readonly seal: string;
}

/**
 * The server configuration (HCL) the chart mounts. The chart runs it through `tpl` and replaces
 * upper-case placeholders such as HOSTNAME in it, so it holds no template braces and no such words.
 */
export function vaultServerConfig(options: VaultConfigOptions): string {
  const { fullname, mode, replicas, tls } = options;
  const scheme = tls ? "https" : "http";
  const listenerTls = tls
    ? [
        `  tls_cert_file   = "${TLS_DIR}/tls.crt"`,
        `  tls_key_file    = "${TLS_DIR}/tls.key"`,
        '  tls_min_version = "tls12"',
      ]
    : [
        "  # Plain HTTP only because the listener never leaves the cluster: NetworkPolicies admit only the",
        "  # client namespaces, the External Secrets controller, the metrics scraper and the Vault peers.",
        "  tls_disable = 1",
      ];
  const peers =
    mode === "ha"
      ? Array.from({ length: replicas }, (_, index) =>
          [
            "  retry_join {",
            `    leader_api_addr = "${scheme}://${fullname}-${index}.${fullname}-internal:${API_PORT}"`,
            ...(tls ? [`    leader_ca_cert_file = "${TLS_DIR}/ca.crt"`] : []),
            "  }",
          ].join("\n"),
        )
      : [`  node_id = "${fullname}-0"`];
  return [
    "ui = true",
    "",
    'listener "tcp" {',
    `  address         = "[::]:${API_PORT}"`,
    `  cluster_address = "[::]:${CLUSTER_PORT}"`,
    ...listenerTls,
    ...(options.metrics ? ["  telemetry {", "    unauthenticated_metrics_access = true", "  }"] : []),
    "}",
    "",
    'storage "raft" {',
    '  path = "/vault/data"',
    ...peers,
    "}",
    ...(mode === "ha" ? ["", 'service_registration "kubernetes" {}'] : []),
    ...(options.seal ? ["", options.seal] : []),
    ...(options.metrics
      ? ["", "telemetry {", '  prometheus_retention_time = "30s"', "  disable_hostname = true", "}"]
      : []),
    "",
  ].join("\n");
}

/** The `seal` stanza for an auto-unseal seal, given the resolved key ID. Credentials never appear here. */
export function sealStanza(seal: VaultSeal, kmsKeyId: string): string {
  if (seal.type === "shamir") return "";
  return [
    `seal "${seal.type}" {`,
    `  region     = ${JSON.stringify(seal.region)}`,
    `  kms_key_id = ${JSON.stringify(kmsKeyId)}`,
    "}",
  ].join("\n");
}

/**
 * HashiCorp Vault (pinned chart) with integrated Raft storage: one server, or an HA Raft cluster whose
 * servers join each other, spread over zones with a PodDisruptionBudget. Auto-unseals with AWS or
 * Alibaba Cloud KMS (Shamir for local clusters), optionally serves TLS from a cert-manager CA, and
 * declares the NetworkPolicy allows it needs.
 *
 * After the first start an operator runs, once, `vault operator init` (recovery keys with KMS seals;
 * unseal keys with Shamir, which then unseal it), then, with the root token in VAULT_TOKEN,
 * `npm run vault:bootstrap -- --address <url>` (tools/vault/cli.ts): it enables the file audit device at
 * AUDIT_LOG_PATH (pass `--no-audit` when `auditStorageGi` is not set) and everything ExternalSecrets
 * needs, and is safe to rerun (`--dry-run` lists what differs). Vault enables audit devices only
 * through its API, with a privileged token, never from its configuration file.
 */
export class Vault extends pulumi.ComponentResource {
  /** In-cluster URL of the active server. */
  public readonly address: string;
  public readonly namespace: string;
  public readonly mode: VaultMode;
  /** Service account the servers run as, e.g. for the IAM role's trust policy. */
  public readonly serviceAccountName: string;
  /** Secret with the listener's certificate and its CA under `ca.crt`, when `tlsIssuer` is set. */
  public readonly caSecretName?: string;
  /** Where the file audit device writes, when `auditStorageGi` is set. */
  public readonly auditLogPath?: string;

  constructor(name: string, args: VaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:secrets:Vault", name, {}, opts);
    const mode = args.mode ?? "standalone";
    if (mode !== "standalone" && mode !== "ha")
      throw new Error(`${name}: mode must be "standalone" or "ha", got "${mode}"`);
    const replicas = mode === "ha" ? (args.replicas ?? 3) : 1;
    if (mode === "ha" && (!Number.isInteger(replicas) || replicas < 3 || replicas % 2 === 0))
      throw new Error(`${name}: ha mode needs an odd number of at least 3 replicas, got ${replicas}`);
    const storageGi = args.storageGi ?? 10;
    for (const [field, value] of [
      ["storageGi", storageGi],
      ["auditStorageGi", args.auditStorageGi ?? 1],
    ] as const) {
      if (!Number.isInteger(value) || value < 1)
        throw new Error(`${name}: ${field} must be a positive whole number, got ${value}`);
    }
    const server = imageParts(args.image ?? VAULT_IMAGE, "image");
    const injectorImage = imageParts(args.injectorImage ?? VAULT_K8S_IMAGE, "injectorImage");
    const namespace = args.namespace;
    const seal = args.seal;
    const fullname = vaultFullname(name);
    const tls = args.tlsIssuer !== undefined;
    const metrics = args.metricsNamespace !== undefined;
    const audit = args.auditStorageGi !== undefined;
    const ha = mode === "ha";

    this.namespace = namespace;
    this.mode = mode;
    this.serviceAccountName = fullname;
    this.caSecretName = tls ? `${fullname}-tls` : undefined;
    this.auditLogPath = audit ? AUDIT_LOG_PATH : undefined;
    this.address = `${tls ? "https" : "http"}://${fullname}${ha ? "-active" : ""}.${namespace}.svc:${API_PORT}`;

    const serverPods = {
      "app.kubernetes.io/name": "vault",
      "app.kubernetes.io/instance": name,
      component: "server",
    };
    const injectorPods = {
      "app.kubernetes.io/name": "vault-agent-injector",
      "app.kubernetes.io/instance": name,
      component: "webhook",
    };
    const dependsOn: pulumi.Resource[] = [];
    if (tls) dependsOn.push(this.certificate(name, fullname, namespace, args.tlsIssuer as string));

    const kmsKeyId = seal.type === "shamir" ? "" : seal.kmsKeyId;
    const config = pulumi
      .output(kmsKeyId)
      .apply((keyId) =>
        vaultServerConfig({ fullname, mode, replicas, tls, metrics, seal: sealStanza(seal, keyId) }),
      );
    const credentials =
      seal.type === "alicloudkms"
        ? [
            ["ALICLOUD_ACCESS_KEY", seal.accessKeyIdKey ?? "access-key-id"],
            ["ALICLOUD_SECRET_KEY", seal.accessKeySecretKey ?? "access-key-secret"],
          ].map(([envName, secretKey]) => ({ envName, secretName: seal.credentialsSecretName, secretKey }))
        : [];
    const volumes = [
      { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
      ...(tls ? [{ name: "tls", secret: { secretName: this.caSecretName, defaultMode: 0o440 } }] : []),
    ];
    const volumeMounts = [
      { name: "tmp", mountPath: "/tmp" },
      ...(tls ? [{ name: "tls", mountPath: TLS_DIR, readOnly: true }] : []),
    ];
    const injectorReplicas = ha ? 2 : 1;

    new kubernetes.helm.v4.Chart(
      `${name}-chart`,
      {
        chart: PINNED_CHARTS.vault.chart,
        version: PINNED_CHARTS.vault.version,
        repositoryOpts: { repo: PINNED_CHARTS.vault.repo },
        name,
        namespace,
        values: {
          global: { tlsDisable: !tls },
          injector: {
            enabled: args.injector ?? false,
            replicas: injectorReplicas,
            image: injectorImage,
            agentImage: server,
            resources: INJECTOR_RESOURCES,
            securityContext: { pod: POD_SECURITY, container: RESTRICTED_CONTAINER },
            topologySpreadConstraints: injectorReplicas > 1 ? zoneSpread(injectorPods) : [],
            podDisruptionBudget: injectorReplicas > 1 ? { minAvailable: 1 } : {},
          },
          server: {
            image: server,
            resources: SERVER_RESOURCES,
            statefulSet: {
              securityContext: {
                pod: POD_SECURITY,
                // Read-only root: the chart's start script writes the rendered config to /tmp only.
                container: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true },
              },
            },
            dataStorage: { enabled: true, size: `${storageGi}Gi` },
            auditStorage: audit ? { enabled: true, size: `${args.auditStorageGi}Gi` } : { enabled: false },
            serviceAccount: {
              annotations:
                seal.type === "awskms" && seal.roleArn ? { [IRSA_ROLE_ANNOTATION]: seal.roleArn } : {},
            },
            extraEnvironmentVars: tls ? { VAULT_CACERT: `${TLS_DIR}/ca.crt` } : {},
            extraSecretEnvironmentVars: credentials,
            volumes,
            volumeMounts,
            topologySpreadConstraints: ha ? zoneSpread(serverPods) : [],
            ...(ha
              ? {
                  ha: {
                    enabled: true,
                    replicas,
                    raft: { enabled: true, setNodeId: true, config },
                    disruptionBudget: { enabled: true, maxUnavailable: Math.floor((replicas - 1) / 2) },
                  },
                }
              : { standalone: { enabled: true, config }, ha: { enabled: false } }),
          },
          ...(metrics
            ? {
                serverTelemetry: {
                  serviceMonitor: {
                    enabled: true,
                    selectors: MONITOR_LABELS,
                    ...(tls
                      ? {
                          tlsConfig: {
                            ca: { secret: { name: this.caSecretName, key: "ca.crt" } },
                            serverName: `${fullname}.${namespace}.svc`,
                          },
                        }
                      : {}),
                  },
                },
              }
            : {}),
        },
      },
      { parent: this, dependsOn },
    );

    this.allowTraffic(name, args, serverPods, injectorPods);
    this.registerOutputs({
      address: this.address,
      namespace: this.namespace,
      mode: this.mode,
      serviceAccountName: this.serviceAccountName,
      caSecretName: this.caSecretName,
      auditLogPath: this.auditLogPath,
    });
  }

  /** The listener's certificate: every service name clients and peers use, and 127.0.0.1 for the CLI. */
  private certificate(name: string, fullname: string, namespace: string, issuer: string) {
    const inNamespace = (host: string) => [host, `${host}.${namespace}`, `${host}.${namespace}.svc`];
    return new kubernetes.apiextensions.CustomResource(
      `${name}-tls`,
      {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: { name: `${fullname}-tls`, namespace },
        spec: {
          secretName: `${fullname}-tls`,
          dnsNames: [
            ...inNamespace(fullname),
            `${fullname}.${namespace}.svc.cluster.local`,
            ...inNamespace(`${fullname}-active`),
            ...inNamespace(`${fullname}-standby`),
            ...inNamespace(`*.${fullname}-internal`),
          ],
          ipAddresses: ["127.0.0.1"],
          // Vault reads the file at start and on SIGHUP: restart the servers within the renewal window.
          duration: "8760h",
          renewBefore: "720h",
          privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
          issuerRef: { name: issuer, kind: "ClusterIssuer", group: "cert-manager.io" },
        },
      },
      { parent: this },
    );
  }

  private allowTraffic(
    name: string,
    args: VaultArgs,
    serverPods: Record<string, string>,
    injectorPods: Record<string, string>,
  ) {
    const namespace = args.namespace;
    const opts = { parent: this };
    const allow = (
      direction: "in" | "out",
      suffix: string,
      podLabels: Record<string, string>,
      peers: Peers,
      ports: number[],
    ) =>
      (direction === "in" ? allowIngress : allowEgress)(
        `${name}-${suffix}`,
        { namespace, podLabels, peers, ports },
        opts,
      );
    // An empty peer list would admit every source, so an allow exists only when it names someone.
    const clients = (args.clientNamespaces ?? []).map((ns) => ({ namespace: ns }));
    if (clients.length > 0) allow("in", "clients", serverPods, clients, [API_PORT]);
    if (args.externalSecretsNamespace)
      allow(
        "in",
        "external-secrets",
        serverPods,
        [{ namespace: args.externalSecretsNamespace, podLabels: ESO_CONTROLLER_PODS }],
        [API_PORT],
      );
    if (args.metricsNamespace)
      allow("in", "metrics", serverPods, [{ namespace: args.metricsNamespace }], [API_PORT]);
    if (args.mode === "ha") {
      // Raft replication and request forwarding on 8201, retry_join on 8200.
      const peers = [{ namespace, podLabels: serverPods }];
      allow("in", "peers-in", serverPods, peers, [API_PORT, CLUSTER_PORT]);
      allow("out", "peers-out", serverPods, peers, [API_PORT, CLUSTER_PORT]);
    }
    // TokenReview for the kubernetes auth method, and pod labels for service registration.
    allow("out", "kube-api", serverPods, "anywhere", KUBE_API_PORTS);
    if (args.seal.type !== "shamir") allow("out", "kms", serverPods, "anywhere", [443]);
    if (args.injector) {
      // The API server calls the mutating webhook from outside any namespace.
      allow("in", "injector-webhook", injectorPods, "anywhere", [INJECTOR_PORT]);
      allow("out", "injector-kube-api", injectorPods, "anywhere", KUBE_API_PORTS);
    }
  }
}
