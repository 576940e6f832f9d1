import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import {
  bucketJobName,
  MinioObjectStore,
  type MinioObjectStoreArgs,
} from "../../components/storage/minio-object-store";
import { expectNotInPlainInputs, schemaProblems, securityViolations } from "../harness/component-checks";
import { byName, ofType, single } from "../harness/queries";
import { ProgramFailed, renderComponents, type StackRun } from "../harness/run-stack";

const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const SERVICE = "kubernetes:core/v1:Service";
const SECRET = "kubernetes:core/v1:Secret";
const JOB = "kubernetes:batch/v1:Job";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";

/** Mirrored images, as operators must provide them: MinIO's community images are no longer published. */
const IMAGE = "registry.example.com/mirror/minio:RELEASE.2025-10-15T17-29-55Z";
const CLIENT_IMAGE = "registry.example.com/mirror/mc:RELEASE.2025-08-13T08-35-41Z";
const BUCKETS = ["model-artifacts", "postgres-backups"];
/** What the mocked RandomPassword returns, so the tests can look for it everywhere. */
const PASSWORD = "MOCK-MINIO-ROOT-PASSWORD-0123456789";

const DEV: MinioObjectStoreArgs = {
  namespace: "storage",
  image: IMAGE,
  clientImage: CLIENT_IMAGE,
  buckets: BUCKETS,
  clientNamespaces: ["ai", "data"],
};
const PROD: MinioObjectStoreArgs = { ...DEV, mode: "distributed", replicas: 4, storageGi: 100 };

/** The mocks echo inputs, so RandomPassword has no `result`; give it a known one. */
function mockPasswordResult(): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as { mocks: pulumi.runtime.Mocks };
  const mocks = monitor.mocks;
  monitor.mocks = {
    call: (args) => mocks.call(args),
    newResource: async (args) => {
      const created = await mocks.newResource(args);
      return args.type === RANDOM_PASSWORD
        ? { ...created, state: { ...created.state, result: PASSWORD } }
        : created;
    },
  };
}

async function render(args: MinioObjectStoreArgs): Promise<{ run: StackRun; store: MinioObjectStore }> {
  let store: MinioObjectStore | undefined;
  const run = await renderComponents(() => {
    mockPasswordResult();
    store = new MinioObjectStore("minio", args);
  });
  return { run, store: store as MinioObjectStore };
}

const podSpec = (run: StackRun) => single(run, STATEFUL_SET).inputs.spec.template.spec;
const container = (run: StackRun) => podSpec(run).containers[0];
const policy = (run: StackRun, name: string) =>
  ofType(run, NETWORK_POLICY).find((p) => p.inputs.metadata.name === name)?.inputs.spec;
const peerNamespaces = (peers: { namespaceSelector: { matchLabels: Record<string, string> } }[]) =>
  peers.map((peer) => peer.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]);

describe("MinioObjectStore", () => {
  it("runs one pod with one 20Gi volume in dev (standalone)", async () => {
    const { run } = await render(DEV);
    const spec = single(run, STATEFUL_SET).inputs.spec;
    expect(spec).toMatchObject({ replicas: 1, serviceName: "minio-hl" });
    expect(spec.volumeClaimTemplates).toEqual([
      expect.objectContaining({
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } },
      }),
    ]);
    expect(container(run).image).toBe(IMAGE);
    expect(container(run).command).toEqual(["minio"]);
    expect(container(run).args.slice(0, 2)).toEqual(["server", "/data"]);
    expect(podSpec(run).topologySpreadConstraints).toEqual([]);
    expect(ofType(run, PDB)).toEqual([]);
    expect(policy(run, "minio-peers-in")).toBeUndefined();
  });

  it("runs an erasure-coded set of 4 pods spread over zones, with a PodDisruptionBudget, in prod", async () => {
    const { run } = await render(PROD);
    const spec = single(run, STATEFUL_SET).inputs.spec;
    expect(spec).toMatchObject({ replicas: 4, podManagementPolicy: "Parallel", serviceName: "minio-hl" });
    expect(spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("100Gi");
    expect(container(run).args.slice(0, 2)).toEqual([
      "server",
      "http://minio-{0...3}.minio-hl.storage.svc.cluster.local/data",
    ]);
    expect(container(run).resources).toEqual({
      requests: { cpu: "500m", memory: "2Gi" },
      limits: { memory: "4Gi" },
    });
    const spread = podSpec(run).topologySpreadConstraints;
    expect(spread.map((c: { topologyKey: string }) => c.topologyKey)).toEqual([
      "topology.kubernetes.io/zone",
      "kubernetes.io/hostname",
    ]);
    expect(spread[0].labelSelector.matchLabels).toEqual(spec.selector.matchLabels);
    expect(single(run, PDB).inputs.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: spec.selector.matchLabels },
    });
    const headless = byName(run, SERVICE, "minio-headless").inputs.spec;
    expect(headless).toMatchObject({ clusterIP: "None", publishNotReadyAddresses: true });
    // Peers reach each other on the S3 port, both ways.
    for (const [name, direction] of [
      ["minio-peers-in", "ingress"],
      ["minio-peers-out", "egress"],
    ] as const) {
      const rule = policy(run, name)?.[direction][0];
      expect(rule.ports).toEqual([{ protocol: "TCP", port: 9000 }]);
      expect(direction === "ingress" ? rule.from : rule.to).toEqual([
        expect.objectContaining({ podSelector: { matchLabels: spec.selector.matchLabels } }),
      ]);
    }
  });

  it("serves S3 on the ClusterIP Service minio and exposes the endpoint, Secret name and buckets", async () => {
    const { run, store } = await render(DEV);
    expect(store.endpoint).toBe("http://minio.storage.svc.cluster.local:9000");
    expect(store.credentialsSecretName).toBe("minio-root-credentials");
    expect(store.buckets).toEqual(BUCKETS);
    const service = byName(run, SERVICE, "minio-service").inputs;
    expect(service.metadata.name).toBe("minio");
    expect(service.spec.type).toBe("ClusterIP");
    expect(service.spec.ports.map((p: { port: number }) => p.port)).toEqual([9000, 9001]);
    const secret = single(run, SECRET).inputs;
    expect(secret.metadata.name).toBe(store.credentialsSecretName);
    expect(Object.keys(secret.stringData).sort()).toEqual([
      "MINIO_ROOT_PASSWORD",
      "MINIO_ROOT_USER",
      "accessKey",
      "secretKey",
    ]);
    expect(secret.stringData).toMatchObject({ accessKey: "platform-admin", secretKey: PASSWORD });
    expect(single(run, RANDOM_PASSWORD).inputs).toMatchObject({ length: 40, special: false });
  });

  it("probes MinIO's health endpoints and runs it restricted on a read-only root filesystem", async () => {
    const { run } = await render(PROD);
    const minio = container(run);
    expect(minio.livenessProbe.httpGet).toMatchObject({ path: "/minio/health/live", port: 9000 });
    expect(minio.readinessProbe.httpGet).toMatchObject({ path: "/minio/health/ready", port: 9000 });
    expect(podSpec(run).securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      fsGroup: 1000,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(minio.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(minio.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toEqual(["/data", "/tmp"]);
    expect(minio.env).toEqual(
      expect.arrayContaining([
        {
          name: "MINIO_ROOT_PASSWORD",
          valueFrom: { secretKeyRef: { name: "minio-root-credentials", key: "MINIO_ROOT_PASSWORD" } },
        },
      ]),
    );
  });

  it("creates each bucket with versioning from a Job that reads the credentials from the Secret", async () => {
    const { run } = await render(DEV);
    const job = single(run, JOB).inputs;
    expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
    const pod = job.spec.template.spec;
    const [mc] = pod.containers;
    expect(mc.image).toBe(CLIENT_IMAGE);
    const script: string = mc.command.at(-1);
    expect(script).toContain(
      'mc alias set platform "$MINIO_ENDPOINT" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"',
    );
    for (const bucket of BUCKETS) {
      expect(script).toContain(`mc mb --ignore-existing platform/${bucket}`);
      expect(script).toContain(`mc version enable platform/${bucket}`);
    }
    const env = Object.fromEntries(mc.env.map((v: { name: string }) => [v.name, v]));
    for (const key of ["MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"]) {
      expect(env[key]).toEqual({
        name: key,
        valueFrom: { secretKeyRef: { name: "minio-root-credentials", key } },
      });
    }
    expect(env.MINIO_ENDPOINT.value).toBe("http://minio.storage.svc.cluster.local:9000");
    expect(env.MC_CONFIG_DIR.value).toBe("/tmp/.mc");
    expect(pod.volumes).toEqual([{ name: "tmp", emptyDir: { sizeLimit: "16Mi" } }]);
    expect(mc.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true });
  });

  it("renames the bucket Job when the bucket list changes, so adding a bucket runs it again", async () => {
    const jobName = async (buckets: readonly string[]) =>
      single((await render({ ...DEV, buckets })).run, JOB).inputs.metadata.name;
    const before = await jobName(BUCKETS);
    expect(before).toMatch(/^minio-buckets-[0-9a-f]{8}$/);
    expect(await jobName([...BUCKETS, "datasets"])).not.toBe(before);
    expect(await jobName([...BUCKETS].reverse())).toBe(before);
    expect(bucketJobName("minio", ["a-1"])).not.toBe(bucketJobName("minio", ["a-2"]));
  });

  it("lets client namespaces reach S3 on 9000, the console only from its own namespace, the Job reach S3", async () => {
    const { run } = await render(DEV);
    const clients = policy(run, "minio-s3-clients")?.ingress[0];
    expect(peerNamespaces(clients.from)).toEqual(["ai", "data"]);
    expect(clients.ports).toEqual([{ protocol: "TCP", port: 9000 }]);
    const consoleRule = policy(run, "minio-console")?.ingress[0];
    expect(peerNamespaces(consoleRule.from)).toEqual(["storage"]);
    expect(consoleRule.ports).toEqual([{ protocol: "TCP", port: 9001 }]);
    const jobPods = single(run, JOB).inputs.spec.template.metadata.labels;
    expect(policy(run, "minio-bucket-job-out")?.podSelector.matchLabels).toEqual(jobPods);
    expect(policy(run, "minio-bucket-job-out")?.egress[0].ports).toEqual([{ protocol: "TCP", port: 9000 }]);
    expect(policy(run, "minio-bucket-job-in")?.ingress[0].from[0].podSelector.matchLabels).toEqual(jobPods);
    // Only the console policy opens 9001.
    const opening9001 = ofType(run, NETWORK_POLICY).filter((p) =>
      JSON.stringify(p.inputs.spec).includes('"port":9001'),
    );
    expect(opening9001.map((p) => p.inputs.metadata.name)).toEqual(["minio-console"]);
    // No clients, no client policy (an empty `from` would admit everyone).
    const closed = (await render({ ...DEV, clientNamespaces: [] })).run;
    expect(policy(closed, "minio-s3-clients")).toBeUndefined();
  });

  it.each([
    ["image", "registry.example.com/mirror/minio", "has no tag"],
    ["image", "registry.example.com:5000/minio:latest", "uses the mutable :latest tag"],
    ["clientImage", "registry.example.com:5000/mirror/mc", "has no tag"],
    ["clientImage", "minio/mc:latest", "uses the mutable :latest tag"],
  ] as const)("rejects %s %s before declaring anything", async (field, image, reason) => {
    const failure = await render({ ...DEV, [field]: image }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProgramFailed);
    expect(String((failure as ProgramFailed).cause)).toContain(`${field}: image "${image}" ${reason}`);
    expect((failure as ProgramFailed).declared).toEqual([]);
  });

  it("accepts an image pinned by digest and refuses fewer than 4 distributed replicas or a bad bucket", async () => {
    const digest = `registry.example.com/mirror/minio@sha256:${"a".repeat(64)}`;
    expect(container((await render({ ...DEV, image: digest })).run).image).toBe(digest);
    await expect(render({ ...PROD, replicas: 3 })).rejects.toThrow("at least 4 replicas");
    await expect(render({ ...PROD, replicas: 17 })).rejects.toThrow("cannot form erasure sets");
    await expect(render({ ...DEV, buckets: ["Bad_Bucket"] })).rejects.toThrow("not a valid S3 bucket name");
  });

  describe.each([
    ["dev", DEV],
    ["prod", PROD],
  ] as const)("%s shape", (_environment, args) => {
    it("declares only valid Kubernetes objects and no chart", async () => {
      const { run } = await render(args);
      const objects = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
      expect(objects.length).toBeGreaterThan(0);
      expect(await schemaProblems(objects)).toEqual([]);
      // No Helm chart, so no chart values to check against a reference values.yaml.
      expect(objects.filter((r) => r.type.startsWith("kubernetes:helm.sh/"))).toEqual([]);
    });

    it("never lets the root password out of the Secret", async () => {
      const { run, store } = await render(args);
      const secret = single(run, SECRET);
      expect(secret.inputs.stringData.MINIO_ROOT_PASSWORD).toBe(PASSWORD);
      expect(secret.secretInputs).toContain("stringData");
      expectNotInPlainInputs(run, PASSWORD);
      const fields = {
        endpoint: store.endpoint,
        credentialsSecretName: store.credentialsSecretName,
        buckets: store.buckets,
      };
      expect(JSON.stringify(fields)).not.toContain(PASSWORD);
    });

    it("passes the security pack's mandatory rules with the prod config", async () => {
      const { run } = await render(args);
      const violations = securityViolations(run);
      // No Namespace is declared, so k8s-namespace-default-deny has nothing to flag either.
      expect(violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
    });
  });

  it("exposes cluster metrics to the named Prometheus namespace only when asked", async () => {
    const run = await renderComponents(() => {
      new MinioObjectStore("minio", { ...DEV, metricsNamespace: "observability" });
    });
    const monitor = single(run, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor").inputs;
    expect(monitor.metadata.labels).toEqual({ release: "kube-prometheus-stack" });
    expect(monitor.spec.endpoints[0]).toMatchObject({ port: "s3", path: "/minio/v2/metrics/cluster" });
    const env = single(run, "kubernetes:apps/v1:StatefulSet").inputs.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: "MINIO_PROMETHEUS_AUTH_TYPE", value: "public" });
    const plain = await renderComponents(() => {
      new MinioObjectStore("minio", DEV);
    });
    expect(plain.resources.filter((r) => r.type.endsWith(":ServiceMonitor"))).toEqual([]);
  });
});
