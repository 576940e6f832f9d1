import { describe, expect, it } from "vitest";
import { KafkaBridge, type KafkaBridgeArgs } from "../../components/data/kafka-bridge";
import { schemaProblems, securityViolations } from "../harness/component-checks";
import { byName, ofType, single } from "../harness/queries";
import { ProgramFailed, renderComponents, type StackRun } from "../harness/run-stack";

const BRIDGE = "kubernetes:kafka.strimzi.io/v1:KafkaBridge";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const MCP_PODS = { "app.kubernetes.io/name": "mcp-server" };
const ARGS: KafkaBridgeArgs = {
  namespace: "data",
  kafka: {
    clusterName: "kafka",
    bootstrapServers: "kafka-kafka-bootstrap.data.svc:9093",
    clusterCaSecretName: "kafka-cluster-ca-cert",
  },
  clients: [{ namespace: "ai", podLabels: MCP_PODS }],
};

async function render(args: KafkaBridgeArgs) {
  let bridge: KafkaBridge | undefined;
  const run = await renderComponents(() => {
    bridge = new KafkaBridge("kafka", args);
  });
  return { run, bridge: bridge as KafkaBridge };
}

const policy = (run: StackRun, name: string) => byName(run, NETWORK_POLICY, name).inputs.spec;

describe("KafkaBridge", () => {
  it("produces over HTTP on 8080 to the TLS listener, trusting the cluster CA, as Strimzi 1.x's v1 API takes it", async () => {
    const { run, bridge } = await render(ARGS);
    const resource = single(run, BRIDGE).inputs;
    expect(resource.apiVersion).toBe("kafka.strimzi.io/v1");
    expect(resource.metadata).toEqual({ name: "kafka", namespace: "data" });
    // Fields of the v1 KafkaBridge schema (install/cluster-operator/046-Crd-kafkabridge.yaml):
    // `replicas` is required in v1, `http.port` must be 1023 or above.
    expect(resource.spec).toMatchObject({
      replicas: 1,
      bootstrapServers: "kafka-kafka-bootstrap.data.svc:9093",
      tls: { trustedCertificates: [{ secretName: "kafka-cluster-ca-cert", certificate: "ca.crt" }] },
      http: { port: 8080 },
      consumer: { enabled: false },
      producer: { enabled: true, config: { acks: "all" } },
      resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
    });
    expect(resource.spec.http.port).toBeGreaterThanOrEqual(1023);
    expect(resource.spec.template.bridgeContainer.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(resource.spec.template.pod.topologySpreadConstraints).toBeUndefined();
    expect(bridge.url).toBe("http://kafka-bridge-service.data.svc.cluster.local:8080");
    expect(bridge.podLabels).toMatchObject({ "strimzi.io/kind": "KafkaBridge" });
  });

  it("spreads replicas over zones and serves consumers only when asked", async () => {
    const { run } = await render({ ...ARGS, replicas: 2, consumer: true });
    const spec = single(run, BRIDGE).inputs.spec;
    expect(spec.replicas).toBe(2);
    expect(spec.consumer).toEqual({ enabled: true });
    expect(spec.template.pod.topologySpreadConstraints[0]).toMatchObject({
      topologyKey: "topology.kubernetes.io/zone",
      labelSelector: { matchLabels: { "strimzi.io/kind": "KafkaBridge", "strimzi.io/name": "kafka-bridge" } },
    });
  });

  it("admits only the named clients on 8080 and lets the bridge reach only the brokers' TLS port", async () => {
    const { run } = await render(ARGS);
    const bridgePods = { matchLabels: expect.objectContaining({ "strimzi.io/kind": "KafkaBridge" }) };
    expect(policy(run, "kafka-bridge-clients")).toEqual({
      podSelector: bridgePods,
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ai" } },
              podSelector: { matchLabels: MCP_PODS },
            },
          ],
          ports: [{ protocol: "TCP", port: 8080 }],
        },
      ],
    });
    expect(policy(run, "kafka-bridge-to-kafka")).toEqual({
      podSelector: bridgePods,
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "data" } },
              podSelector: { matchLabels: { "strimzi.io/cluster": "kafka", "strimzi.io/kind": "Kafka" } },
            },
          ],
          ports: [{ protocol: "TCP", port: 9093 }],
        },
      ],
    });
    expect(await schemaProblems(ofType(run, NETWORK_POLICY))).toEqual([]);
  });

  it("rejects every bad argument at once, before declaring anything", async () => {
    const failure = (await render({
      ...ARGS,
      replicas: 0,
      clients: [],
      kafka: { ...ARGS.kafka, bootstrapServers: "kafka:tls" },
    }).catch((error: unknown) => error)) as ProgramFailed;
    expect(failure).toBeInstanceOf(ProgramFailed);
    expect(failure.declared).toEqual([]);
    const message = String(failure.cause);
    expect(message).toContain("invalid arguments (3)");
    for (const part of ["replicas", "clients must name at least one peer", 'bootstrapServers "kafka:tls"'])
      expect(message).toContain(part);
  });

  it("passes the security pack's mandatory rules with the prod config", async () => {
    const { run } = await render(ARGS);
    expect(securityViolations(run).filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
  });
});
