import { describe, expect, it, vi } from "vitest";
import { PINNED_CHARTS } from "../../components/charts/pinned-charts";
import { RedisStore, type RedisStoreArgs } from "../../components/data/redis-store";
import { referenceChartValues, referenceChartVersion, unknownValuesKeys } from "../harness/chart-reference";
import { expectNotInPlainInputs, schemaProblems, securityViolations } from "../harness/component-checks";
import { byName, descendantsOf, ofType, single } from "../harness/queries";
import { renderComponents } from "../harness/run-stack";

/** What the mocked RandomPassword returns, so the test can look for it everywhere it must not be. */
const { PASSWORD } = vi.hoisted(() => ({ PASSWORD: "MockRedisPassw0rdThatMustStayInItsSecret" }));

vi.mock("../../policies/offline/mocks", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../policies/offline/mocks")>();
  return {
    ...original,
    platformMocks: (onUnexpectedInvoke: (token: string) => void) => {
      const mocks = original.platformMocks(onUnexpectedInvoke);
      return {
        ...mocks,
        newResource: (args: Parameters<typeof mocks.newResource>[0]) => {
          const created = mocks.newResource(args) as { id: string; state: Record<string, unknown> };
          return args.type === "random:index/randomPassword:RandomPassword"
            ? { ...created, state: { ...created.state, result: PASSWORD } }
            : created;
        },
      };
    },
  };
});

const REDIS = "kubernetes:redis.redis.opstreelabs.in/v1beta2:Redis";
const REPLICATION = "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisReplication";
const SENTINEL = "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisSentinel";
const CHART = "kubernetes:helm.sh/v4:Chart";
const SECRET = "kubernetes:core/v1:Secret";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

const SHAPES = {
  dev: { namespace: "data", clientNamespaces: ["ai"] },
  prod: {
    namespace: "data",
    mode: "sentinel",
    storageGi: 20,
    clientNamespaces: ["ai", "identity"],
    metricsNamespace: "monitoring",
  },
} as const satisfies Record<string, RedisStoreArgs>;

/** Renders one RedisStore and keeps the component object, to read its public fields. */
async function render(args: RedisStoreArgs, name = "redis") {
  let store: RedisStore | undefined;
  const run = await renderComponents(() => {
    store = new RedisStore(name, args);
  });
  return { run, store: store as RedisStore };
}

const policyNamed = (run: Awaited<ReturnType<typeof render>>["run"], name: string) =>
  byName(run, NETWORK_POLICY, name).inputs.spec;

/** `namespace/labels` of each peer of a NetworkPolicy's first rule, for compact assertions. */
function peersOf(spec: any): string[] {
  const rule = spec.ingress?.[0]?.from ?? spec.egress?.[0]?.to ?? [];
  return rule.map((peer: any) =>
    peer.ipBlock
      ? peer.ipBlock.cidr
      : [
          peer.namespaceSelector.matchLabels["kubernetes.io/metadata.name"],
          ...Object.entries(peer.podSelector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
        ].join(" "),
  );
}
const portsOf = (spec: any) =>
  (spec.ingress ?? spec.egress)[0].ports.map((port: { port: number }) => port.port);

describe("RedisStore", () => {
  it("runs one Redis in dev", async () => {
    const { run } = await render(SHAPES.dev);
    expect(ofType(run, REPLICATION)).toEqual([]);
    expect(ofType(run, SENTINEL)).toEqual([]);
    const redis = single(run, REDIS).inputs;
    expect(redis.metadata).toEqual({ name: "redis", namespace: "data" });
    expect(redis.spec).toMatchObject({
      kubernetesConfig: {
        image: "quay.io/opstree/redis:v7.2.11",
        redisSecret: { name: "redis-password", key: "password" },
      },
      storage: {
        volumeClaimTemplate: {
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "8Gi" } } },
        },
      },
      redisConfig: { additionalRedisConfig: "redis-config" },
    });
    expect(redis.spec.redisExporter).toBeUndefined();
    expect(byName(run, "kubernetes:core/v1:ConfigMap", "redis-config").inputs.data).toEqual({
      "redis-additional.conf": "maxmemory 768mb\nmaxmemory-policy volatile-lru\n",
    });
  });

  it("runs a replication of 3 and 3 sentinels in prod, each spread over zones with a PDB", async () => {
    const { run } = await render(SHAPES.prod);
    expect(ofType(run, REDIS)).toEqual([]);
    const replication = single(run, REPLICATION).inputs.spec;
    const sentinel = single(run, SENTINEL).inputs.spec;
    expect(replication).toMatchObject({
      clusterSize: 3,
      pdb: { enabled: true, minAvailable: 2 },
      kubernetesConfig: { image: "quay.io/opstree/redis:v7.2.11" },
      storage: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "20Gi" } } } } },
      redisExporter: { enabled: true, image: "quay.io/opstree/redis-exporter:v1.76.0" },
    });
    expect(sentinel).toMatchObject({
      clusterSize: 3,
      pdb: { enabled: true, minAvailable: 2 },
      kubernetesConfig: {
        image: "quay.io/opstree/redis-sentinel:v7.2.11",
        redisSecret: { name: "redis-password", key: "password" },
      },
      redisSentinelConfig: {
        redisReplicationName: "redis",
        masterGroupName: "mymaster",
        quorum: "2",
        redisReplicationPassword: { secretKeyRef: { name: "redis-password", key: "password" } },
      },
    });
    // Each spread selects the pods the operator labels: the replication's and the sentinels'.
    for (const [spec, app, setup] of [
      [replication, "redis", "replication"],
      [sentinel, "redis-sentinel", "sentinel"],
    ]) {
      expect(spec.topologySpreadConstraints.map((c: any) => [c.topologyKey, c.whenUnsatisfiable])).toEqual([
        ["topology.kubernetes.io/zone", "ScheduleAnyway"],
        ["kubernetes.io/hostname", "DoNotSchedule"],
      ]);
      for (const constraint of spec.topologySpreadConstraints)
        expect(constraint.labelSelector.matchLabels).toEqual({ app, redis_setup_type: setup });
    }
  });

  it("tells clients where to connect and which Secret holds the password", async () => {
    const dev = (await render(SHAPES.dev)).store;
    expect({ ...dev }).toMatchObject({
      mode: "standalone",
      host: "redis.data.svc.cluster.local",
      masterHost: "redis.data.svc.cluster.local",
      port: 6379,
      passwordSecretName: "redis-password",
      passwordSecretKey: "password",
    });
    expect(dev.sentinelHost).toBeUndefined();
    expect(dev.sentinelMasterName).toBeUndefined();

    const prod = (await render(SHAPES.prod)).store;
    expect({ ...prod }).toMatchObject({
      mode: "sentinel",
      host: "redis-sentinel.data.svc.cluster.local",
      sentinelHost: "redis-sentinel.data.svc.cluster.local",
      sentinelMasterName: "mymaster",
      masterHost: "redis-master.data.svc.cluster.local",
      port: 26379,
      passwordSecretName: "redis-password",
    });
  });

  it("installs the pinned operator chart, watching only its namespace", async () => {
    const { run } = await render(SHAPES.dev);
    const chart = single(run, CHART).inputs;
    expect(chart).toMatchObject({
      chart: "redis-operator",
      version: PINNED_CHARTS.redisOperator.version,
      repositoryOpts: { repo: "https://ot-container-kit.github.io/helm-charts" },
      namespace: "data",
    });
    expect(chart.version).toBe(referenceChartVersion("redis-operator"));
    expect(chart.values.redisOperator).toEqual({ watchNamespace: "data" });
    expect(chart.values.resources).toEqual({
      requests: { cpu: "100m", memory: "128Mi" },
      limits: { memory: "512Mi" },
    });
    expect(chart.values.podSecurityContext).toEqual({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(chart.values.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(JSON.stringify(chart.values)).not.toMatch(/bitnami/i);
  });

  it("gives every Redis, sentinel and exporter container a restricted context, requests and a memory limit", async () => {
    const { run } = await render(SHAPES.prod);
    const specs = [...ofType(run, REDIS), ...ofType(run, REPLICATION), ...ofType(run, SENTINEL)].map(
      (resource) => resource.inputs.spec,
    );
    expect(specs).toHaveLength(2);
    for (const spec of specs) {
      expect(spec.podSecurityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        fsGroup: 1000,
        seccompProfile: { type: "RuntimeDefault" },
      });
      const containers = [
        { securityContext: spec.securityContext, resources: spec.kubernetesConfig.resources },
        ...(spec.redisExporter ? [spec.redisExporter] : []),
      ];
      for (const container of containers) {
        expect(container.securityContext).toEqual({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        });
        expect(container.resources.requests.cpu).toBeDefined();
        expect(container.resources.requests.memory).toBeDefined();
        expect(container.resources.limits.memory).toBeDefined();
      }
    }
  });

  it("pins every image by tag, lets the caller override it and refuses :latest or no tag", async () => {
    const { run } = await render({
      ...SHAPES.prod,
      image: "registry.internal:5000/opstree/redis:v7.2.11",
      sentinelImage: "registry.internal:5000/opstree/redis-sentinel:v7.2.11",
      exporterImage:
        "quay.io/opstree/redis-exporter@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    });
    expect(single(run, REPLICATION).inputs.spec.kubernetesConfig.image).toBe(
      "registry.internal:5000/opstree/redis:v7.2.11",
    );
    expect(single(run, SENTINEL).inputs.spec.kubernetesConfig.image).toBe(
      "registry.internal:5000/opstree/redis-sentinel:v7.2.11",
    );
    expect(single(run, REPLICATION).inputs.spec.redisExporter.image).toBe(
      "quay.io/opstree/redis-exporter@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    );
    await expect(render({ ...SHAPES.dev, image: "quay.io/opstree/redis:latest" })).rejects.toThrow(
      'image: image "quay.io/opstree/redis:latest" uses the mutable :latest tag',
    );
    await expect(
      render({ ...SHAPES.prod, sentinelImage: "registry.internal:5000/sentinel" }),
    ).rejects.toThrow('sentinelImage: image "registry.internal:5000/sentinel" has no tag');
  });

  it("refuses an unknown mode, a bad volume size and a name too long for its pods", async () => {
    await expect(render({ ...SHAPES.dev, mode: "cluster" as "sentinel" })).rejects.toThrow(
      'mode must be "standalone" or "sentinel"',
    );
    await expect(render({ ...SHAPES.dev, storageGi: 0 })).rejects.toThrow("storageGi must be a positive");
    await expect(render({ ...SHAPES.dev, storageGi: 1.5 })).rejects.toThrow("storageGi must be a positive");
    await expect(render(SHAPES.dev, "r".repeat(41))).rejects.toThrow("DNS label of at most 40");
  });

  it("authenticates with a generated password that only its Secret holds", async () => {
    for (const args of [SHAPES.dev, SHAPES.prod]) {
      const { run, store } = await render(args);
      const [password] = ofType(run, "random:index/randomPassword:RandomPassword");
      expect(password?.inputs).toMatchObject({ length: 32, special: false });
      const secret = single(run, SECRET);
      expect(secret.inputs.metadata).toEqual({ name: "redis-password", namespace: "data" });
      expect(secret.inputs.stringData).toEqual({ password: PASSWORD });
      expect(secret.secretInputs).toContain("stringData");
      expectNotInPlainInputs(run, PASSWORD);
      expect(JSON.stringify({ ...store })).not.toContain(PASSWORD);
    }
  });

  it("declares everything as children of the component", async () => {
    const { run } = await render(SHAPES.prod);
    const component = single(run, "ai-platform:data:RedisStore");
    expect(descendantsOf(run, component)).toHaveLength(run.resources.length - 1);
  });

  describe("network", () => {
    it("lets the client namespaces reach Redis and, in sentinel mode, the sentinels", async () => {
      const dev = (await render(SHAPES.dev)).run;
      expect(peersOf(policyNamed(dev, "redis-clients"))).toEqual(["ai"]);
      expect(portsOf(policyNamed(dev, "redis-clients"))).toEqual([6379]);
      expect(policyNamed(dev, "redis-clients").podSelector.matchLabels).toEqual({
        app: "redis",
        redis_setup_type: "standalone",
      });
      expect(ofType(dev, NETWORK_POLICY).map((p) => p.name)).not.toContain("redis-sentinel-clients");

      const prod = (await render(SHAPES.prod)).run;
      expect(peersOf(policyNamed(prod, "redis-clients"))).toEqual(["ai", "identity"]);
      expect(peersOf(policyNamed(prod, "redis-sentinel-clients"))).toEqual(["ai", "identity"]);
      expect(portsOf(policyNamed(prod, "redis-sentinel-clients"))).toEqual([26379]);
    });

    it("declares no client allow without clients, since an empty peer list would admit everyone", async () => {
      const { run } = await render({ namespace: "data", mode: "sentinel" });
      const names = ofType(run, NETWORK_POLICY).map((p) => p.name);
      expect(names).not.toContain("redis-clients");
      expect(names).not.toContain("redis-sentinel-clients");
      for (const policy of ofType(run, NETWORK_POLICY))
        expect(peersOf(policy.inputs.spec), policy.name).not.toEqual([]);
    });

    it("allows the operator, replication and the sentinels exactly the flows they need", async () => {
      const { run } = await render(SHAPES.prod);
      const flows = Object.fromEntries(
        ofType(run, NETWORK_POLICY)
          .filter((p) => !p.name.endsWith("clients") && p.name !== "redis-metrics")
          .map((p) => [
            p.name,
            {
              pods: p.inputs.spec.podSelector.matchLabels,
              types: p.inputs.spec.policyTypes,
              peers: peersOf(p.inputs.spec),
              ports: portsOf(p.inputs.spec),
            },
          ]),
      );
      const operator = "name=redis-operator";
      const redis = "app=redis redis_setup_type=replication";
      const sentinels = "app=redis-sentinel redis_setup_type=sentinel";
      const pods = (labels: string) => Object.fromEntries(labels.split(" ").map((l) => l.split("=")));
      expect(flows).toEqual({
        "redis-internal": {
          pods: pods(redis),
          types: ["Ingress"],
          peers: [`data ${operator}`, `data ${redis}`, `data ${sentinels}`],
          ports: [6379],
        },
        "redis-operator-to-redis": {
          pods: pods(operator),
          types: ["Egress"],
          peers: [`data ${redis}`],
          ports: [6379],
        },
        "redis-operator-kube-api": {
          pods: pods(operator),
          types: ["Egress"],
          peers: ["0.0.0.0/0"],
          ports: [443, 6443],
        },
        "redis-sentinel-internal": {
          pods: pods(sentinels),
          types: ["Ingress"],
          peers: [`data ${operator}`, `data ${sentinels}`],
          ports: [26379],
        },
        "redis-replication": {
          pods: pods(redis),
          types: ["Egress"],
          peers: [`data ${redis}`],
          ports: [6379],
        },
        "redis-sentinel-to-redis": {
          pods: pods(sentinels),
          types: ["Egress"],
          peers: [`data ${redis}`],
          ports: [6379],
        },
        "redis-sentinel-to-sentinels": {
          pods: pods(sentinels),
          types: ["Egress"],
          peers: [`data ${sentinels}`],
          ports: [26379],
        },
        "redis-operator-to-sentinels": {
          pods: pods(operator),
          types: ["Egress"],
          peers: [`data ${sentinels}`],
          ports: [26379],
        },
      });
    });

    it("lets only the metrics namespace reach the exporter, and only when one is named", async () => {
      const prod = (await render(SHAPES.prod)).run;
      expect(peersOf(policyNamed(prod, "redis-metrics"))).toEqual(["monitoring"]);
      expect(portsOf(policyNamed(prod, "redis-metrics"))).toEqual([9121]);
      const dev = (await render(SHAPES.dev)).run;
      expect(ofType(dev, NETWORK_POLICY).map((p) => p.name)).not.toContain("redis-metrics");
    });
  });

  describe.each(Object.entries(SHAPES))("%s shape", (_environment, args) => {
    it("validates against the CRDs, kubernetes-models and the chart's values", async () => {
      const { run } = await render(args);
      const objects = run.resources.filter(
        (r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"),
      );
      expect(objects.length).toBeGreaterThan(5);
      expect(await schemaProblems(objects)).toEqual([]);
      for (const chart of ofType(run, CHART)) {
        expect(unknownValuesKeys(chart.inputs.values, referenceChartValues(chart.inputs.chart))).toEqual([]);
      }
    });

    it("passes the security pack's mandatory rules with the prod configuration", async () => {
      const { run } = await render(args);
      const violations = securityViolations(run);
      // The namespace is the caller's (it brings the default-deny); this component declares none.
      const mandatory = violations.filter(
        (v) => v.enforcementLevel === "mandatory" && v.rule !== "k8s-namespace-default-deny",
      );
      expect(mandatory).toEqual([]);
    });
  });
});

describe("RedisStore metrics", () => {
  it("declares a PodMonitor Prometheus selects only when a metrics namespace is given", async () => {
    const withMetrics = (await render({ ...SHAPES.dev, metricsNamespace: "observability" })).run;
    const monitor = single(withMetrics, "kubernetes:monitoring.coreos.com/v1:PodMonitor").inputs;
    expect(monitor.metadata.labels).toEqual({ release: "kube-prometheus-stack" });
    expect(monitor.spec.podMetricsEndpoints).toEqual([{ portNumber: 9121 }]);
    const without = (await render(SHAPES.dev)).run;
    expect(
      without.resources.filter((r) => r.type === "kubernetes:monitoring.coreos.com/v1:PodMonitor"),
    ).toEqual([]);
  });
});
