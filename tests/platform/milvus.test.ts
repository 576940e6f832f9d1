import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PINNED_CHARTS } from "../../components/charts/pinned-charts";
import {
  ETCD_IMAGE,
  MILVUS_IMAGE,
  Milvus,
  type MilvusArgs,
  type MilvusObjectStorage,
} from "../../components/vector/milvus";
import { MILVUS_KAFKA_TOPICS } from "../../components/vector/milvus-wal";
import { GENERATED_PASSWORD_PREFIX } from "../../policies/offline/mocks";
import { referenceChartValues, referenceChartVersion, unknownValuesKeys } from "../harness/chart-reference";
import { expectNotInPlainInputs, schemaProblems, securityViolations } from "../harness/component-checks";
import { byName, descendantsOf, ofType, single } from "../harness/queries";
import { ProgramFailed, renderComponents, type StackRun } from "../harness/run-stack";

const CHART = "kubernetes:helm.sh/v4:Chart";
const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const SERVICE = "kubernetes:core/v1:Service";
const SECRET = "kubernetes:core/v1:Secret";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const SERVICE_MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor";
/** What the mocked RandomPassword of the component named "milvus" returns. */
const PASSWORD = `${GENERATED_PASSWORD_PREFIX}milvus-root`;

const OBJECT_STORAGE: MilvusObjectStorage = {
  host: "minio.data.svc.cluster.local",
  port: 9000,
  bucket: "milvus",
  useSSL: false,
  credentialsSecretName: "milvus-object-storage",
  accessKeyIdKey: "accessKey",
  secretAccessKeyKey: "secretKey",
};
const KAFKA = {
  bootstrapServers: "kafka-kafka-bootstrap.data.svc:9093",
  tlsCaSecretName: "kafka-cluster-ca-cert",
};
const SHAPES = {
  dev: { namespace: "ai", objectStorage: OBJECT_STORAGE },
  prod: {
    namespace: "ai",
    mode: "cluster",
    objectStorage: OBJECT_STORAGE,
    kafka: KAFKA,
    etcdStorageGi: 20,
    clientNamespaces: ["ai", "identity"],
  },
} as const satisfies Record<string, MilvusArgs>;

/** Chart values key → the `component` label of the pods, for every cluster-mode component. */
const CLUSTER_COMPONENTS = {
  proxy: "proxy",
  mixCoordinator: "mixcoord",
  streamingNode: "streamingnode",
  queryNode: "querynode",
  dataNode: "datanode",
};

/** Renders one Milvus and keeps the component object, to read its public fields. */
async function render(args: MilvusArgs, name = "milvus") {
  let milvus: Milvus | undefined;
  const run = await renderComponents(() => {
    milvus = new Milvus(name, args);
  });
  return { run, milvus: milvus as Milvus };
}

const valuesOf = (run: StackRun) => single(run, CHART).inputs.values;
/** milvus.yaml's last layer, as Milvus parses it (YAML). */
const userConfigOf = (run: StackRun) => parse(valuesOf(run).extraConfigFiles["user.yaml"]);
const etcdOf = (run: StackRun) => byName(run, STATEFUL_SET, "milvus-etcd").inputs;
const etcdContainer = (run: StackRun) => etcdOf(run).spec.template.spec.containers[0];
const milvusLabels = (component?: string) => ({
  "app.kubernetes.io/name": "milvus",
  "app.kubernetes.io/instance": "milvus",
  ...(component ? { component } : {}),
});
const ETCD_PODS = {
  "app.kubernetes.io/name": "etcd",
  "app.kubernetes.io/instance": "milvus-etcd",
  "app.kubernetes.io/part-of": "milvus",
};
const spreadOf = (constraints: any[]) =>
  constraints.map((c) => [c.topologyKey, c.whenUnsatisfiable, c.labelSelector.matchLabels]);
const zoneSpreadOf = (labels: Record<string, string>) => [
  ["topology.kubernetes.io/zone", "ScheduleAnyway", labels],
  ["kubernetes.io/hostname", "DoNotSchedule", labels],
];
/** Component blocks of the chart values that run pods in this shape. */
const componentBlocks = (values: any) =>
  values.cluster.enabled
    ? Object.keys(CLUSTER_COMPONENTS).map((key) => [key, values[key]] as const)
    : [["standalone", values.standalone] as const];

/** Every image a value tree names: `image` strings and `repository` fields of image blocks. */
function imagesIn(value: unknown): string[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    if (key === "image" && typeof inner === "string") return [inner];
    if (key === "repository" && typeof inner === "string") return [inner];
    return imagesIn(inner);
  });
}

describe("Milvus", () => {
  it("runs standalone in dev, with Woodpecker on the object storage and a 1-member etcd", async () => {
    const { run } = await render(SHAPES.dev);
    const values = valuesOf(run);
    expect(values.cluster).toEqual({ enabled: false });
    expect(values.standalone).toMatchObject({
      messageQueue: "woodpecker",
      persistence: { enabled: true, persistentVolumeClaim: { size: "20Gi" } },
    });
    expect(values.streaming).toEqual({
      enabled: true,
      woodpecker: { embedded: true, storage: { type: "minio" } },
    });
    expect(userConfigOf(run).mq).toEqual({ type: "woodpecker" });
    expect(values.externalKafka).toEqual({ enabled: false });
    for (const key of Object.keys(CLUSTER_COMPONENTS).filter((k) => k !== "proxy"))
      expect(values[key], key).toBeUndefined();
    expect(values.topologySpreadConstraints).toEqual([]);
    expect(values.volumes).toEqual([]);

    const etcd = etcdOf(run).spec;
    expect(etcd.replicas).toBe(1);
    expect(etcd.template.spec.topologySpreadConstraints).toEqual([]);
    expect(etcd.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("10Gi");
    expect(etcdContainer(run).args).toContain(
      "--initial-cluster=milvus-etcd-0=http://milvus-etcd-0.milvus-etcd-headless.ai.svc.cluster.local:2380",
    );
    expect(values.externalEtcd).toEqual({
      enabled: true,
      endpoints: ["milvus-etcd-0.milvus-etcd-headless.ai.svc.cluster.local:2379"],
    });
    expect(ofType(run, PDB)).toEqual([]);
  });

  it("runs every component twice in prod (cluster), spread over zones, and a 3-member etcd with PDBs", async () => {
    const { run } = await render(SHAPES.prod);
    const values = valuesOf(run);
    expect(values.cluster).toEqual({ enabled: true });
    expect(values.standalone).toBeUndefined();
    for (const [key, component] of Object.entries(CLUSTER_COMPONENTS)) {
      expect(values[key].replicas, key).toBe(2);
      // The streaming nodes have no spread of their own in the chart: they take the chart-wide one.
      const spread =
        key === "streamingNode" ? values.topologySpreadConstraints : values[key].topologySpreadConstraints;
      expect(spreadOf(spread), key).toEqual(zoneSpreadOf(milvusLabels(component)));
    }
    expect(values.mixCoordinator.activeStandby).toEqual({ enabled: true });
    // The chart renders PDBs for the proxy, coordinator, query and data nodes when replicas > 1.
    expect(ofType(run, PDB).map((pdb) => [pdb.inputs.metadata.name, pdb.inputs.spec])).toEqual([
      ["milvus-etcd", { maxUnavailable: 1, selector: { matchLabels: ETCD_PODS } }],
      [
        "milvus-streamingnode",
        { maxUnavailable: 1, selector: { matchLabels: milvusLabels("streamingnode") } },
      ],
    ]);

    const etcd = etcdOf(run).spec;
    expect(etcd).toMatchObject({
      replicas: 3,
      podManagementPolicy: "Parallel",
      serviceName: "milvus-etcd-headless",
    });
    expect(spreadOf(etcd.template.spec.topologySpreadConstraints)).toEqual(zoneSpreadOf(ETCD_PODS));
    expect(etcd.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("20Gi");
    const members = [0, 1, 2].map((i) => `milvus-etcd-${i}.milvus-etcd-headless.ai.svc.cluster.local`);
    expect(values.externalEtcd.endpoints).toEqual(members.map((member) => `${member}:2379`));
    expect(etcdContainer(run).args).toContain(
      `--initial-cluster=${members.map((member, i) => `milvus-etcd-${i}=http://${member}:2380`).join(",")}`,
    );

    const three = valuesOf((await render({ ...SHAPES.prod, replicas: 3 })).run);
    for (const key of Object.keys(CLUSTER_COMPONENTS)) expect(three[key].replicas, key).toBe(3);
  });

  it("uses the platform's Kafka over TLS in prod, trusting its CA from the given Secret", async () => {
    const { run } = await render(SHAPES.prod);
    const values = valuesOf(run);
    expect(values.externalKafka).toEqual({
      enabled: true,
      brokerList: "kafka-kafka-bootstrap.data.svc:9093",
      securityProtocol: "SSL",
    });
    expect(values.streaming).toEqual({ enabled: true });
    const config = userConfigOf(run);
    expect(config.mq).toEqual({ type: "kafka" });
    expect(config.kafka).toEqual({
      producer: { "ssl.ca.location": "/milvus/kafka-ca/ca.crt", "message.max.bytes": 10485760 },
      consumer: { "ssl.ca.location": "/milvus/kafka-ca/ca.crt" },
    });
    // The channels Milvus opens are exactly the topics declared for it.
    const channels = Array.from(
      { length: config.rootCoord.dmlChannelNum },
      (_, i) => `${config.msgChannel.chanNamePrefix.cluster}-rootcoord-dml_${i}`,
    );
    expect(channels).toEqual(MILVUS_KAFKA_TOPICS.map((topic) => topic.name));
    for (const topic of MILVUS_KAFKA_TOPICS)
      expect(topic.config?.["max.message.bytes"]).toBeGreaterThanOrEqual(
        config.kafka.producer["message.max.bytes"],
      );
    expect(values.volumes).toContainEqual({
      name: "kafka-ca",
      secret: { secretName: "kafka-cluster-ca-cert", items: [{ key: "ca.crt", path: "ca.crt" }] },
    });
    expect(values.volumeMounts).toContainEqual({
      name: "kafka-ca",
      mountPath: "/milvus/kafka-ca",
      readOnly: true,
    });
  });

  it.each(Object.entries(SHAPES))(
    "enables no bundled dependency and no Bitnami chart or image (%s)",
    async (_shape, args) => {
      const { run } = await render(args);
      const values = valuesOf(run);
      for (const bundled of ["etcd", "minio", "pulsar", "pulsarv3", "kafka", "woodpecker", "attu", "tei"])
        expect(values[bundled], bundled).toEqual({ enabled: false });
      expect(values.externalEtcd.enabled).toBe(true);
      expect(values.externalS3).toMatchObject({
        enabled: true,
        host: "minio.data.svc.cluster.local",
        port: 9000,
        bucketName: "milvus",
        useSSL: false,
      });
      const chart = single(run, CHART).inputs;
      expect(JSON.stringify(chart)).not.toMatch(/bitnami/i);
      const images = [
        ...imagesIn(values),
        ...ofType(run, STATEFUL_SET).flatMap((set) =>
          set.inputs.spec.template.spec.containers.map((c: { image: string }) => c.image),
        ),
      ];
      expect(images).toEqual(["milvusdb/milvus", ETCD_IMAGE]);
      for (const image of images) expect(image).not.toMatch(/bitnami/i);
    },
  );

  it("reads the object-storage keys from the caller's Secret, never from values", async () => {
    for (const args of [SHAPES.dev, SHAPES.prod]) {
      const values = valuesOf((await render(args)).run);
      expect(values.externalS3).toMatchObject({ accessKey: "", secretKey: "" });
      const blocks = componentBlocks(values);
      expect(blocks.length).toBeGreaterThan(0);
      for (const [key, block] of blocks) {
        expect(block.extraEnv, key).toEqual([
          {
            name: "MINIO_ACCESS_KEY_ID",
            valueFrom: { secretKeyRef: { name: "milvus-object-storage", key: "accessKey" } },
          },
          {
            name: "MINIO_SECRET_ACCESS_KEY",
            valueFrom: { secretKeyRef: { name: "milvus-object-storage", key: "secretKey" } },
          },
          {
            name: "COMMON_SECURITY_DEFAULTROOTPASSWORD",
            valueFrom: { secretKeyRef: { name: "milvus-root-credentials", key: "password" } },
          },
        ]);
      }
    }
  });

  it("turns authentication on, with a generated root password that only its Secret holds", async () => {
    for (const args of [SHAPES.dev, SHAPES.prod]) {
      const { run, milvus } = await render(args);
      expect(userConfigOf(run).common).toEqual({ security: { authorizationEnabled: true } });
      const [password] = ofType(run, "random:index/randomPassword:RandomPassword");
      expect(password?.inputs).toMatchObject({ length: 32, special: false });
      const secret = single(run, SECRET);
      expect(secret.inputs.metadata).toEqual({ name: "milvus-root-credentials", namespace: "ai" });
      expect(secret.inputs.stringData).toEqual({
        username: "root",
        password: PASSWORD,
        token: `root:${PASSWORD}`,
      });
      expect(secret.secretInputs).toContain("stringData");
      expectNotInPlainInputs(run, PASSWORD);
      expect(JSON.stringify({ ...milvus })).not.toContain(PASSWORD);
    }
  });

  it("installs the pinned milvus-helm chart as a release named after the component", async () => {
    const { run } = await render(SHAPES.dev);
    const chart = single(run, CHART).inputs;
    expect(chart).toMatchObject({
      name: "milvus",
      chart: "milvus",
      version: "5.0.19",
      repositoryOpts: { repo: "https://zilliztech.github.io/milvus-helm" },
      namespace: "ai",
    });
    expect(PINNED_CHARTS.milvus.version).toBe(referenceChartVersion("milvus"));
    expect(chart.values.fullnameOverride).toBe("milvus");
    expect(chart.values.service).toEqual({ type: "ClusterIP" });
  });

  it("tells clients where to connect, over gRPC or REST, and which Secret holds the root login", async () => {
    const dev = (await render(SHAPES.dev)).milvus;
    expect({ ...dev }).toMatchObject({
      mode: "standalone",
      endpoint: "milvus.ai.svc.cluster.local:19530",
      restUrl: "http://milvus.ai.svc.cluster.local:19530",
      credentialsSecretName: "milvus-root-credentials",
    });
    const prod = (await render(SHAPES.prod, "vectors")).milvus;
    expect({ ...prod }).toMatchObject({
      mode: "cluster",
      endpoint: "vectors.ai.svc.cluster.local:19530",
      restUrl: "http://vectors.ai.svc.cluster.local:19530",
      credentialsSecretName: "vectors-root-credentials",
    });
  });

  it("gives every workload a restricted security context, requests and a memory limit", async () => {
    const restrictedContainer = {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    };
    for (const args of [SHAPES.dev, SHAPES.prod]) {
      const { run } = await render(args);
      const values = valuesOf(run);
      const milvusPod = {
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 0,
        fsGroup: 0,
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
      };
      expect(values.securityContext).toEqual(milvusPod);
      expect(values.containerSecurityContext).toEqual(restrictedContainer);
      for (const [key, block] of componentBlocks(values)) {
        expect(block.securityContext, key).toEqual(milvusPod);
        expect(block.containerSecurityContext, key).toEqual(restrictedContainer);
        expect(block.resources.requests.cpu, key).toBeDefined();
        expect(block.resources.requests.memory, key).toBeDefined();
        expect(block.resources.limits.memory, key).toBeDefined();
      }
      const pod = etcdOf(run).spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
      expect(pod).toMatchObject({ automountServiceAccountToken: false, enableServiceLinks: false });
      expect(etcdContainer(run).securityContext).toEqual({
        ...restrictedContainer,
        readOnlyRootFilesystem: true,
      });
      expect(etcdContainer(run).resources).toEqual({
        requests: { cpu: "200m", memory: "512Mi" },
        limits: { memory: "2Gi" },
      });
    }
  });

  it("pins both images by tag, lets the caller override them and refuses :latest or no tag", async () => {
    const defaults = (await render(SHAPES.dev)).run;
    expect(MILVUS_IMAGE).toBe("milvusdb/milvus:v2.6.15");
    expect(valuesOf(defaults).image.all).toEqual({
      repository: "milvusdb/milvus",
      tag: "v2.6.15",
      pullPolicy: "IfNotPresent",
    });
    expect(etcdContainer(defaults).image).toBe("quay.io/coreos/etcd:v3.5.25");

    const { run } = await render({
      ...SHAPES.prod,
      image:
        "registry.internal:5000/mirror/milvus:v2.6.15@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      etcdImage: "gcr.io/etcd-development/etcd:v3.5.25",
    });
    expect(valuesOf(run).image.all).toMatchObject({
      repository: "registry.internal:5000/mirror/milvus",
      tag: "v2.6.15@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    });
    expect(etcdContainer(run).image).toBe("gcr.io/etcd-development/etcd:v3.5.25");

    await expect(render({ ...SHAPES.dev, image: "milvusdb/milvus:latest" })).rejects.toThrow(
      'image: image "milvusdb/milvus:latest" uses the mutable :latest tag',
    );
    await expect(render({ ...SHAPES.dev, image: "registry.internal:5000/milvus" })).rejects.toThrow(
      'image: image "registry.internal:5000/milvus" has no tag',
    );
    await expect(render({ ...SHAPES.dev, etcdImage: "quay.io/coreos/etcd" })).rejects.toThrow(
      'etcdImage: image "quay.io/coreos/etcd" has no tag',
    );
  });

  it("refuses bad arguments before declaring anything", async () => {
    const cases: [Partial<MilvusArgs> & { name?: string }, string][] = [
      [{ mode: "distributed" as "cluster" }, 'mode must be "standalone" or "cluster"'],
      [{ mode: "cluster", replicas: 1 }, "cluster mode needs replicas of at least 2"],
      [{ storageGi: 0 }, "storageGi must be a positive integer"],
      [{ etcdStorageGi: 2.5 }, "etcdStorageGi must be a positive integer"],
      [{ objectStorage: { ...OBJECT_STORAGE, port: 0 } }, "objectStorage.port must be a TCP port"],
      [{ kafka: { ...KAFKA, bootstrapServers: "kafka:tls" } }, "kafka.bootstrapServers must be"],
      [{ name: "m".repeat(41) }, "DNS label of at most 40"],
    ];
    for (const [{ name, ...change }, message] of cases) {
      const failure = await render({ ...SHAPES.dev, ...change }, name).catch((error: unknown) => error);
      expect(failure, message).toBeInstanceOf(ProgramFailed);
      expect(String((failure as ProgramFailed).cause)).toContain(message);
      expect((failure as ProgramFailed).declared).toEqual([]);
    }
  });

  it("publishes Milvus and etcd metrics to kube-prometheus-stack", async () => {
    const { run } = await render(SHAPES.prod);
    expect(valuesOf(run).metrics).toEqual({
      enabled: true,
      serviceMonitor: { enabled: true, additionalLabels: { release: "kube-prometheus-stack" } },
    });
    const monitor = single(run, SERVICE_MONITOR).inputs;
    expect(monitor.metadata.labels).toMatchObject({ release: "kube-prometheus-stack" });
    expect(monitor.spec).toEqual({
      selector: { matchLabels: ETCD_PODS },
      endpoints: [{ port: "metrics", interval: "30s" }],
    });
    const client = byName(run, SERVICE, "milvus-etcd").inputs.spec;
    expect(client.ports.map((p: { name: string; port: number }) => [p.name, p.port])).toEqual([
      ["client", 2379],
      ["metrics", 2381],
    ]);
    expect(etcdContainer(run).args).toContain("--listen-metrics-urls=http://0.0.0.0:2381");
    expect(byName(run, SERVICE, "milvus-etcd-headless").inputs.spec).toMatchObject({
      clusterIP: "None",
      publishNotReadyAddresses: true,
    });
  });

  it("declares everything as children of the component", async () => {
    const { run } = await render(SHAPES.prod);
    const component = single(run, "ai-platform:vector:Milvus");
    expect(descendantsOf(run, component)).toHaveLength(run.resources.length - 1);
  });

  describe("network", () => {
    /** `label=value …`, sorted (the engine receives maps with sorted keys). */
    const labelsOf = (labels: Record<string, string> = {}) =>
      Object.entries(labels)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}`);
    /** `namespace label=value…` of each peer of a NetworkPolicy's only rule. */
    const peersOf = (spec: any): string[] =>
      (spec.ingress?.[0]?.from ?? spec.egress?.[0]?.to ?? []).map((peer: any) =>
        [
          peer.namespaceSelector.matchLabels["kubernetes.io/metadata.name"],
          ...labelsOf(peer.podSelector?.matchLabels),
        ].join(" "),
      );
    const flowsOf = (run: StackRun): Record<string, [string, string, string[], number[]]> =>
      Object.fromEntries(
        ofType(run, NETWORK_POLICY).map((p) => {
          const spec = p.inputs.spec;
          const rule = (spec.ingress ?? spec.egress)[0];
          return [
            p.inputs.metadata.name,
            [
              spec.policyTypes.join(),
              labelsOf(spec.podSelector.matchLabels).join(" "),
              peersOf(spec),
              (rule.ports ?? []).map((port: { port: number }) => port.port),
            ],
          ];
        }),
      );
    const MILVUS = "app.kubernetes.io/instance=milvus app.kubernetes.io/name=milvus";
    const ETCD =
      "app.kubernetes.io/instance=milvus-etcd app.kubernetes.io/name=etcd app.kubernetes.io/part-of=milvus";
    const MINIO = "data app.kubernetes.io/component=server app.kubernetes.io/name=minio";

    it("allows exactly the flows Milvus and etcd need in prod", async () => {
      expect(flowsOf((await render(SHAPES.prod)).run)).toEqual({
        "milvus-clients": ["Ingress", `${MILVUS} component=proxy`, ["ai", "identity"], [19530]],
        "milvus-metrics": ["Ingress", MILVUS, ["observability"], [9091]],
        "milvus-internal-in": ["Ingress", MILVUS, [`ai ${MILVUS}`], []],
        "milvus-internal-out": ["Egress", MILVUS, [`ai ${MILVUS}`], []],
        "milvus-to-etcd": ["Egress", MILVUS, [`ai ${ETCD}`], [2379]],
        "milvus-etcd-clients": ["Ingress", ETCD, [`ai ${MILVUS}`], [2379]],
        "milvus-etcd-metrics": ["Ingress", ETCD, ["observability"], [2381]],
        "milvus-etcd-peers-in": ["Ingress", ETCD, [`ai ${ETCD}`], [2380]],
        "milvus-etcd-peers-out": ["Egress", ETCD, [`ai ${ETCD}`], [2380]],
        "milvus-object-storage": ["Egress", MILVUS, [MINIO], [9000]],
        "milvus-kafka": ["Egress", MILVUS, ["data strimzi.io/kind=Kafka"], [9093]],
      });
    });

    it("in dev, lets the ai namespace reach the standalone pod and drops the peer and Kafka flows", async () => {
      const flows = flowsOf((await render(SHAPES.dev)).run);
      expect(flows["milvus-clients"]).toEqual(["Ingress", `${MILVUS} component=standalone`, ["ai"], [19530]]);
      expect(Object.keys(flows).sort()).toEqual(
        [
          "milvus-clients",
          "milvus-metrics",
          "milvus-internal-in",
          "milvus-internal-out",
          "milvus-to-etcd",
          "milvus-etcd-clients",
          "milvus-etcd-metrics",
          "milvus-object-storage",
        ].sort(),
      );
    });

    it("declares no client allow without clients, since an empty peer list would admit everyone", async () => {
      const { run } = await render({ ...SHAPES.prod, clientNamespaces: [], metricsNamespace: "monitoring" });
      const flows = flowsOf(run);
      expect(flows["milvus-clients"]).toBeUndefined();
      expect(flows["milvus-metrics"]?.[2]).toEqual(["monitoring"]);
      for (const [name, flow] of Object.entries(flows)) expect(flow[2], name).not.toEqual([]);
    });
  });

  describe("on AWS S3 with an IAM role for its service account (IRSA)", () => {
    const ROLE = "arn:aws:iam::123456789012:role/aip-milvus";
    const S3: MilvusObjectStorage = {
      host: "s3.us-west-2.amazonaws.com",
      port: 443,
      bucket: "aip-prod-milvus",
      useSSL: true,
      region: "us-west-2",
      networkPeers: "anywhere",
      serviceAccountRoleArn: ROLE,
    };

    it.each(Object.entries(SHAPES))(
      "runs every pod as a service account carrying the role, with useIAM and no key (%s)",
      async (_shape, args) => {
        const { run } = await render({ ...args, objectStorage: S3 });
        const values = valuesOf(run);
        expect(values.serviceAccount).toEqual({
          create: true,
          name: "milvus",
          annotations: { "eks.amazonaws.com/role-arn": ROLE },
        });
        expect(values.externalS3).toMatchObject({
          host: "s3.us-west-2.amazonaws.com",
          useIAM: true,
          accessKey: "",
          secretKey: "",
          cloudProvider: "aws",
          region: "us-west-2",
        });
        for (const [key, block] of componentBlocks(values)) {
          expect(
            block.extraEnv.map((env: { name: string }) => env.name),
            key,
          ).toEqual(["COMMON_SECURITY_DEFAULTROOTPASSWORD"]);
        }
        const objects = run.resources.filter(
          (r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"),
        );
        expect(await schemaProblems(objects)).toEqual([]);
        expect(unknownValuesKeys(values, referenceChartValues("milvus"))).toEqual([]);
        const mandatory = securityViolations(run).filter(
          (v) => v.enforcementLevel === "mandatory" && v.rule !== "k8s-namespace-default-deny",
        );
        expect(mandatory).toEqual([]);
      },
    );

    it("keeps the chart's default service account and useIAM off with a key pair", async () => {
      const values = valuesOf((await render(SHAPES.dev)).run);
      expect(values.serviceAccount).toBeUndefined();
      expect(values.externalS3.useIAM).toBe(false);
    });

    it("refuses a role together with a key pair, neither of them, or a role on OSS", async () => {
      const { credentialsSecretName: _secret, ...withoutKeys } = OBJECT_STORAGE;
      const cases: [MilvusObjectStorage, string][] = [
        [{ ...OBJECT_STORAGE, serviceAccountRoleArn: ROLE }, "a serviceAccountRoleArn and a key pair Secret"],
        [withoutKeys, "needs serviceAccountRoleArn, or credentialsSecretName"],
        [{ ...S3, cloudProvider: "aliyun" }, 'serviceAccountRoleArn is for AWS S3 (cloudProvider "aws")'],
      ];
      for (const [objectStorage, message] of cases) {
        const failure = await render({ ...SHAPES.dev, objectStorage }).catch((error: unknown) => error);
        expect(failure, message).toBeInstanceOf(ProgramFailed);
        expect(String((failure as ProgramFailed).cause)).toContain(message);
        expect((failure as ProgramFailed).declared).toEqual([]);
      }
    });
  });

  describe.each(Object.entries(SHAPES))("%s shape", (_shape, args) => {
    it("validates against the CRDs, kubernetes-models and the chart's values", async () => {
      const { run } = await render(args);
      const objects = run.resources.filter(
        (r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"),
      );
      expect(objects.length).toBeGreaterThan(10);
      expect(await schemaProblems(objects)).toEqual([]);
      const chart = single(run, CHART).inputs;
      expect(unknownValuesKeys(chart.values, referenceChartValues(chart.chart))).toEqual([]);
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
