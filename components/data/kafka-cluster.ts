import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { allowEgress, allowIngress } from "../baseline/network-policy";
import { PINNED_CHARTS } from "../charts/pinned-charts";
import { prometheusMonitor } from "../common/monitoring";
import { RESTRICTED_CONTAINER } from "../common/security-context";
import { zoneSpread } from "../common/topology";

export interface KafkaTopicArgs {
  /** Kafka topic name (may hold `.` and `_`; the KafkaTopic object gets a DNS-safe form of it). */
  readonly name: string;
  /** Partitions. Default `3`. */
  readonly partitions?: number;
  /** Replicas, at most the number of nodes. Default `min(3, nodes)`. */
  readonly replicas?: number;
  /** Retention in hours. Default: the broker's (168 hours). */
  readonly retentionHours?: number;
  /** Further topic configs, e.g. `max.message.bytes`. Default: none. */
  readonly config?: Readonly<Record<string, string | number>>;
}

export interface KafkaClusterArgs {
  /** Existing namespace for the operator (which watches only it), the cluster and its topics. No default. */
  readonly namespace: string;
  /** Combined controller+broker nodes: 1, or 3 and more for replication factor 3 across zones. Default `1`. */
  readonly nodes?: number;
  /** Volume size per node in GiB (log data and KRaft metadata share it). Default `20`. */
  readonly storageGi?: number;
  /** Kafka version; selects the pinned `quay.io/strimzi/kafka:<operator>-kafka-<version>` image. Default `"4.3.1"`. */
  readonly kafkaVersion?: string;
  /** Topics managed by the Topic Operator. Default `[]`. */
  readonly topics?: readonly KafkaTopicArgs[];
  /** Namespaces whose pods may connect to the TLS listener on 9093 (besides `namespace`). Default `[]`. */
  readonly clientNamespaces?: readonly string[];
  /** Namespace of the Prometheus that scrapes the brokers' metrics on 9404. Default: no metrics. */
  readonly metricsNamespace?: string;
}

/** Where Strimzi's metrics reporter serves the brokers' metrics, and which of them (all would be thousands). */
const METRICS_PORT = 9404;
const METRICS_ALLOW_LIST = [
  "kafka_controller_.*",
  "kafka_log_.*",
  "kafka_network_.*",
  "kafka_server_.*",
  "kafka_cluster_.*",
];

/** The default Kafka version of Strimzi 1.2.0 (its newest supported one). */
export const DEFAULT_KAFKA_VERSION = "4.3.1";
const TLS_PORT = 9093;
/** KRaft control plane (9090), replication and internal clients (9091), Strimzi's KafkaAgent (8443). */
const CONTROL_PLANE_PORT = 9090;
const REPLICATION_PORT = 9091;
const AGENT_PORT = 8443;
const API_SERVER_PORTS = [443, 6443];
const OPERATOR_PODS = { "strimzi.io/kind": "cluster-operator" };

/** fsGroup 0 is what Strimzi itself sets so the non-root Kafka user can write its volumes. */
const RESTRICTED_POD = { runAsNonRoot: true, fsGroup: 0, seccompProfile: { type: "RuntimeDefault" } };

/** Replication settings for a cluster of `nodes`: factor 3 with two in sync from 3 nodes on, else 1. */
export function replicationFor(nodes: number) {
  const factor = nodes >= 3 ? 3 : 1;
  const minInSync = nodes >= 3 ? 2 : 1;
  return {
    "default.replication.factor": factor,
    "min.insync.replicas": minInSync,
    "offsets.topic.replication.factor": factor,
    "transaction.state.log.replication.factor": factor,
    "transaction.state.log.min.isr": minInSync,
  };
}

/** The KafkaTopic spec of a topic, with defaults applied; throws on values the cluster cannot hold. */
export function topicSpec(topic: KafkaTopicArgs, nodes: number) {
  const partitions = topic.partitions ?? 3;
  const replicas = topic.replicas ?? Math.min(3, nodes);
  if (!Number.isInteger(partitions) || partitions < 1)
    throw new Error(`topic ${topic.name}: partitions must be ≥ 1`);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > nodes) {
    throw new Error(`topic ${topic.name}: replicas must be between 1 and ${nodes} (the nodes)`);
  }
  if (topic.retentionHours !== undefined && !(topic.retentionHours > 0)) {
    throw new Error(`topic ${topic.name}: retentionHours must be positive`);
  }
  return {
    topicName: topic.name,
    partitions,
    replicas,
    config: {
      "min.insync.replicas": Math.max(1, Math.min(2, replicas - 1)),
      ...(topic.retentionHours !== undefined ? { "retention.ms": topic.retentionHours * 3_600_000 } : {}),
      ...topic.config,
    },
  };
}

/** A Kubernetes object name for a Kafka topic name (lower case; `_` and other characters become `-`). */
export function topicObjectName(topicName: string): string {
  return topicName
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, "-")
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
}

/**
 * Apache Kafka in KRaft mode through the Strimzi operator (pinned chart, watching only `namespace`):
 * one node pool of combined controller+broker nodes on persistent volumes, one TLS listener inside the
 * cluster, the Topic and User Operators, topics as KafkaTopics, and the network allows it needs.
 */
export class KafkaCluster extends pulumi.ComponentResource {
  public readonly clusterName: string;
  /** `<cluster>-kafka-bootstrap.<namespace>.svc:9093`, TLS. */
  public readonly bootstrapServers: string;
  /** Secret with the cluster CA certificate (`ca.crt`) that clients trust. */
  public readonly clusterCaSecretName: string;
  public readonly topicNames: readonly string[];

  constructor(name: string, args: KafkaClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:data:KafkaCluster", name, {}, opts);
    const namespace = args.namespace;
    const nodes = args.nodes ?? 1;
    if (!Number.isInteger(nodes) || nodes < 1 || nodes === 2) {
      throw new Error(`${name}: use 1 node, or 3 or more for a fault-tolerant KRaft quorum`);
    }
    const topics = (args.topics ?? []).map((topic) => ({
      objectName: topicObjectName(topic.name),
      spec: topicSpec(topic, nodes),
    }));
    const objectNames = topics.map((topic) => topic.objectName);
    const clash = objectNames.find((objectName, i) => !objectName || objectNames.indexOf(objectName) !== i);
    if (clash !== undefined)
      throw new Error(`${name}: topic names must map to distinct, non-empty object names`);
    const replicated = nodes > 1;
    this.clusterName = name;
    this.bootstrapServers = `${name}-kafka-bootstrap.${namespace}.svc:${TLS_PORT}`;
    this.clusterCaSecretName = `${name}-cluster-ca-cert`;
    this.topicNames = topics.map((topic) => topic.spec.topicName);

    const pinned = PINNED_CHARTS.strimzi;
    const operator = new kubernetes.helm.v4.Chart(
      `${name}-operator`,
      {
        chart: pinned.chart,
        version: pinned.version,
        namespace,
        values: {
          watchAnyNamespace: false,
          watchNamespaces: [],
          resources: { requests: { cpu: "200m", memory: "384Mi" }, limits: { memory: "384Mi" } },
          securityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true },
          // Operands the templates below do not reach also get the restricted security context.
          extraEnvs: [{ name: "STRIMZI_POD_SECURITY_PROVIDER_CLASS", value: "restricted" }],
          // This component declares every allow itself (see below), so Strimzi's own policies stay off.
          generateNetworkPolicy: false,
        },
      },
      { parent: this },
    );

    const kafkaPods = {
      "strimzi.io/cluster": name,
      "strimzi.io/kind": "Kafka",
      "strimzi.io/name": `${name}-kafka`,
    };
    const poolName = `${name}-nodes`;
    const podTemplate = {
      securityContext: RESTRICTED_POD,
      ...(replicated
        ? {
            topologySpreadConstraints: zoneSpread({
              "strimzi.io/cluster": name,
              "strimzi.io/pool-name": poolName,
            }),
          }
        : {}),
    };
    const containerTemplates = {
      kafkaContainer: { securityContext: RESTRICTED_CONTAINER },
      initContainer: { securityContext: RESTRICTED_CONTAINER },
    };
    const inCluster = { parent: this, dependsOn: [operator] };
    const pool = new kubernetes.apiextensions.CustomResource(
      `${name}-pool`,
      {
        apiVersion: "kafka.strimzi.io/v1",
        kind: "KafkaNodePool",
        metadata: { name: poolName, namespace, labels: { "strimzi.io/cluster": name } },
        spec: {
          replicas: nodes,
          roles: ["controller", "broker"],
          storage: {
            type: "jbod",
            volumes: [
              {
                id: 0,
                type: "persistent-claim",
                size: `${args.storageGi ?? 20}Gi`,
                deleteClaim: false,
                kraftMetadata: "shared",
              },
            ],
          },
          resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "2Gi" } },
          template: { pod: podTemplate, ...containerTemplates },
        },
      },
      inCluster,
    );
    const operatorResources = { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } };
    const kafka = new kubernetes.apiextensions.CustomResource(
      `${name}-kafka`,
      {
        apiVersion: "kafka.strimzi.io/v1",
        kind: "Kafka",
        metadata: { name, namespace },
        spec: {
          kafka: {
            version: args.kafkaVersion ?? DEFAULT_KAFKA_VERSION,
            listeners: [{ name: "tls", port: TLS_PORT, type: "internal", tls: true }],
            config: {
              ...replicationFor(nodes),
              "auto.create.topics.enable": false,
              ...(replicated
                ? { "replica.selector.class": "org.apache.kafka.common.replica.RackAwareReplicaSelector" }
                : {}),
            },
            ...(replicated ? { rack: { topologyKey: "topology.kubernetes.io/zone" } } : {}),
            ...(args.metricsNamespace
              ? {
                  metricsConfig: {
                    type: "strimziMetricsReporter",
                    values: { allowList: METRICS_ALLOW_LIST },
                  },
                }
              : {}),
            template: {
              pod: { securityContext: RESTRICTED_POD },
              ...containerTemplates,
              ...(replicated ? { podDisruptionBudget: { maxUnavailable: 1 } } : {}),
            },
          },
          entityOperator: {
            topicOperator: { resources: operatorResources },
            userOperator: { resources: operatorResources },
            template: {
              pod: { securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } },
              topicOperatorContainer: { securityContext: RESTRICTED_CONTAINER },
              userOperatorContainer: { securityContext: RESTRICTED_CONTAINER },
            },
          },
        },
      },
      { parent: this, dependsOn: [operator, pool] },
    );
    for (const topic of topics) {
      new kubernetes.apiextensions.CustomResource(
        `${name}-topic-${topic.objectName}`,
        {
          apiVersion: "kafka.strimzi.io/v1",
          kind: "KafkaTopic",
          metadata: { name: topic.objectName, namespace, labels: { "strimzi.io/cluster": name } },
          spec: topic.spec,
        },
        { parent: this, dependsOn: [kafka] },
      );
    }

    const entityOperatorPods = { "strimzi.io/name": `${name}-entity-operator` };
    const policy = { parent: this };
    const allow = (
      kind: "ingress" | "egress",
      suffix: string,
      podLabels: Record<string, string>,
      peers: Parameters<typeof allowIngress>[1]["peers"],
      ports: readonly number[],
    ) =>
      (kind === "ingress" ? allowIngress : allowEgress)(
        `${name}-${suffix}`,
        { namespace, podLabels, peers, ports },
        policy,
      );
    const clients = [namespace, ...(args.clientNamespaces ?? [])].map((ns) => ({ namespace: ns }));
    allow("ingress", "clients", kafkaPods, clients, [TLS_PORT]);
    const internal = [CONTROL_PLANE_PORT, REPLICATION_PORT];
    allow(
      "ingress",
      "operator-to-brokers",
      kafkaPods,
      [{ namespace, podLabels: OPERATOR_PODS }],
      [...internal, AGENT_PORT],
    );
    allow(
      "egress",
      "operator-egress",
      OPERATOR_PODS,
      [{ namespace, podLabels: kafkaPods }],
      [...internal, AGENT_PORT],
    );
    allow(
      "ingress",
      "entity-operator-to-brokers",
      kafkaPods,
      [{ namespace, podLabels: entityOperatorPods }],
      [REPLICATION_PORT],
    );
    allow(
      "egress",
      "entity-operator-egress",
      entityOperatorPods,
      [{ namespace, podLabels: kafkaPods }],
      [REPLICATION_PORT],
    );
    allow("ingress", "brokers-in", kafkaPods, [{ namespace, podLabels: kafkaPods }], internal);
    allow("egress", "brokers-out", kafkaPods, [{ namespace, podLabels: kafkaPods }], internal);
    allow("egress", "operator-api", OPERATOR_PODS, "anywhere", API_SERVER_PORTS);
    allow("egress", "entity-operator-api", entityOperatorPods, "anywhere", API_SERVER_PORTS);
    // Rack awareness: the brokers' init container reads its node's zone label from the API server.
    if (replicated) allow("egress", "brokers-api", kafkaPods, "anywhere", API_SERVER_PORTS);
    if (args.metricsNamespace) {
      allow("ingress", "metrics", kafkaPods, [{ namespace: args.metricsNamespace }], [METRICS_PORT]);
      prometheusMonitor("PodMonitor", name, namespace, kafkaPods, [{ portNumber: METRICS_PORT }], {
        parent: this,
        dependsOn: [kafka],
      });
    }

    this.registerOutputs({
      clusterName: this.clusterName,
      bootstrapServers: this.bootstrapServers,
      clusterCaSecretName: this.clusterCaSecretName,
      topicNames: this.topicNames,
    });
  }
}
