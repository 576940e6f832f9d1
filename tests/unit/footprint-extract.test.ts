import { describe, expect, it } from "vitest";
import { envoyProxySpec } from "../../components/ingress/envoy-proxy";
import type { DeclaredResource } from "../../policies/offline/render-stack";
import { extractWorkloads } from "../../tools/docs/footprint/extract";
import { footprintRows, sumRows } from "../../tools/docs/footprint/rows";

const GIB = 2 ** 30;
const MIB = 2 ** 20;

function declared(type: string, name: string, inputs: Record<string, any>, parent = ""): DeclaredResource {
  return {
    type,
    name,
    urn: `urn:pulumi:test::ai-platform::${type}::${name}`,
    parent,
    custom: true,
    protect: false,
    provider: "",
    inputs,
    secretInputs: [],
  };
}

const pod = (cpu: string, memory: string, limits: Record<string, string> = { memory }) => ({
  containers: [{ name: "main", resources: { requests: { cpu, memory }, limits } }],
});

const deployment = (name: string, spec: Record<string, any>) =>
  declared("kubernetes:apps/v1:Deployment", name, { metadata: { name, namespace: "ai" }, spec });

describe("workloads the stack declares", () => {
  it("counts a Deployment at its autoscaler's bounds and a StatefulSet with its claims per pod", () => {
    const rows = footprintRows(
      extractWorkloads([
        deployment("api", { template: { spec: pod("250m", "256Mi") } }),
        declared("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "api-hpa", {
          metadata: { name: "api", namespace: "ai" },
          spec: { minReplicas: 2, maxReplicas: 6, scaleTargetRef: { kind: "Deployment", name: "api" } },
        }),
        declared("kubernetes:apps/v1:StatefulSet", "db", {
          metadata: { name: "db", namespace: "data" },
          spec: {
            replicas: 3,
            template: { spec: pod("500m", "2Gi") },
            volumeClaimTemplates: [
              { metadata: { name: "data" }, spec: { resources: { requests: { storage: "100Gi" } } } },
            ],
          },
        }),
      ]),
    );
    expect(rows.map((row) => [row.label, row.min.pods, row.max.pods])).toEqual([
      ["api", 2, 6],
      ["db", 3, 3],
    ]);
    const total = sumRows(rows, "cluster");
    expect(total.min.cpuRequest).toBe(2 * 250 + 3 * 500);
    expect(total.max.memoryRequest).toBe(6 * 256 * MIB + 3 * 2 * GIB);
    expect(total.max.storage).toBe(300 * GIB);
  });

  it("keeps DaemonSets per node and Jobs apart from the cluster total", () => {
    const rows = footprintRows(
      extractWorkloads([
        declared("kubernetes:apps/v1:DaemonSet", "agent", {
          metadata: { name: "agent", namespace: "ops" },
          spec: { template: { spec: pod("100m", "128Mi") } },
        }),
        declared("kubernetes:batch/v1:Job", "setup", {
          metadata: { name: "setup-0a1b2c3d4e", namespace: "ops" },
          spec: { template: { spec: pod("50m", "64Mi") } },
        }),
      ]),
    );
    expect(rows.map((row) => [row.label, row.placement])).toEqual([
      ["agent", "per-node"],
      ["setup", "one-off"],
    ]);
    expect(sumRows(rows, "cluster").min.pods).toBe(0);
    expect(sumRows(rows, "per-node").min.cpuRequest).toBe(100);
  });

  it("names a workload after the component that declares it", () => {
    const model = declared("ai-platform:inference:VllmModel", "qwen", {});
    const workloads = extractWorkloads([
      model,
      declared(
        "kubernetes:apps/v1:StatefulSet",
        "qwen",
        {
          metadata: { name: "qwen", namespace: "ai" },
          spec: {
            replicas: 1,
            template: { spec: pod("4", "32Gi", { memory: "32Gi", "nvidia.com/gpu": "1" }) },
          },
        },
        model.urn,
      ),
    ]);
    expect(workloads.map((workload) => [workload.label, workload.pod.gpus])).toEqual([["vLLM qwen", 1]]);
  });

  it("ignores cloud resources and Kubernetes types that run no pods", () => {
    expect(
      extractWorkloads([
        declared("aws:s3/bucket:Bucket", "models", {}),
        declared("kubernetes:core/v1:ConfigMap", "config", { metadata: { name: "config" } }),
      ]),
    ).toEqual([]);
  });

  it("fails on every Kubernetes type it does not know, naming each, instead of skipping them", () => {
    const extract = () =>
      extractWorkloads([
        declared("kubernetes:batch/v1:CronJob", "nightly", { metadata: { name: "nightly" } }),
        declared("kubernetes:core/v1:Pod", "debug", { metadata: { name: "debug" } }),
      ]);
    expect(extract).toThrow("2 problem(s)");
    expect(extract).toThrow(
      "kubernetes:batch/v1:CronJob (nightly): a Kubernetes type the footprint does not know",
    );
    expect(extract).toThrow("kubernetes:core/v1:Pod (debug)");
  });

  it("fails when a scaler targets a workload the stack does not declare", () => {
    expect(() =>
      extractWorkloads([
        declared("kubernetes:keda.sh/v1alpha1:ScaledObject", "ghost-scaler", {
          metadata: { name: "ghost", namespace: "ai" },
          spec: { scaleTargetRef: { kind: "StatefulSet", name: "ghost" }, maxReplicaCount: 2 },
        }),
      ]),
    ).toThrow("scales ai/StatefulSet/ghost, which the stack does not declare");
  });

  it("fails on autoscaler bounds that cannot be counted", () => {
    expect(() =>
      extractWorkloads([
        deployment("api", { template: { spec: pod("250m", "256Mi") } }),
        declared("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "api-hpa", {
          metadata: { name: "api", namespace: "ai" },
          spec: { minReplicas: 4, maxReplicas: 2, scaleTargetRef: { kind: "Deployment", name: "api" } },
        }),
      ]),
    ).toThrow("kubernetes:autoscaling/v2:HorizontalPodAutoscaler (api-hpa): replica bounds 4–2");
  });
});

describe("pods operators create from custom resources", () => {
  const resources = { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "2Gi" } };

  it("counts CloudNativePG instances with their data and WAL volumes", () => {
    const [postgres] = extractWorkloads([
      declared("kubernetes:postgresql.cnpg.io/v1:Cluster", "pg", {
        metadata: { name: "pg", namespace: "data" },
        spec: { instances: 3, resources, storage: { size: "100Gi" }, walStorage: { size: "20Gi" } },
      }),
    ]);
    expect(postgres).toMatchObject({ label: "PostgreSQL (CloudNativePG)", replicas: { min: 3, max: 3 } });
    expect(postgres?.storagePerPod).toBe(120 * GIB);
    expect(postgres?.pod.memoryLimit).toEqual({ amount: 2 * GIB, unbounded: false });
  });

  it("counts Redis replication and Sentinel pods by clusterSize, with the exporter sidecar when on", () => {
    const workloads = extractWorkloads([
      declared("kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisReplication", "redis", {
        metadata: { name: "redis", namespace: "data" },
        spec: {
          clusterSize: 3,
          kubernetesConfig: { resources },
          redisExporter: { enabled: true, resources: { requests: { cpu: "50m", memory: "64Mi" } } },
          storage: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "16Gi" } } } } },
        },
      }),
      declared("kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisSentinel", "sentinel", {
        metadata: { name: "sentinel", namespace: "data" },
        spec: { clusterSize: 3, kubernetesConfig: { resources } },
      }),
    ]);
    expect(workloads.map((w) => [w.label, w.replicas.max, w.pod.cpuRequest, w.storagePerPod])).toEqual([
      ["Redis", 3, 300, 16 * GIB],
      ["Redis Sentinel", 3, 250, 0],
    ]);
  });

  it("counts Kafka node pools with their JBOD volumes, and the entity operator", () => {
    const workloads = extractWorkloads([
      declared("kubernetes:kafka.strimzi.io/v1:KafkaNodePool", "pool", {
        metadata: { name: "pool", namespace: "data" },
        spec: {
          replicas: 3,
          roles: ["controller", "broker"],
          resources,
          storage: {
            type: "jbod",
            volumes: [
              { id: 0, type: "persistent-claim", size: "200Gi" },
              { id: 1, type: "persistent-claim", size: "50Gi" },
            ],
          },
        },
      }),
      declared("kubernetes:kafka.strimzi.io/v1:Kafka", "kafka", {
        metadata: { name: "kafka", namespace: "data" },
        spec: { entityOperator: { topicOperator: { resources }, userOperator: { resources } } },
      }),
    ]);
    expect(workloads.map((w) => [w.label, w.replicas.max, w.pod.cpuRequest, w.storagePerPod])).toEqual([
      ["Kafka (brokers + KRaft controllers)", 3, 250, 250 * GIB],
      ["Kafka entity operator", 1, 500, 0],
    ]);
  });

  it("counts one Envoy proxy per Gateway with Envoy Gateway's defaults, and says so", () => {
    const [proxy] = extractWorkloads([
      declared("kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "class", {
        metadata: { name: "envoy" },
        spec: { controllerName: "gateway.envoyproxy.io/gatewayclass-controller" },
      }),
      declared("kubernetes:gateway.networking.k8s.io/v1:Gateway", "gw", {
        metadata: { name: "platform", namespace: "ingress" },
        spec: { gatewayClassName: "envoy" },
      }),
    ]);
    expect(proxy).toMatchObject({ label: "Envoy proxy (Gateway platform)", pod: { cpuRequest: 110 } });
    expect(proxy?.defaults.join(" ")).toContain("EnvoyProxy default");
  });

  /** An Envoy Gateway class whose parameters name the EnvoyProxy `parameters`, and a Gateway of it. */
  const envoyGatewayWithParameters = (parameters: string) => [
    declared("kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "class", {
      metadata: { name: "envoy" },
      spec: {
        controllerName: "gateway.envoyproxy.io/gatewayclass-controller",
        parametersRef: {
          group: "gateway.envoyproxy.io",
          kind: "EnvoyProxy",
          name: parameters,
          namespace: "ingress",
        },
      },
    }),
    declared("kubernetes:gateway.networking.k8s.io/v1:Gateway", "gw", {
      metadata: { name: "platform", namespace: "ingress" },
      spec: { gatewayClassName: "envoy" },
    }),
  ];

  it("sizes the proxies by the EnvoyProxy the class refers to, shutdown manager included", () => {
    const spec = envoyProxySpec(2);
    const [proxy] = extractWorkloads([
      declared("kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy", "params", {
        metadata: { name: "sized", namespace: "ingress" },
        spec,
      }),
      ...envoyGatewayWithParameters("sized"),
    ]);
    expect(proxy).toMatchObject({ replicas: { min: 2, max: 2 }, pod: { cpuRequest: 110 } });
    expect(proxy?.pod.memoryLimit).toEqual({ amount: (1024 + 64) * MIB, unbounded: false });
    expect(proxy?.defaults).toEqual([]);
  });

  it("fails on a class whose parameters are not a declared EnvoyProxy", () => {
    expect(() => extractWorkloads([...envoyGatewayWithParameters("gone")])).toThrow(
      "are not an EnvoyProxy the stack declares",
    );
  });

  it("fails on a Gateway whose class is not Envoy Gateway's", () => {
    expect(() =>
      extractWorkloads([
        declared("kubernetes:gateway.networking.k8s.io/v1:Gateway", "gw", {
          metadata: { name: "platform", namespace: "ingress" },
          spec: { gatewayClassName: "istio" },
        }),
      ]),
    ).toThrow('its GatewayClass "istio" is not an Envoy Gateway class the stack declares');
  });
});
