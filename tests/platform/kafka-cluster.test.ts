import { describe, expect, it } from "vitest";
import { chartName, PINNED_CHARTS } from "../../components/charts/pinned-charts";
import {
  DEFAULT_KAFKA_VERSION,
  KafkaCluster,
  type KafkaClusterArgs,
} from "../../components/data/kafka-cluster";
import { referenceChartValues, referenceChartVersion, unknownValuesKeys } from "../harness/chart-reference";
import { schemaProblems, securityViolations } from "../harness/component-checks";
import { byName, ofType, single } from "../harness/queries";
import { renderComponents, type StackRun } from "../harness/run-stack";

const KAFKA = "kubernetes:kafka.strimzi.io/v1:Kafka";
const NODE_POOL = "kubernetes:kafka.strimzi.io/v1:KafkaNodePool";
const TOPIC = "kubernetes:kafka.strimzi.io/v1:KafkaTopic";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const CHART = "kubernetes:helm.sh/v4:Chart";
const RESTRICTED = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

const DEV: KafkaClusterArgs = { namespace: "data", nodes: 1 };
const PROD: KafkaClusterArgs = {
  namespace: "data",
  nodes: 3,
  storageGi: 100,
  topics: [
    { name: "llm.requests" },
    { name: "audit_events", partitions: 6, replicas: 2, retentionHours: 720 },
  ],
  clientNamespaces: ["ai", "agents"],
  metricsNamespace: "observability",
};

let component: KafkaCluster | undefined;
const render = (args: KafkaClusterArgs) =>
  renderComponents(() => {
    component = new KafkaCluster("events", args);
  });

const policyNamed = (run: StackRun, name: string) =>
  ofType(run, NETWORK_POLICY).find((policy) => policy.inputs.metadata.name === name)?.inputs.spec;

describe("KafkaCluster", () => {
  it("runs one combined node without replication, rack awareness or PDB in dev", async () => {
    const run = await render(DEV);
    const pool = single(run, NODE_POOL).inputs.spec;
    expect(pool).toMatchObject({
      replicas: 1,
      roles: ["controller", "broker"],
      storage: {
        type: "jbod",
        volumes: [
          { id: 0, type: "persistent-claim", size: "20Gi", kraftMetadata: "shared", deleteClaim: false },
        ],
      },
    });
    expect(pool.template.pod.topologySpreadConstraints).toBeUndefined();
    const kafka = single(run, KAFKA).inputs.spec.kafka;
    // Strimzi 1.2.0 added Kafka 4.3.1 and uses its newest supported version by default.
    expect(kafka.version).toBe("4.3.1");
    expect(DEFAULT_KAFKA_VERSION).toBe("4.3.1");
    expect(kafka.config).toMatchObject({
      "default.replication.factor": 1,
      "min.insync.replicas": 1,
      "offsets.topic.replication.factor": 1,
      "transaction.state.log.min.isr": 1,
    });
    expect(kafka.rack).toBeUndefined();
    expect(kafka.template.podDisruptionBudget).toBeUndefined();
    expect(ofType(run, TOPIC)).toEqual([]);
  });

  it("runs three nodes spread over zones, rack-aware, replication factor 3 and a PDB in prod", async () => {
    const run = await render(PROD);
    const pool = single(run, NODE_POOL);
    expect(pool.inputs.metadata.labels).toEqual({ "strimzi.io/cluster": "events" });
    expect(pool.inputs.spec.replicas).toBe(3);
    expect(pool.inputs.spec.storage.volumes[0].size).toBe("100Gi");
    const spread = pool.inputs.spec.template.pod.topologySpreadConstraints;
    expect(spread.map((c: { topologyKey: string }) => c.topologyKey)).toEqual([
      "topology.kubernetes.io/zone",
      "kubernetes.io/hostname",
    ]);
    expect(spread[0].labelSelector.matchLabels).toEqual({
      "strimzi.io/cluster": "events",
      "strimzi.io/pool-name": pool.inputs.metadata.name,
    });
    const kafka = single(run, KAFKA).inputs.spec.kafka;
    expect(kafka.rack).toEqual({ topologyKey: "topology.kubernetes.io/zone" });
    expect(kafka.template.podDisruptionBudget).toEqual({ maxUnavailable: 1 });
    expect(kafka.config).toMatchObject({
      "default.replication.factor": 3,
      "min.insync.replicas": 2,
      "offsets.topic.replication.factor": 3,
      "transaction.state.log.replication.factor": 3,
      "transaction.state.log.min.isr": 2,
    });
  });

  it("serves one internal TLS listener on 9093 and publishes how to reach it", async () => {
    const run = await render(PROD);
    const spec = single(run, KAFKA).inputs.spec;
    expect(spec.kafka.listeners).toEqual([{ name: "tls", port: 9093, type: "internal", tls: true }]);
    expect(Object.keys(spec)).not.toContain("zookeeper");
    expect(spec.entityOperator.topicOperator).toBeDefined();
    expect(spec.entityOperator.userOperator).toBeDefined();
    expect(component).toMatchObject({
      clusterName: "events",
      bootstrapServers: "events-kafka-bootstrap.data.svc:9093",
      clusterCaSecretName: "events-cluster-ca-cert",
      topicNames: ["llm.requests", "audit_events"],
    });
  });

  it("declares each topic as a KafkaTopic of the cluster with defaults filled in", async () => {
    const topics = ofType(await render(PROD), TOPIC).map((topic) => topic.inputs);
    expect(topics.map((topic) => topic.metadata)).toEqual([
      { name: "llm.requests", namespace: "data", labels: { "strimzi.io/cluster": "events" } },
      { name: "audit-events", namespace: "data", labels: { "strimzi.io/cluster": "events" } },
    ]);
    expect(topics.map((topic) => topic.spec)).toEqual([
      { topicName: "llm.requests", partitions: 3, replicas: 3, config: { "min.insync.replicas": 2 } },
      {
        topicName: "audit_events",
        partitions: 6,
        replicas: 2,
        config: { "min.insync.replicas": 1, "retention.ms": 720 * 3_600_000 },
      },
    ]);
  });

  it("installs the pinned operator chart, watching only its namespace, with restricted pods", async () => {
    const run = await render(PROD);
    const chart = single(run, CHART).inputs;
    expect(chart.chart).toBe(PINNED_CHARTS.strimzi.chart);
    expect(chart.version).toBe(referenceChartVersion(chartName(PINNED_CHARTS.strimzi.chart)));
    expect(chart.namespace).toBe("data");
    expect(chart.chart).not.toMatch(/bitnami/i);
    expect(chart.values).toMatchObject({ watchAnyNamespace: false, watchNamespaces: [] });
    expect(chart.values.securityContext).toMatchObject(RESTRICTED);
    expect(chart.values.resources).toMatchObject({
      requests: { cpu: expect.any(String), memory: expect.any(String) },
      limits: { memory: expect.any(String) },
    });
  });

  it("gives every operand container resources and a restricted security context", async () => {
    const spec = (await render(PROD)).resources;
    const pool = spec.find((r) => r.type === NODE_POOL)?.inputs.spec;
    const kafka = spec.find((r) => r.type === KAFKA)?.inputs.spec;
    const resources = [
      pool.resources,
      kafka.entityOperator.topicOperator.resources,
      kafka.entityOperator.userOperator.resources,
    ];
    for (const r of resources) {
      expect(r).toMatchObject({
        requests: { cpu: expect.any(String), memory: expect.any(String) },
        limits: { memory: expect.any(String) },
      });
    }
    for (const template of [pool.template, kafka.kafka.template]) {
      expect(template.pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(template.kafkaContainer.securityContext).toEqual(RESTRICTED);
      expect(template.initContainer.securityContext).toEqual(RESTRICTED);
    }
    const eo = kafka.entityOperator.template;
    expect(eo.pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(eo.topicOperatorContainer.securityContext).toEqual(RESTRICTED);
    expect(eo.userOperatorContainer.securityContext).toEqual(RESTRICTED);
    // No image is set anywhere: the operator pins them by its version and `kafkaVersion`.
    expect(JSON.stringify(spec.map((r) => r.inputs))).not.toMatch(/:latest"/);
  });

  it("lets only the named namespaces reach 9093 and opens only the internal paths Strimzi needs", async () => {
    const run = await render(PROD);
    const clients = policyNamed(run, "events-clients");
    expect(clients.policyTypes).toEqual(["Ingress"]);
    expect(clients.podSelector.matchLabels).toMatchObject({ "strimzi.io/name": "events-kafka" });
    expect(
      clients.ingress[0].from.map(
        (peer: { namespaceSelector: { matchLabels: Record<string, string> } }) =>
          peer.namespaceSelector.matchLabels["kubernetes.io/metadata.name"],
      ),
    ).toEqual(["data", "ai", "agents"]);
    expect(clients.ingress[0].ports).toEqual([{ protocol: "TCP", port: 9093 }]);

    const ports = (name: string, direction: "ingress" | "egress") =>
      policyNamed(run, name)[direction][0].ports.map((p: { port: number }) => p.port);
    expect(ports("events-operator-api", "egress")).toEqual([443, 6443]);
    expect(ports("events-entity-operator-api", "egress")).toEqual([443, 6443]);
    expect(ports("events-operator-egress", "egress")).toEqual([9090, 9091, 8443]);
    expect(ports("events-operator-to-brokers", "ingress")).toEqual([9090, 9091, 8443]);
    expect(ports("events-brokers-in", "ingress")).toEqual([9090, 9091]);
    expect(ports("events-brokers-out", "egress")).toEqual([9090, 9091]);
    expect(ports("events-entity-operator-to-brokers", "ingress")).toEqual([9091]);
    expect(ports("events-brokers-api", "egress")).toEqual([443, 6443]);
    // Only the clients policy opens the listener.
    const opening9093 = ofType(run, NETWORK_POLICY).filter((p) =>
      JSON.stringify(p.inputs.spec).includes('"port":9093'),
    );
    expect(opening9093.map((p) => p.inputs.metadata.name)).toEqual(["events-clients"]);
    // Strimzi's own generated policies would open 9093 to everyone; they are off.
    expect(single(run, CHART).inputs.values.generateNetworkPolicy).toBe(false);

    expect(policyNamed(await render(DEV), "events-brokers-api")).toBeUndefined();
  });

  it("serves the brokers' metrics to Prometheus only when asked, through Strimzi's metrics reporter", async () => {
    const run = await render(PROD);
    const kafka = single(run, KAFKA).inputs.spec.kafka;
    expect(kafka.metricsConfig.type).toBe("strimziMetricsReporter");
    expect(kafka.metricsConfig.values.allowList).toContain("kafka_server_.*");
    expect(single(run, "kubernetes:monitoring.coreos.com/v1:PodMonitor").inputs.spec).toEqual({
      selector: {
        matchLabels: {
          "strimzi.io/cluster": "events",
          "strimzi.io/kind": "Kafka",
          "strimzi.io/name": "events-kafka",
        },
      },
      podMetricsEndpoints: [{ portNumber: 9404 }],
    });
    expect(policyNamed(run, "events-metrics").ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "observability" } } }],
        ports: [{ protocol: "TCP", port: 9404 }],
      },
    ]);
    const dev = await render(DEV);
    expect(single(dev, KAFKA).inputs.spec.kafka.metricsConfig).toBeUndefined();
    expect(ofType(dev, "kubernetes:monitoring.coreos.com/v1:PodMonitor")).toEqual([]);
  });

  it("generates no credential: TLS only, no passwords, no secret inputs", async () => {
    const run = await render(PROD);
    expect(ofType(run, "random:index/randomPassword:RandomPassword")).toEqual([]);
    expect(ofType(run, "kubernetes:core/v1:Secret")).toEqual([]);
    for (const resource of run.resources) {
      expect(resource.secretInputs, `${resource.type} ${resource.name}`).toEqual([]);
      expect(JSON.stringify(resource.inputs), resource.name).not.toMatch(/"password"/i);
    }
  });

  it("refuses a two-node quorum, too many topic replicas and clashing topic names", async () => {
    await expect(render({ ...DEV, nodes: 2 })).rejects.toThrow("use 1 node, or 3 or more");
    await expect(render({ ...DEV, topics: [{ name: "t", replicas: 3 }] })).rejects.toThrow(
      "replicas must be between 1 and 1",
    );
    await expect(render({ ...DEV, topics: [{ name: "a_b" }, { name: "a-b" }] })).rejects.toThrow("distinct");
  });

  describe.each([
    ["dev", DEV],
    ["prod", PROD],
  ] as const)("%s shape", (environment, args) => {
    it("validates against the Strimzi CRDs, kubernetes-models and the chart's values", async () => {
      const run = await render(args);
      const objects = run.resources.filter(
        (r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"),
      );
      expect(objects.length).toBeGreaterThan(0);
      expect(await schemaProblems(objects)).toEqual([]);
      const chart = byName(run, CHART, "events-operator");
      expect(unknownValuesKeys(chart.inputs.values, referenceChartValues("strimzi-kafka-operator"))).toEqual(
        [],
      );
    });

    it(`passes the security pack's mandatory rules with the prod config (${environment})`, async () => {
      const run = await render(args);
      const violations = securityViolations(run);
      expect(violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
    });
  });
});
