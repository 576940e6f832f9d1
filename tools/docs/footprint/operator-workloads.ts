import type { DeclaredResource } from "../../../policies/offline/render-stack";
import type { ExtractContext } from "./context";
import type { Json } from "./json";
import { addResources, containerResources, NO_RESOURCES, type Resources } from "./pod-resources";
import { parseBytes } from "./quantities";
import { fixedReplicas, type Workload } from "./workload";

/** Pods that operators create from the custom resources the stack declares. */

interface CustomResource {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: Record<string, Json>;
}

function parts(resource: DeclaredResource) {
  const { metadata, spec } = resource.inputs as CustomResource;
  const name = metadata?.name ?? resource.name;
  return {
    name,
    namespace: metadata?.namespace ?? "default",
    spec: spec ?? {},
    where: `${resource.type} ${name}`,
  };
}

function workload(
  label: string,
  namespace: string,
  replicas: number,
  pod: Resources,
  storagePerPod = 0,
  defaults: readonly string[] = [],
): Workload {
  return {
    label,
    namespace,
    kind: "StatefulSet",
    replicas: fixedReplicas(replicas),
    pod,
    storagePerPod,
    sharedStorage: 0,
    defaults,
  };
}

function required<T>(value: T | undefined, where: string, field: string): T {
  if (value === undefined) throw new Error(`${where}: spec.${field} is not set`);
  return value;
}

/** CloudNativePG: `instances` pods, each with its data volume and, if set, a WAL volume. */
function cnpgCluster(resource: DeclaredResource): Workload[] {
  const { namespace, spec, where } = parts(resource);
  const storage = parseBytes(required(spec.storage?.size, where, "storage.size"), `${where} storage.size`);
  const wal = spec.walStorage ? parseBytes(spec.walStorage.size, `${where} walStorage.size`) : 0;
  return [
    workload(
      "PostgreSQL (CloudNativePG)",
      namespace,
      spec.instances ?? 1,
      containerResources(spec.resources, where),
      storage + wal,
    ),
  ];
}

/** OT redis-operator: `clusterSize` pods of Redis (plus its exporter sidecar when on) with their volume. */
function redisPods(label: string, defaultSize: number | undefined) {
  return (resource: DeclaredResource): Workload[] => {
    const { namespace, spec, where } = parts(resource);
    const exporter = spec.redisExporter?.enabled
      ? containerResources(spec.redisExporter.resources, `${where} redisExporter`)
      : NO_RESOURCES;
    const claim = spec.storage?.volumeClaimTemplate?.spec?.resources?.requests?.storage;
    return [
      workload(
        label,
        namespace,
        defaultSize ?? required(spec.clusterSize, where, "clusterSize"),
        addResources(containerResources(spec.kubernetesConfig?.resources, where), exporter),
        claim === undefined ? 0 : parseBytes(claim, `${where} storage`),
      ),
    ];
  };
}

/** A Strimzi storage block: persistent claims count, ephemeral storage does not. */
function strimziStorage(storage: Json, where: string): number {
  if (!storage || storage.type === "ephemeral") return 0;
  if (storage.type === "persistent-claim") return parseBytes(storage.size, `${where} storage.size`);
  if (storage.type === "jbod")
    return (storage.volumes ?? []).reduce(
      (sum: number, volume: Json) => sum + strimziStorage(volume, where),
      0,
    );
  throw new Error(`${where}: storage type ${JSON.stringify(storage.type)} is not one the footprint knows`);
}

function kafkaNodePool(resource: DeclaredResource): Workload[] {
  const { namespace, spec, where } = parts(resource);
  const roles: string[] = spec.roles ?? [];
  const label = roles.includes("broker")
    ? roles.includes("controller")
      ? "Kafka (brokers + KRaft controllers)"
      : "Kafka brokers"
    : "Kafka KRaft controllers";
  return [
    workload(
      label,
      namespace,
      required(spec.replicas, where, "replicas"),
      containerResources(spec.resources, where),
      strimziStorage(spec.storage, where),
    ),
  ];
}

/** The Kafka resource's own pods: the entity operator, and Kafka Exporter and Cruise Control when set. */
function kafka(resource: DeclaredResource): Workload[] {
  const { namespace, spec, where } = parts(resource);
  const pods: Workload[] = [];
  const entity = spec.entityOperator;
  if (entity) {
    const operators = ["topicOperator", "userOperator"].filter((key) => entity[key]);
    const pod = operators
      .map((key) => containerResources(entity[key].resources, `${where} entityOperator.${key}`))
      .reduce(addResources, NO_RESOURCES);
    if (operators.length > 0) pods.push(workload("Kafka entity operator", namespace, 1, pod));
  }
  for (const [key, label] of [
    ["kafkaExporter", "Kafka Exporter"],
    ["cruiseControl", "Cruise Control"],
  ] as const) {
    if (spec[key])
      pods.push(workload(label, namespace, 1, containerResources(spec[key].resources, `${where} ${key}`)));
  }
  return pods;
}

function kafkaBridge(resource: DeclaredResource): Workload[] {
  const { namespace, spec, where } = parts(resource);
  return [workload("Kafka Bridge", namespace, spec.replicas ?? 1, containerResources(spec.resources, where))];
}

const ENVOY_GATEWAY_CONTROLLER = "gateway.envoyproxy.io/gatewayclass-controller";
const GATEWAY_CLASS = "kubernetes:gateway.networking.k8s.io/v1:GatewayClass";
const ENVOY_PROXY = "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy";

/**
 * Envoy Gateway's built-in defaults for what an EnvoyProxy leaves unset (api/v1alpha1/shared_types.go):
 * 1 replica, `envoy` requesting 100m and 512Mi, `shutdown-manager` 10m and 32Mi, no limits.
 */
const ENVOY_DEFAULTS = {
  replicas: 1,
  envoy: { requests: { cpu: "100m", memory: "512Mi" } },
  shutdownManager: { requests: { cpu: "10m", memory: "32Mi" } },
};

/**
 * Envoy Gateway runs one Envoy Deployment per Gateway, sized by the EnvoyProxy its class refers to
 * (replicas, the main container, the shutdown manager through a strategic-merge patch), and by the
 * built-in defaults where that leaves something unset.
 */
function gateway(resource: DeclaredResource, context: ExtractContext): Workload[] {
  const { name, namespace, spec, where } = parts(resource);
  const gatewayClass = context.declared(GATEWAY_CLASS, spec.gatewayClassName);
  const classSpec = (gatewayClass?.inputs as CustomResource | undefined)?.spec;
  if (classSpec?.controllerName !== ENVOY_GATEWAY_CONTROLLER)
    throw new Error(
      `${where}: its GatewayClass ${JSON.stringify(spec.gatewayClassName)} is not an Envoy Gateway class the stack declares; the footprint models only Envoy Gateway's proxies`,
    );
  if (spec.infrastructure?.parametersRef)
    throw new Error(`${where}: Gateway-level EnvoyProxy parameters are not modelled, only the class's`);
  const ref = classSpec.parametersRef;
  const proxy = ref
    ? (context.declared(ENVOY_PROXY, ref.name)?.inputs as CustomResource | undefined)
    : undefined;
  if (ref && (ref.kind !== "EnvoyProxy" || !proxy))
    throw new Error(
      `${where}: the class's parameters ${JSON.stringify(ref)} are not an EnvoyProxy the stack declares`,
    );
  const deployment = proxy?.spec?.provider?.kubernetes?.envoyDeployment ?? {};
  const patched = (deployment.patch?.value?.spec?.template?.spec?.containers ?? []) as {
    name?: string;
    resources?: unknown;
  }[];
  const shutdownManager = patched.find((container) => container.name === "shutdown-manager")?.resources;
  const defaults = [
    ...(deployment.replicas === undefined ? ["1 replica (EnvoyProxy default)"] : []),
    ...(deployment.container?.resources === undefined
      ? ["envoy requests cpu 100m, memory 512Mi; no limits (EnvoyProxy default)"]
      : []),
    ...(shutdownManager === undefined
      ? ["shutdown-manager requests cpu 10m, memory 32Mi; no limits (EnvoyProxy default)"]
      : []),
  ];
  const pod = addResources(
    containerResources(deployment.container?.resources ?? ENVOY_DEFAULTS.envoy, `${where} envoy`),
    containerResources(shutdownManager ?? ENVOY_DEFAULTS.shutdownManager, `${where} shutdown-manager`),
  );
  const replicas = deployment.replicas ?? ENVOY_DEFAULTS.replicas;
  return [workload(`Envoy proxy (Gateway ${name})`, namespace, replicas, pod, 0, defaults)];
}

export const OPERATOR_WORKLOADS = {
  "kubernetes:postgresql.cnpg.io/v1:Cluster": cnpgCluster,
  "kubernetes:redis.redis.opstreelabs.in/v1beta2:Redis": redisPods("Redis", 1),
  "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisReplication": redisPods("Redis", undefined),
  "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisSentinel": redisPods("Redis Sentinel", undefined),
  "kubernetes:kafka.strimzi.io/v1:Kafka": kafka,
  "kubernetes:kafka.strimzi.io/v1:KafkaNodePool": kafkaNodePool,
  "kubernetes:kafka.strimzi.io/v1:KafkaBridge": kafkaBridge,
  "kubernetes:gateway.networking.k8s.io/v1:Gateway": gateway,
};
