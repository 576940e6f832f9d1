import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { allowEgress, allowIngress, type NamespacePeer, type Peers } from "../baseline/network-policy";
import { PINNED_CHARTS } from "../charts/pinned-charts";
import { pinnedImage } from "../common/images";
import { prometheusMonitor } from "../common/monitoring";
import { RESTRICTED_CONTAINER } from "../common/security-context";
import { zoneSpread } from "../common/topology";

export type RedisMode = "standalone" | "sentinel";

export interface RedisStoreArgs {
  /** Existing namespace for the operator and Redis. No default. */
  readonly namespace: string;
  /**
   * `"standalone"`: one Redis. `"sentinel"`: a replication of 3 (one master, two replicas) watched by
   * 3 sentinels, each spread over zones with a PodDisruptionBudget, for prod. Default `"standalone"`.
   */
  readonly mode?: RedisMode;
  /** Volume per Redis pod in GiB (AOF and RDB files). Default `8`. */
  readonly storageGi?: number;
  /**
   * Redis image, pinned; the operator project's build, whose entrypoint writes redis.conf from the
   * operator's settings. Default `"quay.io/opstree/redis:v7.2.11"`.
   */
  readonly image?: string;
  /** Sentinel image, pinned, from the same project. Default `"quay.io/opstree/redis-sentinel:v7.2.11"`. */
  readonly sentinelImage?: string;
  /** Namespaces whose pods may connect on 6379 (and 26379 in sentinel mode). Default `[]`. */
  readonly clientNamespaces?: readonly string[];
  /** Namespace of the metrics scraper; when set, each Redis pod gets an exporter it may reach on 9121. Default: none. */
  readonly metricsNamespace?: string;
  /** Exporter image, pinned; used only with `metricsNamespace`. Default `"quay.io/opstree/redis-exporter:v1.76.0"`. */
  readonly exporterImage?: string;
}

/** Redis 7.2, the last BSD-licensed line, at a patch with the 2025 Lua CVE fixes (CVE-2025-49844). */
export const REDIS_IMAGE = "quay.io/opstree/redis:v7.2.11";
export const REDIS_SENTINEL_IMAGE = "quay.io/opstree/redis-sentinel:v7.2.11";
export const REDIS_EXPORTER_IMAGE = "quay.io/opstree/redis-exporter:v1.76.0";

const REDIS_PORT = 6379;
const SENTINEL_PORT = 26379;
const EXPORTER_PORT = 9121;
const KUBE_API_PORTS = [443, 6443];
/** Replicas and sentinels in sentinel mode; a PodDisruptionBudget keeps a quorum of 2. */
const HA_SIZE = 3;
const MASTER_NAME = "mymaster";
const PASSWORD_KEY = "password";
/** The chart's selector label on the operator pod (`name: <redisOperator.name>`). */
const OPERATOR_PODS = { name: "redis-operator" };

const REDIS_RESOURCES = { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "1Gi" } };
/**
 * maxmemory below the 1Gi limit, leaving room for AOF rewrites and replication buffers. When full,
 * only keys with a TTL (caches) are evicted; keys without one (state) never are, writes fail instead.
 */
const REDIS_CONF = "maxmemory 768mb\nmaxmemory-policy volatile-lru\n";
const SENTINEL_RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } };
const EXPORTER_RESOURCES = { requests: { cpu: "25m", memory: "32Mi" }, limits: { memory: "64Mi" } };
const OPERATOR_RESOURCES = { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } };

const RUNTIME_DEFAULT = { type: "RuntimeDefault" };
/** uid/gid 1000 is the `redis` user of the images; fsGroup makes the volumes writable for it. */
const POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  seccompProfile: RUNTIME_DEFAULT,
};

/** Rejects untagged and `:latest` images: a restart must not change what runs. */
function pinned(image: string, arg: string): string {
  pinnedImage(arg, image);
  return image;
}

interface Flow {
  readonly name: string;
  readonly direction: "ingress" | "egress";
  /** Pods of the store's namespace the allow applies to. */
  readonly pods: Readonly<Record<string, string>>;
  readonly peers: Peers;
  readonly ports: readonly number[];
}

/**
 * The allows Redis needs on top of the namespace's default-deny (and its DNS allow), selecting pods by
 * the labels the operator sets (`app`, `redis_setup_type`) and the chart's operator label.
 */
function networkFlows(name: string, namespace: string, mode: RedisMode, args: RedisStoreArgs): Flow[] {
  const flows: Flow[] = [];
  const allow =
    (direction: Flow["direction"]) =>
    (flowName: string, pods: Flow["pods"], peers: Peers, ports: readonly number[]) =>
      flows.push({ name: flowName, direction, pods, peers, ports });
  const [ingress, egress] = [allow("ingress"), allow("egress")];
  const here = (podLabels: Record<string, string>): NamespacePeer => ({ namespace, podLabels });
  const redis = redisPodLabels(name, mode);
  const sentinels = sentinelPodLabels(name);
  const operator = here(OPERATOR_PODS);
  // An empty peer list would admit every source, so client allows exist only when there are clients.
  const clients = (args.clientNamespaces ?? []).map((ns) => ({ namespace: ns }));
  const sentinel = mode === "sentinel";

  if (clients.length > 0) ingress("clients", redis, clients, [REDIS_PORT]);
  if (args.metricsNamespace)
    ingress("metrics", redis, [{ namespace: args.metricsNamespace }], [EXPORTER_PORT]);
  ingress("internal", redis, sentinel ? [operator, here(redis), here(sentinels)] : [operator], [REDIS_PORT]);
  egress("operator-to-redis", OPERATOR_PODS, [here(redis)], [REDIS_PORT]);
  egress("operator-kube-api", OPERATOR_PODS, "anywhere", KUBE_API_PORTS);
  if (sentinel) {
    if (clients.length > 0) ingress("sentinel-clients", sentinels, clients, [SENTINEL_PORT]);
    ingress("sentinel-internal", sentinels, [operator, here(sentinels)], [SENTINEL_PORT]);
    egress("replication", redis, [here(redis)], [REDIS_PORT]);
    egress("sentinel-to-redis", sentinels, [here(redis)], [REDIS_PORT]);
    egress("sentinel-to-sentinels", sentinels, [here(sentinels)], [SENTINEL_PORT]);
    egress("operator-to-sentinels", OPERATOR_PODS, [here(sentinels)], [SENTINEL_PORT]);
  }
  return flows;
}

/** Labels the operator puts on the Redis pods of a Redis (standalone) or RedisReplication named `name`. */
function redisPodLabels(name: string, mode: RedisMode) {
  return { app: name, redis_setup_type: mode === "sentinel" ? "replication" : "standalone" };
}

/** Labels the operator puts on the pods of a RedisSentinel named `name`. */
function sentinelPodLabels(name: string) {
  return { app: `${name}-sentinel`, redis_setup_type: "sentinel" };
}

/**
 * Redis through the OT redis-operator (pinned chart, watching only its namespace): a password generated
 * into a Secret, one Redis (standalone) or a replication of 3 with 3 sentinels spread over zones
 * (sentinel), and the NetworkPolicy allows for clients, the operator, replication and the sentinels.
 * The chart installs cluster-scoped CRDs and RBAC, so a cluster holds one RedisStore.
 */
export class RedisStore extends pulumi.ComponentResource {
  /** What clients connect to: the Redis service (standalone) or the sentinel service (sentinel). */
  public readonly host: string;
  /** 6379 (standalone) or 26379, the sentinels' port (sentinel). */
  public readonly port: number;
  /** The service that always points at the current master, for clients without Sentinel support. */
  public readonly masterHost: string;
  public readonly sentinelHost?: string;
  public readonly sentinelMasterName?: string;
  /** Secret with the password under `passwordSecretKey`; Redis and the sentinels both require it. */
  public readonly passwordSecretName: string;
  public readonly passwordSecretKey = PASSWORD_KEY;
  /** The generated password, as a Pulumi secret (for clients that take a connection URL). */
  public readonly password: pulumi.Output<string>;
  public readonly mode: RedisMode;

  constructor(name: string, args: RedisStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:data:RedisStore", name, {}, opts);
    const mode = args.mode ?? "standalone";
    if (mode !== "standalone" && mode !== "sentinel") {
      throw new Error(`${name}: mode must be "standalone" or "sentinel", got "${mode}"`);
    }
    if (!/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/.test(name)) {
      throw new Error(`${name}: the name must be a DNS label of at most 40 characters (it names pods)`);
    }
    const storageGi = args.storageGi ?? 8;
    if (!Number.isInteger(storageGi) || storageGi < 1) {
      throw new Error(`${name}: storageGi must be a positive whole number, got ${storageGi}`);
    }
    const image = pinned(args.image ?? REDIS_IMAGE, "image");
    const sentinelImage = pinned(args.sentinelImage ?? REDIS_SENTINEL_IMAGE, "sentinelImage");
    const exporterImage = pinned(args.exporterImage ?? REDIS_EXPORTER_IMAGE, "exporterImage");
    const namespace = args.namespace;
    const sentinel = mode === "sentinel";
    const service = (serviceName: string) => `${serviceName}.${namespace}.svc.cluster.local`;

    this.mode = mode;
    this.passwordSecretName = `${name}-password`;
    this.masterHost = service(sentinel ? `${name}-master` : name);
    this.sentinelHost = sentinel ? service(`${name}-sentinel`) : undefined;
    this.sentinelMasterName = sentinel ? MASTER_NAME : undefined;
    this.host = this.sentinelHost ?? this.masterHost;
    this.port = sentinel ? SENTINEL_PORT : REDIS_PORT;

    const pinnedChart = PINNED_CHARTS.redisOperator;
    const operator = new kubernetes.helm.v4.Chart(
      `${name}-operator`,
      {
        chart: pinnedChart.chart,
        version: pinnedChart.version,
        repositoryOpts: { repo: pinnedChart.repo },
        namespace,
        values: {
          redisOperator: { watchNamespace: namespace },
          resources: OPERATOR_RESOURCES,
          podSecurityContext: { runAsNonRoot: true, seccompProfile: RUNTIME_DEFAULT },
          securityContext: RESTRICTED_CONTAINER,
        },
      },
      { parent: this },
    );

    const password = new random.RandomPassword(
      `${name}-password`,
      { length: 32, special: false },
      { parent: this },
    );
    this.password = pulumi.secret(password.result);
    const secret = new kubernetes.core.v1.Secret(
      `${name}-password`,
      {
        metadata: { name: this.passwordSecretName, namespace },
        type: "Opaque",
        stringData: { [PASSWORD_KEY]: password.result },
      },
      { parent: this },
    );
    const config = new kubernetes.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: `${name}-config`, namespace },
        // The image's entrypoint includes this file after the settings it generates.
        data: { "redis-additional.conf": REDIS_CONF },
      },
      { parent: this },
    );

    const redisPods = redisPodLabels(name, mode);
    const redisSecret = { name: this.passwordSecretName, key: PASSWORD_KEY };
    const redisSpec = {
      kubernetesConfig: { image, imagePullPolicy: "IfNotPresent", resources: REDIS_RESOURCES, redisSecret },
      redisConfig: { additionalRedisConfig: `${name}-config` },
      storage: {
        volumeClaimTemplate: {
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${storageGi}Gi` } } },
        },
      },
      podSecurityContext: POD_SECURITY,
      securityContext: RESTRICTED_CONTAINER,
      ...(args.metricsNamespace
        ? {
            redisExporter: {
              enabled: true,
              image: exporterImage,
              imagePullPolicy: "IfNotPresent",
              resources: EXPORTER_RESOURCES,
              securityContext: RESTRICTED_CONTAINER,
            },
          }
        : {}),
    };
    const ready = { parent: this, dependsOn: [operator, secret, config] };
    const apiVersion = "redis.redis.opstreelabs.in/v1beta2";
    if (!sentinel) {
      new kubernetes.apiextensions.CustomResource(
        `${name}-standalone`,
        { apiVersion, kind: "Redis", metadata: { name, namespace }, spec: redisSpec },
        ready,
      );
    } else {
      const haPlacement = (pods: Record<string, string>) => ({
        clusterSize: HA_SIZE,
        pdb: { enabled: true, minAvailable: HA_SIZE - 1 },
        topologySpreadConstraints: zoneSpread(pods),
      });
      const replication = new kubernetes.apiextensions.CustomResource(
        `${name}-replication`,
        {
          apiVersion,
          kind: "RedisReplication",
          metadata: { name, namespace },
          spec: { ...haPlacement(redisPods), ...redisSpec },
        },
        ready,
      );
      new kubernetes.apiextensions.CustomResource(
        `${name}-sentinel`,
        {
          apiVersion,
          kind: "RedisSentinel",
          metadata: { name, namespace },
          spec: {
            ...haPlacement(sentinelPodLabels(name)),
            kubernetesConfig: {
              image: sentinelImage,
              imagePullPolicy: "IfNotPresent",
              resources: SENTINEL_RESOURCES,
              // Clients must authenticate to the sentinels too.
              redisSecret,
            },
            redisSentinelConfig: {
              redisReplicationName: name,
              masterGroupName: MASTER_NAME,
              quorum: String(HA_SIZE - 1),
              redisReplicationPassword: { secretKeyRef: redisSecret },
            },
            podSecurityContext: POD_SECURITY,
            securityContext: RESTRICTED_CONTAINER,
          },
        },
        { ...ready, dependsOn: [...ready.dependsOn, replication] },
      );
    }

    const policy = { parent: this };
    for (const flow of networkFlows(name, namespace, mode, args)) {
      const allow = flow.direction === "ingress" ? allowIngress : allowEgress;
      allow(
        `${name}-${flow.name}`,
        { namespace, podLabels: flow.pods, peers: flow.peers, ports: flow.ports },
        policy,
      );
    }

    if (args.metricsNamespace) {
      prometheusMonitor(
        "PodMonitor",
        name,
        namespace,
        redisPodLabels(name, mode),
        [{ portNumber: EXPORTER_PORT }],
        {
          parent: this,
        },
      );
    }

    this.registerOutputs({
      host: this.host,
      port: this.port,
      masterHost: this.masterHost,
      sentinelHost: this.sentinelHost,
      sentinelMasterName: this.sentinelMasterName,
      passwordSecretName: this.passwordSecretName,
      mode: this.mode,
    });
  }
}
