import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { allowEgress, allowIngress, type Peers } from "../baseline/network-policy";
import { PINNED_CHARTS } from "../charts/pinned-charts";
import { IRSA_ROLE_ANNOTATION } from "../cluster/aws-iam-roles";
import { MONITOR_LABELS } from "../common/monitoring";
import { RESTRICTED_READ_ONLY_CONTAINER } from "../common/security-context";
import { zoneSpread } from "../common/topology";
import { GPU_TAINT } from "../nodepool/gpu-scheduling";
import { objectStorageAccess } from "../storage/object-storage";

export type LokiMode = "single-binary" | "simple-scalable";

/**
 * S3-compatible bucket for Loki's chunks and index, reached with an access key pair from a Secret the
 * caller creates, or (on EKS) with an IAM role Loki's service account assumes. Alibaba Cloud OSS and
 * MinIO stay on key pairs: RRSA support varies between the clients that read them.
 */
export interface LoggingObjectStorage {
  /** S3 API endpoint, e.g. `"http://minio.data.svc.cluster.local:9000"`; a scheme sets `insecure`. No default. */
  readonly endpoint: string;
  /** Existing bucket. No default. */
  readonly bucket: string;
  /**
   * IAM role (IRSA) for Loki's service account, `lokiServiceAccountName(name)` in `namespace`: Loki reads
   * web-identity credentials and no key pair is used. Default: unset, the key pair from the Secret.
   */
  readonly serviceAccountRoleArn?: pulumi.Input<string>;
  /** Secret in `namespace` holding the access key pair; required without a role, rejected with one. */
  readonly credentialsSecretName?: string;
  /** Keys of the access key id and secret in that Secret; required with it. */
  readonly accessKeyIdKey?: string;
  readonly secretAccessKeyKey?: string;
  /** Plain HTTP to the endpoint. Default: `true` for an `http://` endpoint, else `false`. */
  readonly insecure?: boolean;
  /** Bucket region. Default: unset (MinIO ignores it). */
  readonly region?: string;
  /** Who Loki may reach on the endpoint's port. Default: the MinIO server pods in `data`. */
  readonly networkPeers?: Peers;
}

/** Pods of the simple-scalable targets; each count above 1 gets the chart's PodDisruptionBudget. */
export interface LokiReplicas {
  /** Query path (query-frontend, querier). Default `2`, minimum 2. */
  readonly read?: number;
  /** Ingest path (distributor, ingester); writes replicate to 3 of them. Default `3`, minimum 3. */
  readonly write?: number;
  /** Compactor, index gateway, query scheduler. Default `2`, minimum 2. */
  readonly backend?: number;
  /** nginx gateway in front of the three. Default `2`, minimum 2. */
  readonly gateway?: number;
}

export interface LoggingStackArgs {
  /** Existing restricted namespace (observability) for Loki. No default. */
  readonly namespace: string;
  /** Existing privileged namespace (observability-agents) for the Alloy DaemonSet, which needs hostPath. No default. */
  readonly agentNamespace: string;
  /** `"single-binary"`: one Loki pod. `"simple-scalable"`: read/write/backend targets, spread over zones. Default `"single-binary"`. */
  readonly mode?: LokiMode;
  /** Replicas in simple-scalable mode; rejected in single-binary mode. Defaults in `LokiReplicas`. */
  readonly replicas?: LokiReplicas;
  /** How long the compactor keeps logs, in hours; a multiple of 24 (the index period). Default `72`. */
  readonly retentionHours?: number;
  /** Where chunks and index live. No default. */
  readonly objectStorage: LoggingObjectStorage;
  /** Size of each Loki PVC (WAL, index cache, compactor scratch) in GiB. Default `10`. */
  readonly storageGi?: number;
  /** Images, each pinned by tag or digest. Defaults: the `*_IMAGE` constants below (the charts' own pins). */
  readonly images?: {
    readonly loki?: string;
    readonly gateway?: string;
    readonly alloy?: string;
    readonly configReloader?: string;
  };
}

/** The chart's appVersion (its values.yaml still says 3.6.11). */
export const LOKI_IMAGE = "docker.io/grafana/loki:3.6.12";
export const GATEWAY_IMAGE = "docker.io/nginxinc/nginx-unprivileged:1.29-alpine";
export const ALLOY_IMAGE = "docker.io/grafana/alloy:v1.18.1";
export const CONFIG_RELOADER_IMAGE =
  "quay.io/prometheus-operator/prometheus-config-reloader:v0.91.0@sha256:7d9e4eea5f1139e602508871f422b0116c60e87c662f3dcd234d5ab60cd0d8c1";

const HTTP_PORT = 3100;
const GRPC_PORT = 9095;
const MEMBERLIST_PORT = 7946;
const GATEWAY_PORT = 8080;
const GATEWAY_SERVICE_PORT = 80;
const ALLOY_PORT = 12345;
const MINIO_PODS = { "app.kubernetes.io/name": "minio", "app.kubernetes.io/component": "server" };
/** Set on the Loki server pods (not the gateway) so NetworkPolicies can tell them apart. */
const SERVER_POD_LABEL = { "ai-platform/loki-role": "server" };
const ENV = { accessKeyId: "LOKI_S3_ACCESS_KEY_ID", secretAccessKey: "LOKI_S3_SECRET_ACCESS_KEY" };
/** Alloy's positions file: on the host, so a replaced pod resumes where the last one stopped. */
const POSITIONS_DIR = "/var/lib/alloy";

const RUNTIME_DEFAULT = { type: "RuntimeDefault" };
const restrictedPod = (uid: number) => ({
  runAsNonRoot: true,
  runAsUser: uid,
  runAsGroup: uid,
  fsGroup: uid,
  fsGroupChangePolicy: "OnRootMismatch",
  seccompProfile: RUNTIME_DEFAULT,
});
const resources = (cpu: string, memory: string, limit: string) => ({
  requests: { cpu, memory },
  limits: { memory: limit },
});
const RESOURCES = {
  singleBinary: resources("250m", "512Mi", "2Gi"),
  write: resources("250m", "1Gi", "2Gi"),
  read: resources("250m", "512Mi", "2Gi"),
  backend: resources("100m", "256Mi", "1Gi"),
  gateway: resources("50m", "64Mi", "256Mi"),
  alloy: resources("100m", "128Mi", "512Mi"),
  configReloader: resources("10m", "50Mi", "128Mi"),
};

export interface ChartImage {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
  readonly digest?: string;
}

/** Splits `[registry/]repository:tag[@sha256:…]` as the charts take it; throws unless pinned. */
/** Loki's service account (the chart's fullname): the one an IAM role for its bucket must trust. */
export function lokiServiceAccountName(name: string): string {
  return `${name}-loki`;
}

/** Loki's single URL for pushing and querying (its gateway), known before anything is created. */
export function lokiGatewayUrl(name: string, namespace: string): string {
  return `http://${name}-loki-gateway.${namespace}.svc.cluster.local`;
}

export function chartImage(field: string, image: string): ChartImage {
  const [ref = "", digest, ...extra] = image.split("@");
  const slash = ref.indexOf("/");
  const first = ref.slice(0, slash);
  const hasRegistry = slash > 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  const path = hasRegistry ? ref.slice(slash + 1) : ref;
  const colon = path.lastIndexOf(":");
  const tag = colon > path.lastIndexOf("/") ? path.slice(colon + 1) : "";
  const problem =
    path === "" || extra.length > 0 || /\s/.test(image)
      ? "is not an image reference"
      : !tag
        ? "has no tag (it means :latest)"
        : tag === "latest"
          ? "uses the mutable :latest tag"
          : digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(digest)
            ? "has a malformed digest"
            : undefined;
  if (problem) throw new Error(`images.${field} "${image}" ${problem}: pin a release tag`);
  return {
    registry: hasRegistry ? first : "docker.io",
    repository: path.slice(0, colon),
    tag,
    ...(digest ? { digest } : {}),
  };
}

/** `host[:port]` and TLS setting for Loki's S3 client, and the port NetworkPolicies open. */
export function s3Endpoint(endpoint: string, insecure?: boolean) {
  const match = /^(?:(https?):\/\/)?([A-Za-z0-9.-]+)(?::(\d{1,5}))?\/?$/.exec(endpoint);
  if (!match) throw new Error(`objectStorage.endpoint "${endpoint}" is not a host[:port] or http(s) URL`);
  const [, scheme, host, portText] = match;
  const plain = insecure ?? scheme === "http";
  if (scheme && plain !== (scheme === "http"))
    throw new Error(`objectStorage.endpoint "${endpoint}" contradicts insecure: ${insecure}`);
  const port = portText ? Number(portText) : plain ? 80 : 443;
  return { host: portText ? `${host}:${port}` : `${host}`, port, insecure: plain };
}

/** Defaults applied and every argument checked, before any resource is declared. */
function resolveArgs(name: string, args: LoggingStackArgs) {
  const mode = args.mode ?? "single-binary";
  if (mode === "single-binary" && args.replicas)
    throw new Error(`${name}: replicas are for simple-scalable mode; single-binary runs one Loki pod`);
  const replicas =
    mode === "single-binary"
      ? { singleBinary: 1, read: 0, write: 0, backend: 0, gateway: 1 }
      : {
          singleBinary: 0,
          read: args.replicas?.read ?? 2,
          write: args.replicas?.write ?? 3,
          backend: args.replicas?.backend ?? 2,
          gateway: args.replicas?.gateway ?? 2,
        };
  if (mode === "simple-scalable") {
    for (const [target, minimum] of [
      ["read", 2],
      ["write", 3],
      ["backend", 2],
      ["gateway", 2],
    ] as const) {
      const count = replicas[target];
      if (!Number.isInteger(count) || count < minimum)
        throw new Error(
          `${name}: simple-scalable needs at least ${minimum} ${target} replicas, got ${count}`,
        );
    }
  }
  const retentionHours = args.retentionHours ?? 72;
  if (!Number.isInteger(retentionHours) || retentionHours < 24 || retentionHours % 24 !== 0)
    throw new Error(
      `${name}: retentionHours must be a multiple of 24 (Loki's index period), got ${retentionHours}`,
    );
  const storageGi = args.storageGi ?? 10;
  if (!Number.isInteger(storageGi) || storageGi < 1)
    throw new Error(`${name}: storageGi must be a positive integer`);
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(args.objectStorage.bucket))
    throw new Error(`${name}: "${args.objectStorage.bucket}" is not a valid S3 bucket name`);
  const images = {
    loki: chartImage("loki", args.images?.loki ?? LOKI_IMAGE),
    gateway: chartImage("gateway", args.images?.gateway ?? GATEWAY_IMAGE),
    alloy: chartImage("alloy", args.images?.alloy ?? ALLOY_IMAGE),
    configReloader: chartImage("configReloader", args.images?.configReloader ?? CONFIG_RELOADER_IMAGE),
  };
  const endpoint = s3Endpoint(args.objectStorage.endpoint, args.objectStorage.insecure);
  const credentials = objectStorageAccess(name, args.objectStorage);
  return { mode, replicas, retentionHours, storageGi, images, endpoint, credentials };
}

/**
 * Alloy pipeline (Alloy configuration syntax): this node's pods from the Kubernetes API, their log files
 * under /var/log/pods, CRI lines parsed, labelled namespace/pod/container/app, pushed to Loki.
 */
export function alloyConfig(pushUrl: string): string {
  return `discovery.kubernetes "pods" {
  role = "pod"
  // Only this node's pods; the chart sets HOSTNAME to spec.nodeName.
  selectors {
    role  = "pod"
    field = "spec.nodeName=" + sys.env("HOSTNAME")
  }
}

discovery.relabel "pod_logs" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }
  // app.kubernetes.io/name, else the older app label.
  rule {
    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name", "__meta_kubernetes_pod_label_app"]
    separator     = ";"
    regex         = "^;*([^;]+)(;.*)?$"
    target_label  = "app"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"]
    separator     = "/"
    replacement   = "/var/log/pods/*$1/*.log"
    target_label  = "__path__"
  }
}

local.file_match "pod_logs" {
  path_targets = discovery.relabel.pod_logs.output
}

loki.source.file "pod_logs" {
  targets    = local.file_match.pod_logs.targets
  forward_to = [loki.process.pod_logs.receiver]
}

loki.process "pod_logs" {
  stage.cri {}
  forward_to = [loki.write.loki.receiver]
}

loki.write "loki" {
  endpoint {
    url = "${pushUrl}"
  }
}
`;
}

/**
 * Logs: Loki (pinned chart) on S3-compatible object storage, single-binary or simple-scalable, behind its
 * nginx gateway; and Grafana Alloy as a DaemonSet shipping every node's pod logs to it (Promtail is
 * deprecated). Chunks and index live in the bucket; keys reach Loki only as environment variables from
 * the caller's Secret, expanded into its config at start, or an IAM role for its service account replaces
 * them on EKS. Scraped by kube-prometheus-stack.
 */
export class LoggingStack extends pulumi.ComponentResource {
  /** Loki's in-cluster base URL for queries and pushes (the gateway), e.g. for a Grafana datasource. */
  public readonly lokiUrl: string;
  /** `lokiUrl` + `/loki/api/v1/push`. */
  public readonly pushUrl: string;
  public readonly lokiChart: kubernetes.helm.v4.Chart;
  public readonly alloyChart: kubernetes.helm.v4.Chart;

  constructor(name: string, args: LoggingStackArgs, opts?: pulumi.ComponentResourceOptions) {
    const { mode, replicas, retentionHours, storageGi, images, endpoint, credentials } = resolveArgs(
      name,
      args,
    );
    super("ai-platform:observability:LoggingStack", name, {}, opts);

    const { namespace, agentNamespace, objectStorage } = args;
    const scalable = mode === "simple-scalable";
    const loki = `${name}-loki`;
    const alloy = `${name}-alloy`;
    this.lokiUrl = lokiGatewayUrl(name, namespace);
    this.pushUrl = `${this.lokiUrl}/loki/api/v1/push`;

    const lokiPods = { "app.kubernetes.io/name": "loki", "app.kubernetes.io/instance": loki };
    const serverPods = { ...lokiPods, ...SERVER_POD_LABEL };
    const componentPods = (component: string) => ({ ...lokiPods, "app.kubernetes.io/component": component });
    const gatewayPods = componentPods("gateway");
    const alloyPods = { "app.kubernetes.io/name": "alloy", "app.kubernetes.io/instance": alloy };

    // Keys only as env references; Loki expands ${...} in its config (-config.expand-env=true). With a
    // role, EKS injects the web-identity token and role into the pods and Loki's S3 client reads them.
    const keys = credentials.type === "keys" ? credentials : undefined;
    const credentialEnv = keys
      ? [
          [ENV.accessKeyId, keys.idKey],
          [ENV.secretAccessKey, keys.secretKey],
        ].map(([envName, key]) => ({
          name: envName,
          valueFrom: { secretKeyRef: { name: keys.secret, key } },
        }))
      : [];
    const server = (target: "singleBinary" | "read" | "write" | "backend", component: string) => ({
      replicas: replicas[target],
      ...(keys ? { extraArgs: ["-config.expand-env=true"] } : {}),
      extraEnv: credentialEnv,
      podLabels: SERVER_POD_LABEL,
      resources: RESOURCES[target],
      ...(target === "singleBinary" ? {} : { maxUnavailable: 1 }),
      ...(scalable && target !== "singleBinary"
        ? { topologySpreadConstraints: zoneSpread(componentPods(component)) }
        : {}),
    });
    const persistence = { size: `${storageGi}Gi` };

    this.lokiChart = new kubernetes.helm.v4.Chart(
      `${name}-loki`,
      {
        name: loki,
        chart: PINNED_CHARTS.loki.chart,
        version: PINNED_CHARTS.loki.version,
        repositoryOpts: { repo: PINNED_CHARTS.loki.repo },
        namespace,
        values: {
          deploymentMode: scalable ? "SimpleScalable" : "SingleBinary",
          fullnameOverride: loki,
          loki: {
            image: images.loki,
            // One tenant: Alloy and Grafana send no X-Scope-OrgID.
            auth_enabled: false,
            commonConfig: { replication_factor: scalable ? 3 : 1 },
            storage: {
              type: "s3",
              // Commented out in the chart's values.yaml, yet its templates require it.
              bucketNames: { chunks: objectStorage.bucket, ruler: objectStorage.bucket },
              s3: {
                endpoint: endpoint.host,
                ...(objectStorage.region ? { region: objectStorage.region } : {}),
                ...(keys
                  ? { accessKeyId: `\${${ENV.accessKeyId}}`, secretAccessKey: `\${${ENV.secretAccessKey}}` }
                  : {}),
                s3ForcePathStyle: true,
                insecure: endpoint.insecure,
              },
            },
            // `from` is permanent: a schema change appends an entry with a future date.
            schemaConfig: {
              configs: [
                {
                  from: "2024-04-01",
                  store: "tsdb",
                  object_store: "s3",
                  schema: "v13",
                  index: { prefix: "loki_index_", period: "24h" },
                },
              ],
            },
            compactor: {
              working_directory: "/var/loki/compactor",
              retention_enabled: true,
              delete_request_store: "s3",
            },
            // The chart's limits_config defaults have no retention_period; structuredConfig merges over them.
            structuredConfig: { limits_config: { retention_period: `${retentionHours}h` } },
            analytics: { reporting_enabled: false },
            podSecurityContext: restrictedPod(10001),
            containerSecurityContext: RESTRICTED_READ_ONLY_CONTAINER,
          },
          // No Kubernetes API token: EKS mounts its own web-identity token when the role annotation is set.
          serviceAccount: {
            name: lokiServiceAccountName(name),
            automountServiceAccountToken: false,
            ...(credentials.type === "role"
              ? { annotations: { [IRSA_ROLE_ANNOTATION]: credentials.roleArn } }
              : {}),
          },
          singleBinary: {
            ...server("singleBinary", "single-binary"),
            persistence: { enabled: true, ...persistence },
          },
          write: { ...server("write", "write"), persistence },
          read: server("read", "read"),
          backend: { ...server("backend", "backend"), persistence },
          // Kept: one URL for pushes and queries in both modes, routed to the right target.
          gateway: {
            enabled: true,
            replicas: replicas.gateway,
            image: images.gateway,
            service: { port: GATEWAY_SERVICE_PORT },
            resources: RESOURCES.gateway,
            podSecurityContext: restrictedPod(101),
            containerSecurityContext: RESTRICTED_READ_ONLY_CONTAINER,
            topologySpreadConstraints: scalable ? zoneSpread(gatewayPods) : [],
          },
          // Alerting on logs is Prometheus's job here; no ruler, so no rules sidecar image either.
          ruler: { enabled: false },
          sidecar: { rules: { enabled: false } },
          minio: { enabled: false },
          test: { enabled: false },
          lokiCanary: { enabled: false },
          chunksCache: { enabled: false },
          resultsCache: { enabled: false },
          // The chart renders its ServiceMonitor only if the CRD is already served when Pulumi renders the
          // chart; the one declared below does not depend on install order.
          monitoring: { serviceMonitor: { enabled: false } },
        },
      },
      { parent: this },
    );

    new kubernetes.apiextensions.CustomResource(
      `${name}-loki-metrics`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: loki, namespace, labels: { ...lokiPods, ...MONITOR_LABELS } },
        spec: {
          selector: {
            matchLabels: lokiPods,
            // The chart marks headless and discovery Services "false", as its own ServiceMonitor expects.
            matchExpressions: [
              { key: "prometheus.io/service-monitor", operator: "NotIn", values: ["false"] },
            ],
          },
          endpoints: [{ port: "http-metrics", path: "/metrics", interval: "30s" }],
        },
      },
      { parent: this },
    );

    this.alloyChart = new kubernetes.helm.v4.Chart(
      `${name}-alloy`,
      {
        name: alloy,
        chart: PINNED_CHARTS.alloy.chart,
        version: PINNED_CHARTS.alloy.version,
        repositoryOpts: { repo: PINNED_CHARTS.alloy.repo },
        namespace: agentNamespace,
        values: {
          fullnameOverride: alloy,
          crds: { create: false },
          image: images.alloy,
          alloy: {
            configMap: { content: alloyConfig(this.pushUrl) },
            storagePath: POSITIONS_DIR,
            enableReporting: false,
            mounts: {
              varlog: true, // /var/log from the host, read-only
              extra: [{ name: "positions", mountPath: POSITIONS_DIR }],
            },
            // Root, but with no capabilities and no privilege escalation: kubelet writes the files under
            // /var/log/pods as root, mode 0640, so only their owner, uid 0, can read them. That is the
            // one reason Alloy runs in the privileged agents namespace.
            securityContext: {
              ...RESTRICTED_READ_ONLY_CONTAINER,
              runAsNonRoot: false,
              runAsUser: 0,
              runAsGroup: 0,
              privileged: false,
            },
            resources: RESOURCES.alloy,
          },
          global: { podSecurityContext: { seccompProfile: RUNTIME_DEFAULT } },
          configReloader: {
            image: images.configReloader,
            resources: RESOURCES.configReloader,
            securityContext: { ...RESTRICTED_READ_ONLY_CONTAINER, runAsUser: 65534, runAsGroup: 65534 },
          },
          controller: {
            type: "daemonset",
            // Every node's logs, GPU nodes included.
            tolerations: [
              { key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect },
              { key: "CriticalAddonsOnly", operator: "Exists" },
            ],
            volumes: {
              extra: [
                {
                  name: "positions",
                  hostPath: { path: `${POSITIONS_DIR}/${alloy}`, type: "DirectoryOrCreate" },
                },
              ],
            },
          },
          // Only what discovery.kubernetes needs: pods, not the chart's default secrets and configmaps.
          rbac: {
            rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }],
            clusterRules: [],
          },
          serviceMonitor: { enabled: true, additionalLabels: MONITOR_LABELS },
        },
      },
      { parent: this },
    );

    const policy = { parent: this };
    const inNamespace = (podLabels: Record<string, string>) => ({ namespace, podLabels });
    allowIngress(
      `${name}-loki-gateway-in`,
      {
        ...inNamespace(gatewayPods),
        peers: [{ namespace: agentNamespace, podLabels: alloyPods }, { namespace }],
        ports: [GATEWAY_PORT],
      },
      policy,
    );
    // Prometheus, Grafana and the gateway, all in the observability namespace.
    allowIngress(
      `${name}-loki-http-in`,
      { ...inNamespace(serverPods), peers: [{ namespace }], ports: [HTTP_PORT] },
      policy,
    );
    allowEgress(
      `${name}-loki-gateway-out`,
      { ...inNamespace(gatewayPods), peers: [{ namespace, podLabels: serverPods }], ports: [HTTP_PORT] },
      policy,
    );
    const ring = { ...inNamespace(serverPods), peers: [{ namespace, podLabels: serverPods }] };
    const ringPorts = [HTTP_PORT, GRPC_PORT, MEMBERLIST_PORT];
    allowIngress(`${name}-loki-peers-in`, { ...ring, ports: ringPorts }, policy);
    allowEgress(`${name}-loki-peers-out`, { ...ring, ports: ringPorts }, policy);
    allowEgress(
      `${name}-loki-object-store`,
      {
        ...inNamespace(serverPods),
        peers: objectStorage.networkPeers ?? [{ namespace: "data", podLabels: MINIO_PODS }],
        ports: [endpoint.port],
      },
      policy,
    );

    const inAgents = { namespace: agentNamespace, podLabels: alloyPods };
    allowEgress(
      `${name}-alloy-push`,
      { ...inAgents, peers: [{ namespace, podLabels: gatewayPods }], ports: [GATEWAY_PORT] },
      policy,
    );
    allowEgress(`${name}-alloy-kube-api`, { ...inAgents, peers: "anywhere", ports: [443, 6443] }, policy);
    allowIngress(
      `${name}-alloy-metrics`,
      { ...inAgents, peers: [{ namespace }], ports: [ALLOY_PORT] },
      policy,
    );

    this.registerOutputs({ lokiUrl: this.lokiUrl, pushUrl: this.pushUrl });
  }
}
