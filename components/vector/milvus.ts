import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { allowEgress, allowIngress, type Peers } from "../baseline/network-policy";
import { PINNED_CHARTS } from "../charts/pinned-charts";
import { IRSA_ROLE_ANNOTATION } from "../cluster/aws-iam-roles";
import { chartImageTag } from "../common/images";
import { MONITOR_LABELS } from "../common/monitoring";
import { RESTRICTED_CONTAINER } from "../common/security-context";
import { zoneSpread } from "../common/topology";
import { objectStorageAccess } from "../storage/object-storage";
import { MILVUS_CHANNELS, WAL_MESSAGE_MAX_BYTES } from "./milvus-wal";

export type MilvusMode = "standalone" | "cluster";

/** S3-compatible object storage Milvus keeps segments, indexes and (without Kafka) its WAL in. */
export interface MilvusObjectStorage {
  /** Host name only, e.g. `"minio.data.svc.cluster.local"`. */
  readonly host: string;
  readonly port: number;
  /** An existing bucket. */
  readonly bucket: string;
  readonly useSSL: boolean;
  /**
   * IAM role (IRSA) for Milvus's service account, which the chart then creates as
   * `milvusServiceAccountName(name)`: Milvus reads web-identity credentials (`useIAM`) and no key pair is
   * used. AWS S3 only; OSS and MinIO stay on key pairs, since RRSA support varies between the clients
   * that read them. Default: unset, the key pair from `credentialsSecretName`.
   */
  readonly serviceAccountRoleArn?: pulumi.Input<string>;
  /** Secret in Milvus's namespace holding the access key pair; the caller creates it. Required without a role. */
  readonly credentialsSecretName?: string;
  /** Keys of the access key id and secret in that Secret; required with it. */
  readonly accessKeyIdKey?: string;
  readonly secretAccessKeyKey?: string;
  /** The service behind the S3 API: `aws` for S3 and MinIO, `aliyun` for OSS. Default `"aws"`. */
  readonly cloudProvider?: "aws" | "aliyun";
  /** Region of a cloud bucket. Default `""` (MinIO needs none). */
  readonly region?: string;
  /** Who Milvus may reach for it. Default: the platform's MinIO pods in the data namespace. */
  readonly networkPeers?: Peers;
}

/** The platform's Kafka (Strimzi, TLS listener, no client authentication). */
export interface MilvusKafka {
  /** `host:port[,host:port…]`, e.g. `"kafka-kafka-bootstrap.data.svc:9093"`. */
  readonly bootstrapServers: string;
  /** Secret in Milvus's namespace with the cluster CA certificate under `ca.crt`; the caller copies it. */
  readonly tlsCaSecretName: string;
}

export interface MilvusArgs {
  /** Existing namespace (Pod Security "restricted") for Milvus and its etcd. No default. */
  readonly namespace: string;
  /**
   * `"standalone"`: one Milvus pod and a 1-member etcd. `"cluster"`: proxy, mix coordinator (active
   * standby), streaming, query and data nodes with `replicas` each, and a 3-member etcd, every workload
   * spread over zones with a PodDisruptionBudget. Default `"standalone"`.
   */
  readonly mode?: MilvusMode;
  /** Replicas of each cluster-mode component, at least 2; ignored in standalone mode. Default `2`. */
  readonly replicas?: number;
  /** Object storage; its keys are read from a Secret (or replaced by a role), never written into values. No default. */
  readonly objectStorage: MilvusObjectStorage;
  /**
   * Kafka as the message queue (WAL), over TLS; the topics in `MILVUS_KAFKA_TOPICS`
   * (milvus-wal.ts) must exist.
   * Default: none, and Milvus keeps its WAL in the object storage with the embedded Woodpecker queue.
   */
  readonly kafka?: MilvusKafka;
  /** Volume of the standalone pod in GiB (local data and caches); cluster mode keeps none. Default `20`. */
  readonly storageGi?: number;
  /** Volume of each etcd member in GiB. Default `10`. */
  readonly etcdStorageGi?: number;
  /** Namespaces whose pods may reach the proxy (gRPC and REST) on 19530. Default `["ai"]`. */
  readonly clientNamespaces?: readonly string[];
  /** Namespace of the metrics scraper, allowed to 9091 (Milvus) and 2381 (etcd). Default `"observability"`. */
  readonly metricsNamespace?: string;
  /** Milvus image, `repository:tag` (a digest may follow). Default `"milvusdb/milvus:v2.6.15"`. */
  readonly image?: string;
  /** etcd image, the official build, pinned. Default `"quay.io/coreos/etcd:v3.5.25"`. */
  readonly etcdImage?: string;
}

export const MILVUS_IMAGE = "milvusdb/milvus:v2.6.15";
/** etcd 3.5, the line Milvus 2.6 is tested with (its chart bundles a 3.5.25 build). */
export const ETCD_IMAGE = "quay.io/coreos/etcd:v3.5.25";

const PROXY_PORT = 19530;
const METRICS_PORT = 9091;
const ETCD_CLIENT_PORT = 2379;
const ETCD_PEER_PORT = 2380;
const ETCD_METRICS_PORT = 2381;
const KAFKA_CA_DIR = "/milvus/kafka-ca";
const ROOT_USER = "root";
/** The platform's object store (MinIO in the data namespace) and Kafka brokers (Strimzi's label). */
const MINIO_PODS = { "app.kubernetes.io/name": "minio", "app.kubernetes.io/component": "server" };
const KAFKA_PODS = { "strimzi.io/kind": "Kafka" };

const RUNTIME_DEFAULT = { type: "RuntimeDefault" };
/**
 * The Milvus image's files are root:root, mode 774: a non-root uid runs them through group 0, which
 * also owns the volumes (fsGroup). Restricted Pod Security allows gid 0.
 */
const MILVUS_POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 0,
  fsGroup: 0,
  fsGroupChangePolicy: "OnRootMismatch",
  seccompProfile: RUNTIME_DEFAULT,
};
/** The etcd image is a static binary on distroless: any uid works; 65532 is distroless's nonroot. */
const ETCD_POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 65532,
  runAsGroup: 65532,
  fsGroup: 65532,
  seccompProfile: RUNTIME_DEFAULT,
};

const resources = (cpu: string, memory: string, memoryLimit: string) => ({
  requests: { cpu, memory },
  limits: { memory: memoryLimit },
});
const RESOURCES = {
  standalone: resources("500m", "2Gi", "8Gi"),
  proxy: resources("250m", "512Mi", "2Gi"),
  mixCoordinator: resources("250m", "512Mi", "2Gi"),
  streamingNode: resources("500m", "1Gi", "4Gi"),
  queryNode: resources("1", "4Gi", "8Gi"),
  dataNode: resources("500m", "2Gi", "4Gi"),
  etcd: resources("200m", "512Mi", "2Gi"),
};
/** Cluster-mode components (chart values key → the `component` label of their pods). */
const CLUSTER_COMPONENTS = {
  proxy: "proxy",
  mixCoordinator: "mixcoord",
  streamingNode: "streamingnode",
  queryNode: "querynode",
  dataNode: "datanode",
} as const;

/** `repository:tag[@digest]` split for the chart's `image.all`; rejects untagged and `:latest`. */
export function splitImage(arg: string, image: string): { repository: string; tag: string } {
  return chartImageTag(arg, image);
}

/** Defaults applied and every argument checked, before any resource is declared. */
function resolveArgs(name: string, args: MilvusArgs) {
  const mode = args.mode ?? "standalone";
  if (mode !== "standalone" && mode !== "cluster")
    throw new Error(`${name}: mode must be "standalone" or "cluster"`);
  if (!/^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/.test(name))
    throw new Error(`${name}: the name must be a DNS label of at most 40 characters`);
  const replicas = mode === "cluster" ? (args.replicas ?? 2) : 1;
  if (!Number.isInteger(replicas) || replicas < (mode === "cluster" ? 2 : 1))
    throw new Error(`${name}: cluster mode needs replicas of at least 2, got ${replicas}`);
  const storageGi = args.storageGi ?? 20;
  const etcdStorageGi = args.etcdStorageGi ?? 10;
  for (const [field, size] of [
    ["storageGi", storageGi],
    ["etcdStorageGi", etcdStorageGi],
  ] as const) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`${name}: ${field} must be a positive integer`);
  }
  const { port } = args.objectStorage;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`${name}: objectStorage.port must be a TCP port`);
  const keys = storageKeys(name, args.objectStorage);
  const kafkaPorts = args.kafka ? bootstrapPorts(name, args.kafka.bootstrapServers) : [];
  const image = splitImage("image", args.image ?? MILVUS_IMAGE);
  const etcdImage = args.etcdImage ?? ETCD_IMAGE;
  splitImage("etcdImage", etcdImage);
  return { mode, replicas, storageGi, etcdStorageGi, kafkaPorts, image, etcdImage, keys };
}

/** The key pair reference, or none when Milvus assumes a role (only S3 knows IAM roles). */
function storageKeys(name: string, storage: MilvusObjectStorage) {
  const access = objectStorageAccess(name, storage);
  if (access.type === "keys") return access;
  if ((storage.cloudProvider ?? "aws") !== "aws")
    throw new Error(`${name}: objectStorage.serviceAccountRoleArn is for AWS S3 (cloudProvider "aws")`);
  return undefined;
}

/** Milvus's service account when it assumes an IAM role (the chart's default otherwise: `default`). */
export function milvusServiceAccountName(name: string): string {
  return name;
}

function bootstrapPorts(name: string, bootstrapServers: string): number[] {
  const ports = bootstrapServers.split(",").map((server) => Number(/^[^\s:,]+:(\d+)$/.exec(server)?.[1]));
  if (ports.some((port) => !Number.isInteger(port) || port < 1 || port > 65535))
    throw new Error(`${name}: kafka.bootstrapServers must be "host:port[,host:port…]"`);
  return [...new Set(ports)];
}

/**
 * Milvus 2.6 (milvus-helm, pinned) with none of the chart's bundled dependencies (its etcd and Kafka
 * are Bitnami's, its MinIO and Pulsar are not wanted): the platform's object storage, Kafka or the
 * embedded Woodpecker queue, and an etcd run here from the official image. Authentication is on, with
 * a generated root password in a Secret. Object-storage keys reach Milvus as environment variables
 * from the caller's Secret, which Milvus reads over its config file (the chart can only template
 * literal keys into a ConfigMap); on EKS an IAM role for its service account replaces them.
 */
export class Milvus extends pulumi.ComponentResource {
  /** `<name>.<namespace>.svc.cluster.local:19530`, gRPC (the proxy, or the standalone pod). */
  public readonly endpoint: string;
  /** `http://<name>.<namespace>.svc.cluster.local:19530`, base of the REST API (`/v2/vectordb/…`). */
  public readonly restUrl: string;
  public readonly mode: MilvusMode;
  /** Secret with `username`, `password` and `token` (`username:password`) of the root user. */
  public readonly credentialsSecretName: string;

  constructor(name: string, args: MilvusArgs, opts?: pulumi.ComponentResourceOptions) {
    const resolved = resolveArgs(name, args);
    super("ai-platform:vector:Milvus", name, {}, opts);
    const { mode, kafkaPorts } = resolved;
    const namespace = args.namespace;
    const cluster = mode === "cluster";
    const host = `${name}.${namespace}.svc.cluster.local`;
    this.mode = mode;
    this.endpoint = `${host}:${PROXY_PORT}`;
    this.restUrl = `http://${host}:${PROXY_PORT}`;
    this.credentialsSecretName = `${name}-root-credentials`;

    const password = new random.RandomPassword(
      `${name}-root`,
      { length: 32, special: false },
      { parent: this },
    );
    const user = pulumi.secret(ROOT_USER);
    const credentials = new kubernetes.core.v1.Secret(
      `${name}-root-credentials`,
      {
        metadata: { name: this.credentialsSecretName, namespace },
        type: "Opaque",
        stringData: {
          username: user,
          password: password.result,
          token: pulumi.interpolate`${user}:${password.result}`,
        },
      },
      { parent: this },
    );

    const etcd = new MilvusEtcd(name, namespace, cluster ? 3 : 1, resolved, this);
    const chart = new kubernetes.helm.v4.Chart(
      `${name}-chart`,
      {
        name,
        chart: PINNED_CHARTS.milvus.chart,
        version: PINNED_CHARTS.milvus.version,
        repositoryOpts: { repo: PINNED_CHARTS.milvus.repo },
        namespace,
        values: chartValues(name, args, resolved, etcd.endpoints, this.credentialsSecretName),
      },
      { parent: this, dependsOn: [credentials, etcd.statefulSet] },
    );

    const milvusPods = podLabels(name);
    if (cluster) {
      const streamingPods = podLabels(name, CLUSTER_COMPONENTS.streamingNode);
      // The chart renders PDBs for the proxy, coordinator, query and data nodes, not the streaming nodes.
      new kubernetes.policy.v1.PodDisruptionBudget(
        `${name}-streamingnode`,
        {
          metadata: { name: `${name}-streamingnode`, namespace, labels: streamingPods },
          spec: { maxUnavailable: 1, selector: { matchLabels: streamingPods } },
        },
        { parent: this, dependsOn: [chart] },
      );
    }

    const policy = { parent: this };
    const ingress = (suffix: string, pods: Record<string, string>, peers: Peers, ports: readonly number[]) =>
      allowIngress(`${name}-${suffix}`, { namespace, podLabels: pods, peers, ports }, policy);
    const egress = (suffix: string, pods: Record<string, string>, peers: Peers, ports: readonly number[]) =>
      allowEgress(`${name}-${suffix}`, { namespace, podLabels: pods, peers, ports }, policy);
    const here = (pods: Record<string, string>): Peers => [{ namespace, podLabels: pods }];
    const clients = (args.clientNamespaces ?? ["ai"]).map((ns) => ({ namespace: ns }));
    const metrics = [{ namespace: args.metricsNamespace ?? "observability" }];
    // An empty peer list would admit everyone: no clients, no client allow.
    if (clients.length > 0) {
      const servingPods = podLabels(name, cluster ? CLUSTER_COMPONENTS.proxy : "standalone");
      ingress("clients", servingPods, clients, [PROXY_PORT]);
    }
    ingress("metrics", milvusPods, metrics, [METRICS_PORT]);
    // Coordinators, nodes and proxies call each other on many ports, at the pod addresses they register
    // in etcd (in standalone mode, one pod calling itself).
    ingress("internal-in", milvusPods, here(milvusPods), []);
    egress("internal-out", milvusPods, here(milvusPods), []);
    egress("to-etcd", milvusPods, here(etcd.pods), [ETCD_CLIENT_PORT]);
    ingress("etcd-clients", etcd.pods, here(milvusPods), [ETCD_CLIENT_PORT]);
    ingress("etcd-metrics", etcd.pods, metrics, [ETCD_METRICS_PORT]);
    if (cluster) {
      ingress("etcd-peers-in", etcd.pods, here(etcd.pods), [ETCD_PEER_PORT]);
      egress("etcd-peers-out", etcd.pods, here(etcd.pods), [ETCD_PEER_PORT]);
    }
    egress(
      "object-storage",
      milvusPods,
      args.objectStorage.networkPeers ?? [{ namespace: "data", podLabels: MINIO_PODS }],
      [args.objectStorage.port],
    );
    if (args.kafka) egress("kafka", milvusPods, [{ namespace: "data", podLabels: KAFKA_PODS }], kafkaPorts);

    this.registerOutputs({
      endpoint: this.endpoint,
      restUrl: this.restUrl,
      mode: this.mode,
      credentialsSecretName: this.credentialsSecretName,
    });
  }
}

/** The labels the chart gives Milvus pods (`component` narrows to one kind). */
function podLabels(release: string, component?: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "milvus",
    "app.kubernetes.io/instance": release,
    ...(component ? { component } : {}),
  };
}

type Resolved = ReturnType<typeof resolveArgs>;

/** The chart's values: every bundled dependency off, external etcd, object storage and queue on. */
function chartValues(
  name: string,
  args: MilvusArgs,
  { mode, replicas, storageGi, image, keys }: Resolved,
  etcdEndpoints: readonly string[],
  credentialsSecretName: string,
) {
  const cluster = mode === "cluster";
  const storage = args.objectStorage;
  const secretEnv = (envName: string, secret: string, key: string) => ({
    name: envName,
    valueFrom: { secretKeyRef: { name: secret, key } },
  });
  // Milvus reads environment variables over its config files (MINIO_ACCESS_KEY_ID is minio.accessKeyID).
  // With a role, EKS injects the web-identity token and role ARN, which useIAM reads.
  const extraEnv = [
    ...(keys
      ? [
          secretEnv("MINIO_ACCESS_KEY_ID", keys.secret, keys.idKey),
          secretEnv("MINIO_SECRET_ACCESS_KEY", keys.secret, keys.secretKey),
        ]
      : []),
    secretEnv("COMMON_SECURITY_DEFAULTROOTPASSWORD", credentialsSecretName, "password"),
  ];
  const kafkaCa = `${KAFKA_CA_DIR}/ca.crt`;
  // Goes into milvus.yaml's last layer, over the chart's. JSON is YAML.
  const userConfig = {
    mq: { type: args.kafka ? "kafka" : "woodpecker" },
    common: { security: { authorizationEnabled: true } },
    // Server-only TLS: the CA through librdkafka's own settings (kafka.ssl.* would demand a client cert).
    ...(args.kafka
      ? {
          kafka: {
            producer: { "ssl.ca.location": kafkaCa, "message.max.bytes": WAL_MESSAGE_MAX_BYTES },
            consumer: { "ssl.ca.location": kafkaCa },
          },
          msgChannel: { chanNamePrefix: { cluster: MILVUS_CHANNELS.prefix } },
          rootCoord: { dmlChannelNum: MILVUS_CHANNELS.count },
        }
      : {}),
  };
  const component = (key: keyof typeof RESOURCES, spread?: string) => ({
    resources: RESOURCES[key],
    securityContext: MILVUS_POD_SECURITY,
    containerSecurityContext: RESTRICTED_CONTAINER,
    extraEnv,
    ...(spread ? { topologySpreadConstraints: zoneSpread(podLabels(name, spread)) } : {}),
  });
  const volumes = [
    // Non-root Milvus cannot create /var/lib/milvus (local storage, index builds) in the image.
    ...(cluster ? [{ name: "local-storage", emptyDir: {} }] : []),
    ...(args.kafka
      ? [
          {
            name: "kafka-ca",
            secret: { secretName: args.kafka.tlsCaSecretName, items: [{ key: "ca.crt", path: "ca.crt" }] },
          },
        ]
      : []),
  ];
  const volumeMounts = [
    ...(cluster ? [{ name: "local-storage", mountPath: "/var/lib/milvus" }] : []),
    ...(args.kafka ? [{ name: "kafka-ca", mountPath: KAFKA_CA_DIR, readOnly: true }] : []),
  ];

  return {
    fullnameOverride: name,
    cluster: { enabled: cluster },
    image: { all: { ...image, pullPolicy: "IfNotPresent" } },
    securityContext: MILVUS_POD_SECURITY,
    containerSecurityContext: RESTRICTED_CONTAINER,
    volumes,
    volumeMounts,
    // The chart's topologySpreadConstraints apply where a component sets none: only the streaming nodes.
    topologySpreadConstraints: cluster ? zoneSpread(podLabels(name, CLUSTER_COMPONENTS.streamingNode)) : [],
    service: { type: "ClusterIP" },
    ...(storage.serviceAccountRoleArn !== undefined
      ? {
          serviceAccount: {
            create: true,
            name: milvusServiceAccountName(name),
            annotations: { [IRSA_ROLE_ANNOTATION]: storage.serviceAccountRoleArn },
          },
        }
      : {}),
    metrics: { enabled: true, serviceMonitor: { enabled: true, additionalLabels: MONITOR_LABELS } },
    extraConfigFiles: { "user.yaml": JSON.stringify(userConfig, null, 2) },
    etcd: { enabled: false },
    minio: { enabled: false },
    pulsar: { enabled: false },
    pulsarv3: { enabled: false },
    kafka: { enabled: false },
    woodpecker: { enabled: false },
    attu: { enabled: false },
    tei: { enabled: false },
    externalEtcd: { enabled: true, endpoints: etcdEndpoints },
    externalS3: {
      enabled: true,
      host: storage.host,
      port: storage.port,
      bucketName: storage.bucket,
      useSSL: storage.useSSL,
      rootPath: "files",
      // Empty on purpose: the keys come from the Secret through the environment (see extraEnv), or a role.
      accessKey: "",
      secretKey: "",
      useIAM: storage.serviceAccountRoleArn !== undefined,
      cloudProvider: storage.cloudProvider ?? "aws",
      region: storage.region ?? "",
      // OSS only serves virtual-hosted-style requests; MinIO and S3 take path-style ones.
      useVirtualHost: storage.cloudProvider === "aliyun",
    },
    externalKafka: args.kafka
      ? { enabled: true, brokerList: args.kafka.bootstrapServers, securityProtocol: "SSL" }
      : { enabled: false },
    streaming: {
      enabled: true,
      ...(args.kafka ? {} : { woodpecker: { embedded: true, storage: { type: "minio" } } }),
    },
    ...(cluster
      ? {
          proxy: { enabled: true, replicas, http: { enabled: true }, ...component("proxy", "proxy") },
          mixCoordinator: {
            enabled: true,
            replicas,
            activeStandby: { enabled: replicas > 1 },
            ...component("mixCoordinator", "mixcoord"),
          },
          streamingNode: { replicas, ...component("streamingNode") },
          queryNode: { enabled: true, replicas, ...component("queryNode", "querynode") },
          dataNode: { enabled: true, replicas, ...component("dataNode", "datanode") },
        }
      : {
          proxy: { http: { enabled: true } },
          standalone: {
            messageQueue: args.kafka ? "kafka" : "woodpecker",
            ...component("standalone"),
            persistence: { enabled: true, persistentVolumeClaim: { size: `${storageGi}Gi` } },
          },
        }),
  };
}

/**
 * etcd for Milvus's metadata, from the official image: 1 member, or 3 spread over zones with a
 * PodDisruptionBudget. Plain HTTP inside the namespace; only Milvus pods may reach it.
 */
class MilvusEtcd {
  public readonly pods: Record<string, string>;
  public readonly endpoints: readonly string[];
  public readonly statefulSet: kubernetes.apps.v1.StatefulSet;

  constructor(name: string, namespace: string, members: number, resolved: Resolved, parent: Milvus) {
    const etcdName = `${name}-etcd`;
    const headless = `${etcdName}-headless`;
    this.pods = {
      "app.kubernetes.io/name": "etcd",
      "app.kubernetes.io/instance": etcdName,
      "app.kubernetes.io/part-of": "milvus",
    };
    const memberHost = (member: string) => `${member}.${headless}.${namespace}.svc.cluster.local`;
    const ordinals = [...Array(members).keys()];
    this.endpoints = ordinals.map((i) => `${memberHost(`${etcdName}-${i}`)}:${ETCD_CLIENT_PORT}`);
    const initialCluster = ordinals
      .map((i) => `${etcdName}-${i}=http://${memberHost(`${etcdName}-${i}`)}:${ETCD_PEER_PORT}`)
      .join(",");
    const clientPort = {
      name: "client",
      port: ETCD_CLIENT_PORT,
      targetPort: ETCD_CLIENT_PORT,
      protocol: "TCP",
    };
    const ports = [
      clientPort,
      { name: "peer", port: ETCD_PEER_PORT, targetPort: ETCD_PEER_PORT, protocol: "TCP" },
    ];
    const opts = { parent };
    new kubernetes.core.v1.Service(
      headless,
      {
        metadata: { name: headless, namespace, labels: this.pods },
        // Members must resolve each other before they are ready, or the cluster never forms.
        spec: { clusterIP: "None", publishNotReadyAddresses: true, selector: this.pods, ports },
      },
      opts,
    );
    const client = new kubernetes.core.v1.Service(
      etcdName,
      {
        metadata: { name: etcdName, namespace, labels: this.pods },
        spec: {
          type: "ClusterIP",
          selector: this.pods,
          ports: [
            clientPort,
            { name: "metrics", port: ETCD_METRICS_PORT, targetPort: ETCD_METRICS_PORT, protocol: "TCP" },
          ],
        },
      },
      opts,
    );
    const probe = (path: string, periodSeconds: number) => ({
      httpGet: { path, port: ETCD_METRICS_PORT, scheme: "HTTP" },
      initialDelaySeconds: 10,
      periodSeconds,
      timeoutSeconds: 5,
      failureThreshold: 5,
    });
    const podUrl = (port: number) => `http://$(POD_NAME).${headless}.${namespace}.svc.cluster.local:${port}`;
    this.statefulSet = new kubernetes.apps.v1.StatefulSet(
      etcdName,
      {
        metadata: { name: etcdName, namespace, labels: this.pods },
        spec: {
          serviceName: headless,
          replicas: members,
          // Members start together; OrderedReady would wait for a quorum that needs the next member.
          podManagementPolicy: "Parallel",
          selector: { matchLabels: this.pods },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
          template: {
            metadata: { labels: this.pods },
            spec: {
              automountServiceAccountToken: false,
              // etcd reads ETCD_* variables as flags; service links would inject some.
              enableServiceLinks: false,
              securityContext: ETCD_POD_SECURITY,
              topologySpreadConstraints: members > 1 ? zoneSpread(this.pods) : [],
              containers: [
                {
                  name: "etcd",
                  image: resolved.etcdImage,
                  command: ["/usr/local/bin/etcd"],
                  args: [
                    "--name=$(POD_NAME)",
                    "--data-dir=/var/lib/etcd/data",
                    `--listen-client-urls=http://0.0.0.0:${ETCD_CLIENT_PORT}`,
                    `--advertise-client-urls=${podUrl(ETCD_CLIENT_PORT)}`,
                    `--listen-peer-urls=http://0.0.0.0:${ETCD_PEER_PORT}`,
                    `--initial-advertise-peer-urls=${podUrl(ETCD_PEER_PORT)}`,
                    `--listen-metrics-urls=http://0.0.0.0:${ETCD_METRICS_PORT}`,
                    `--initial-cluster=${initialCluster}`,
                    `--initial-cluster-token=${etcdName}`,
                    "--initial-cluster-state=new",
                    // Milvus's recommended settings (as its chart sets them on the bundled etcd).
                    "--auto-compaction-mode=revision",
                    "--auto-compaction-retention=1000",
                    "--quota-backend-bytes=4294967296",
                    "--heartbeat-interval=500",
                    "--election-timeout=2500",
                  ],
                  env: [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
                  ports: [
                    ...ports.map(({ name: portName, port }) => ({
                      name: portName,
                      containerPort: port,
                      protocol: "TCP",
                    })),
                    { name: "metrics", containerPort: ETCD_METRICS_PORT, protocol: "TCP" },
                  ],
                  // As kubeadm probes etcd 3.5: alive without a quorum, ready only with one.
                  livenessProbe: probe("/health?exclude=NOSPACE&serializable=true", 20),
                  readinessProbe: probe("/health?serializable=false", 10),
                  resources: RESOURCES.etcd,
                  securityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true },
                  volumeMounts: [{ name: "data", mountPath: "/var/lib/etcd" }],
                },
              ],
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: "data", labels: this.pods },
              spec: {
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: `${resolved.etcdStorageGi}Gi` } },
              },
            },
          ],
        },
      },
      opts,
    );
    if (members > 1) {
      new kubernetes.policy.v1.PodDisruptionBudget(
        etcdName,
        {
          metadata: { name: etcdName, namespace, labels: this.pods },
          spec: { maxUnavailable: 1, selector: { matchLabels: this.pods } },
        },
        opts,
      );
    }
    new kubernetes.apiextensions.CustomResource(
      `${etcdName}-monitor`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: etcdName, namespace, labels: { ...this.pods, ...MONITOR_LABELS } },
        spec: {
          selector: { matchLabels: this.pods },
          endpoints: [{ port: "metrics", interval: "30s" }],
        },
      },
      { parent, dependsOn: [client] },
    );
  }
}
