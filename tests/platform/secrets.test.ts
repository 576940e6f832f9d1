import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import {
  CLUSTER_SECRET_STORE_NAME,
  ExternalSecrets,
  type ExternalSecretsArgs,
} from "../../components/secrets/external-secrets";
import { Vault, type VaultArgs } from "../../components/secrets/vault";
import { GENERATED_PASSWORD_PREFIX } from "../../policies/offline/mocks";
import { referenceChartValues, referenceChartVersion, unknownValuesKeys } from "../harness/chart-reference";
import { schemaProblems, securityViolations, withoutPaths } from "../harness/component-checks";
import { checkKubernetesObject } from "../harness/k8s-schemas";
import { byName, descendantsOf, ofType, single } from "../harness/queries";
import { renderComponents, type StackRun } from "../harness/run-stack";

const CHART = "kubernetes:helm.sh/v4:Chart";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const CERTIFICATE = "kubernetes:cert-manager.io/v1:Certificate";
const STORE = "kubernetes:external-secrets.io/v1:ClusterSecretStore";
const RESTRICTED = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};
const KMS_KEY = "1234abcd-12ab-34cd-56ef-1234567890ab";
const ROLE_ARN = "arn:aws:iam::123456789012:role/vault-unseal";

const VAULT_SHAPES = {
  dev: { namespace: "secrets", seal: { type: "shamir" }, clientNamespaces: ["ai"] },
  prod: {
    namespace: "secrets",
    mode: "ha",
    storageGi: 20,
    auditStorageGi: 5,
    seal: { type: "awskms", region: "eu-west-1", kmsKeyId: KMS_KEY, roleArn: ROLE_ARN },
    tlsIssuer: "platform-internal-ca",
    injector: true,
    clientNamespaces: ["ai", "identity"],
    externalSecretsNamespace: "secrets",
    metricsNamespace: "observability",
  },
  alicloud: {
    namespace: "secrets",
    mode: "ha",
    seal: {
      type: "alicloudkms",
      region: "cn-hangzhou",
      kmsKeyId: "key-hzz6512abcdef",
      credentialsSecretName: "vault-kms-credentials",
    },
    externalSecretsNamespace: "secrets",
  },
} as const satisfies Record<string, VaultArgs>;

const ESO_SHAPES = {
  dev: { namespace: "secrets", vault: { address: "http://vault.secrets.svc:8200" } },
  prod: {
    namespace: "secrets",
    replicas: 2,
    vault: {
      address: "https://vault-active.secrets.svc:8200",
      mountPath: "kv",
      authRole: "eso",
      kubernetesAuthMountPath: "k8s",
      caSecret: { name: "vault-tls", namespace: "secrets" },
    },
    allowedNamespaces: ["ai", "identity"],
    metricsNamespace: "observability",
  },
} as const satisfies Record<string, ExternalSecretsArgs>;

async function renderVault(args: VaultArgs, name = "vault") {
  let vault: Vault | undefined;
  const run = await renderComponents(() => {
    vault = new Vault(name, args);
  });
  return { run, vault: vault as Vault };
}

async function renderEso(args: ExternalSecretsArgs, name = "external-secrets") {
  let eso: ExternalSecrets | undefined;
  const run = await renderComponents(() => {
    eso = new ExternalSecrets(name, args);
  });
  return { run, eso: eso as ExternalSecrets };
}

const chartValues = (run: StackRun) => single(run, CHART).inputs.values;

/** `namespace labels…`, or the CIDR, of each peer of a NetworkPolicy's only rule. */
function peersOf(spec: any): string[] {
  const rule = spec.ingress?.[0]?.from ?? spec.egress?.[0]?.to ?? [];
  return rule.map((peer: any) =>
    peer.ipBlock
      ? peer.ipBlock.cidr
      : [
          peer.namespaceSelector.matchLabels["kubernetes.io/metadata.name"],
          ...Object.entries(peer.podSelector?.matchLabels ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .sort(),
        ].join(" "),
  );
}

/** Every NetworkPolicy as `{ pods, types, peers, ports }`, by name. */
function flowsOf(run: StackRun) {
  return Object.fromEntries(
    ofType(run, NETWORK_POLICY).map((policy) => {
      const spec = policy.inputs.spec;
      return [
        policy.name,
        {
          pods: spec.podSelector.matchLabels,
          types: spec.policyTypes,
          peers: peersOf(spec),
          ports: (spec.ingress ?? spec.egress)[0].ports.map((port: { port: number }) => port.port),
        },
      ];
    }),
  );
}

async function expectValidObjectsAndValues(run: StackRun) {
  const objects = run.resources.filter(
    (r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"),
  );
  expect(objects.length).toBeGreaterThanOrEqual(2);
  expect(await schemaProblems(objects)).toEqual([]);
  const charts = ofType(run, CHART);
  expect(charts).toHaveLength(1);
  for (const chart of charts) {
    expect(chart.inputs.version).toBe(referenceChartVersion(chart.inputs.chart));
    expect(unknownValuesKeys(chart.inputs.values, referenceChartValues(chart.inputs.chart))).toEqual([]);
  }
}

function expectNoMandatoryViolations(run: StackRun) {
  const violations = securityViolations(run);
  // The namespace is the caller's (it brings the default-deny); these components declare none.
  expect(
    violations.filter((v) => v.enforcementLevel === "mandatory" && v.rule !== "k8s-namespace-default-deny"),
  ).toEqual([]);
}

/** No generated password, no Secret, and nothing that looks like a credential outside secret inputs. */
function expectNoCredentials(run: StackRun, publicFields: object) {
  expect(ofType(run, "random:index/randomPassword:RandomPassword")).toEqual([]);
  expect(ofType(run, "kubernetes:core/v1:Secret")).toEqual([]);
  for (const resource of run.resources) {
    const plain = JSON.stringify(withoutPaths(resource.inputs, resource.secretInputs));
    expect(plain, `${resource.type} ${resource.name}`).not.toContain(GENERATED_PASSWORD_PREFIX);
    expect(plain, `${resource.type} ${resource.name}`).not.toMatch(/access_key|secret_key|AKIA[0-9A-Z]{16}/);
  }
  expect(JSON.stringify({ ...publicFields })).not.toContain(GENERATED_PASSWORD_PREFIX);
}

describe("Vault", () => {
  it("runs one server with Raft storage and Shamir unseal in dev, over plain HTTP inside the cluster", async () => {
    const { run, vault } = await renderVault(VAULT_SHAPES.dev);
    const chart = single(run, CHART).inputs;
    expect(chart).toMatchObject({
      chart: "vault",
      version: "0.34.1",
      repositoryOpts: { repo: "https://helm.releases.hashicorp.com" },
      name: "vault",
      namespace: "secrets",
    });
    const { server, injector, global } = chart.values;
    expect(global).toEqual({ tlsDisable: true });
    expect(injector.enabled).toBe(false);
    expect(server.standalone.enabled).toBe(true);
    expect(server.ha).toEqual({ enabled: false });
    expect(server.dataStorage).toEqual({ enabled: true, size: "10Gi" });
    expect(server.auditStorage).toEqual({ enabled: false });
    expect(server.topologySpreadConstraints).toEqual([]);
    expect(server.serviceAccount.annotations).toEqual({});
    expect(server.extraSecretEnvironmentVars).toEqual([]);
    const config: string = server.standalone.config;
    expect(config).toContain('storage "raft" {\n  path = "/vault/data"\n  node_id = "vault-0"\n}');
    expect(config).toMatch(
      /# Plain HTTP only because the listener never leaves the cluster.*\n.*\n {2}tls_disable = 1/,
    );
    expect(config).not.toContain("seal ");
    expect(config).not.toContain("retry_join");
    expect(config).not.toContain("telemetry");
    expect(chart.values.serverTelemetry).toBeUndefined();
    expect(ofType(run, CERTIFICATE)).toEqual([]);
    expect({ ...vault }).toMatchObject({
      address: "http://vault.secrets.svc:8200",
      namespace: "secrets",
      mode: "standalone",
      serviceAccountName: "vault",
    });
    expect(vault.caSecretName).toBeUndefined();
    expect(vault.auditLogPath).toBeUndefined();
  });

  it("runs a 3-server Raft cluster in prod that joins itself, spreads over zones and keeps a quorum", async () => {
    const { run, vault } = await renderVault(VAULT_SHAPES.prod);
    const { server } = chartValues(run);
    expect(server.standalone).toBeUndefined();
    expect(server.ha).toMatchObject({
      enabled: true,
      replicas: 3,
      raft: { enabled: true, setNodeId: true },
      disruptionBudget: { enabled: true, maxUnavailable: 1 },
    });
    // The chart's own hard anti-affinity by hostname stays; the zone spread comes on top.
    expect(server.affinity).toBeUndefined();
    expect(server.topologySpreadConstraints.map((c: any) => [c.topologyKey, c.whenUnsatisfiable])).toEqual([
      ["topology.kubernetes.io/zone", "ScheduleAnyway"],
      ["kubernetes.io/hostname", "DoNotSchedule"],
    ]);
    for (const constraint of server.topologySpreadConstraints)
      expect(constraint.labelSelector.matchLabels).toEqual({
        "app.kubernetes.io/name": "vault",
        "app.kubernetes.io/instance": "vault",
        component: "server",
      });
    expect(server.dataStorage).toEqual({ enabled: true, size: "20Gi" });
    const config: string = server.ha.raft.config;
    expect(config.match(/retry_join \{[^}]*\}/g)).toEqual(
      [0, 1, 2].map(
        (i) =>
          `retry_join {\n    leader_api_addr = "https://vault-${i}.vault-internal:8200"\n` +
          '    leader_ca_cert_file = "/vault/userconfig/tls/ca.crt"\n  }',
      ),
    );
    expect(config).toContain('service_registration "kubernetes" {}');
    expect(config).not.toContain("node_id");
    expect(vault.address).toBe("https://vault-active.secrets.svc:8200");
    expect(vault.mode).toBe("ha");
  });

  it("auto-unseals with AWS KMS as the IRSA role the service account is annotated with", async () => {
    const { run } = await renderVault(VAULT_SHAPES.prod);
    const { server } = chartValues(run);
    expect(server.ha.raft.config).toContain(
      `seal "awskms" {\n  region     = "eu-west-1"\n  kms_key_id = "${KMS_KEY}"\n}`,
    );
    expect(server.serviceAccount.annotations).toEqual({ "eks.amazonaws.com/role-arn": ROLE_ARN });
    expect(server.extraSecretEnvironmentVars).toEqual([]);
  });

  it("takes the KMS key and role from other resources' outputs", async () => {
    const { run } = await renderVault({
      ...VAULT_SHAPES.prod,
      seal: {
        type: "awskms",
        region: "eu-west-1",
        kmsKeyId: pulumi.output("key-from-the-stack"),
        roleArn: pulumi.output("arn:aws:iam::123456789012:role/from-the-stack"),
      },
    });
    const { server } = chartValues(run);
    expect(server.ha.raft.config).toContain('kms_key_id = "key-from-the-stack"');
    expect(server.serviceAccount.annotations["eks.amazonaws.com/role-arn"]).toBe(
      "arn:aws:iam::123456789012:role/from-the-stack",
    );
  });

  it("auto-unseals with Alibaba Cloud KMS, reading the RAM key pair from a Secret by reference", async () => {
    const { run } = await renderVault(VAULT_SHAPES.alicloud);
    const { server } = chartValues(run);
    const config: string = server.ha.raft.config;
    expect(config).toContain(
      'seal "alicloudkms" {\n  region     = "cn-hangzhou"\n  kms_key_id = "key-hzz6512abcdef"\n}',
    );
    expect(server.extraSecretEnvironmentVars).toEqual([
      { envName: "ALICLOUD_ACCESS_KEY", secretName: "vault-kms-credentials", secretKey: "access-key-id" },
      { envName: "ALICLOUD_SECRET_KEY", secretName: "vault-kms-credentials", secretKey: "access-key-secret" },
    ]);
    expect(server.serviceAccount.annotations).toEqual({});
    const custom = await renderVault({
      ...VAULT_SHAPES.alicloud,
      seal: { ...VAULT_SHAPES.alicloud.seal, accessKeyIdKey: "id", accessKeySecretKey: "secret" },
    });
    expect(chartValues(custom.run).server.extraSecretEnvironmentVars.map((v: any) => v.secretKey)).toEqual([
      "id",
      "secret",
    ]);
  });

  it("serves TLS from a cert-manager certificate covering every name clients and peers use", async () => {
    const { run, vault } = await renderVault(VAULT_SHAPES.prod);
    const certificate = single(run, CERTIFICATE).inputs;
    expect(certificate.metadata).toEqual({ name: "vault-tls", namespace: "secrets" });
    expect(certificate.spec).toMatchObject({
      secretName: "vault-tls",
      ipAddresses: ["127.0.0.1"],
      issuerRef: { name: "platform-internal-ca", kind: "ClusterIssuer", group: "cert-manager.io" },
    });
    expect(certificate.spec.dnsNames).toEqual(
      expect.arrayContaining([
        "vault.secrets.svc",
        "vault-active.secrets.svc",
        "vault-standby.secrets.svc",
        "*.vault-internal",
        "*.vault-internal.secrets.svc",
      ]),
    );
    const { server, global } = chartValues(run);
    expect(global).toEqual({ tlsDisable: false });
    expect(server.ha.raft.config).toContain('tls_cert_file   = "/vault/userconfig/tls/tls.crt"');
    expect(server.ha.raft.config).not.toContain("tls_disable");
    expect(server.volumes).toContainEqual({
      name: "tls",
      secret: { secretName: "vault-tls", defaultMode: 0o440 },
    });
    expect(server.volumeMounts).toContainEqual({
      name: "tls",
      mountPath: "/vault/userconfig/tls",
      readOnly: true,
    });
    expect(server.extraEnvironmentVars).toEqual({ VAULT_CACERT: "/vault/userconfig/tls/ca.crt" });
    expect(vault.caSecretName).toBe("vault-tls");
  });

  it("keeps an audit volume for the file audit device and exposes metrics to the scraper", async () => {
    const { run, vault } = await renderVault(VAULT_SHAPES.prod);
    const values = chartValues(run);
    expect(values.server.auditStorage).toEqual({ enabled: true, size: "5Gi" });
    expect(vault.auditLogPath).toBe("/vault/audit/vault-audit.log");
    expect(values.server.ha.raft.config).toContain("unauthenticated_metrics_access = true");
    expect(values.server.ha.raft.config).toContain('prometheus_retention_time = "30s"');
    expect(values.serverTelemetry.serviceMonitor).toEqual({
      enabled: true,
      selectors: { release: "kube-prometheus-stack" },
      tlsConfig: { ca: { secret: { name: "vault-tls", key: "ca.crt" } }, serverName: "vault.secrets.svc" },
    });
  });

  it("gives the server and the injector restricted contexts, requests, limits and pinned images", async () => {
    const { run } = await renderVault(VAULT_SHAPES.prod);
    const { server, injector } = chartValues(run);
    expect(server.image).toEqual({ repository: "hashicorp/vault", tag: "2.0.4" });
    expect(injector.image).toEqual({ repository: "hashicorp/vault-k8s", tag: "1.7.6" });
    expect(injector.agentImage).toEqual({ repository: "hashicorp/vault", tag: "2.0.4" });
    const pod = {
      runAsNonRoot: true,
      runAsUser: 100,
      runAsGroup: 1000,
      fsGroup: 1000,
      seccompProfile: { type: "RuntimeDefault" },
    };
    expect(server.statefulSet.securityContext).toEqual({
      pod,
      // Read-only root for the server, whose start script writes only to the /tmp volume.
      container: { ...RESTRICTED, readOnlyRootFilesystem: true },
    });
    expect(injector.securityContext).toEqual({ pod, container: RESTRICTED });
    expect(server.volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
    for (const resources of [server.resources, injector.resources]) {
      expect(resources.requests.cpu).toBeDefined();
      expect(resources.requests.memory).toBeDefined();
      expect(resources.limits.memory).toBeDefined();
    }
    expect(injector).toMatchObject({ enabled: true, replicas: 2, podDisruptionBudget: { minAvailable: 1 } });
    expect(injector.topologySpreadConstraints[0].labelSelector.matchLabels).toEqual({
      "app.kubernetes.io/name": "vault-agent-injector",
      "app.kubernetes.io/instance": "vault",
      component: "webhook",
    });
    expect(JSON.stringify(chartValues(run))).not.toMatch(/bitnami/i);
  });

  it("lets the caller override images and refuses :latest or no tag", async () => {
    const { run } = await renderVault({
      ...VAULT_SHAPES.dev,
      image: "registry.internal:5000/hashicorp/vault:2.0.4",
      injectorImage:
        "registry.internal:5000/hashicorp/vault-k8s:1.7.6@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    });
    const { server, injector } = chartValues(run);
    expect(server.image).toEqual({ repository: "registry.internal:5000/hashicorp/vault", tag: "2.0.4" });
    expect(injector.image).toEqual({
      repository: "registry.internal:5000/hashicorp/vault-k8s",
      tag: "1.7.6@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    });
    await expect(renderVault({ ...VAULT_SHAPES.dev, image: "hashicorp/vault:latest" })).rejects.toThrow(
      'image: image "hashicorp/vault:latest" uses the mutable :latest tag',
    );
    await expect(renderVault({ ...VAULT_SHAPES.dev, injectorImage: "hashicorp/vault-k8s" })).rejects.toThrow(
      'injectorImage: image "hashicorp/vault-k8s" has no tag',
    );
  });

  it("refuses an unknown mode, a Raft cluster without a quorum and bad volume sizes", async () => {
    await expect(renderVault({ ...VAULT_SHAPES.dev, mode: "dev" as "ha" })).rejects.toThrow(
      'mode must be "standalone" or "ha"',
    );
    for (const replicas of [1, 2, 4])
      await expect(renderVault({ ...VAULT_SHAPES.prod, replicas })).rejects.toThrow(
        `ha mode needs an odd number of at least 3 replicas, got ${replicas}`,
      );
    await expect(renderVault({ ...VAULT_SHAPES.dev, storageGi: 0 })).rejects.toThrow("storageGi must be");
    await expect(renderVault({ ...VAULT_SHAPES.dev, auditStorageGi: 1.5 })).rejects.toThrow(
      "auditStorageGi must be",
    );
    expect(
      chartValues((await renderVault({ ...VAULT_SHAPES.prod, replicas: 5 })).run).server.ha,
    ).toMatchObject({
      replicas: 5,
      disruptionBudget: { maxUnavailable: 2 },
    });
  });

  it("allows clients, the secrets operator, the scraper, Raft peers, the Kubernetes API and KMS", async () => {
    const server = "app.kubernetes.io/instance=vault app.kubernetes.io/name=vault component=server";
    const pods = (labels: string) => Object.fromEntries(labels.split(" ").map((l) => l.split("=")));
    const injector =
      "app.kubernetes.io/name=vault-agent-injector app.kubernetes.io/instance=vault component=webhook";
    expect(flowsOf((await renderVault(VAULT_SHAPES.prod)).run)).toEqual({
      "vault-clients": { pods: pods(server), types: ["Ingress"], peers: ["ai", "identity"], ports: [8200] },
      "vault-external-secrets": {
        pods: pods(server),
        types: ["Ingress"],
        peers: ["secrets app.kubernetes.io/name=external-secrets"],
        ports: [8200],
      },
      "vault-metrics": { pods: pods(server), types: ["Ingress"], peers: ["observability"], ports: [8200] },
      "vault-peers-in": {
        pods: pods(server),
        types: ["Ingress"],
        peers: [`secrets ${server}`],
        ports: [8200, 8201],
      },
      "vault-peers-out": {
        pods: pods(server),
        types: ["Egress"],
        peers: [`secrets ${server}`],
        ports: [8200, 8201],
      },
      "vault-kube-api": { pods: pods(server), types: ["Egress"], peers: ["0.0.0.0/0"], ports: [443, 6443] },
      "vault-kms": { pods: pods(server), types: ["Egress"], peers: ["0.0.0.0/0"], ports: [443] },
      "vault-injector-webhook": {
        pods: pods(injector),
        types: ["Ingress"],
        peers: ["0.0.0.0/0"],
        ports: [8080],
      },
      "vault-injector-kube-api": {
        pods: pods(injector),
        types: ["Egress"],
        peers: ["0.0.0.0/0"],
        ports: [443, 6443],
      },
    });
    // Shamir needs no KMS, one server no peers, and no client allow exists without clients.
    expect(Object.keys(flowsOf((await renderVault(VAULT_SHAPES.dev)).run)).sort()).toEqual([
      "vault-clients",
      "vault-kube-api",
    ]);
    const none = (await renderVault({ ...VAULT_SHAPES.dev, clientNamespaces: [] })).run;
    expect(ofType(none, NETWORK_POLICY).map((p) => p.name)).toEqual(["vault-kube-api"]);
  });

  it("derives every name from the component's name and declares everything as its children", async () => {
    const { run, vault } = await renderVault(VAULT_SHAPES.prod, "platform");
    expect(single(run, CHART).inputs.name).toBe("platform");
    expect(vault.address).toBe("https://platform-vault-active.secrets.svc:8200");
    expect(vault.serviceAccountName).toBe("platform-vault");
    expect(chartValues(run).server.ha.raft.config).toContain(
      'leader_api_addr = "https://platform-vault-2.platform-vault-internal:8200"',
    );
    expect(byName(run, NETWORK_POLICY, "platform-clients").inputs.spec.podSelector.matchLabels).toMatchObject(
      { "app.kubernetes.io/instance": "platform" },
    );
    const component = single(run, "ai-platform:secrets:Vault");
    expect(descendantsOf(run, component)).toHaveLength(run.resources.length - 1);
  });

  describe.each(Object.entries(VAULT_SHAPES))("%s shape", (_shape, args) => {
    it("validates against the CRDs, kubernetes-models and the chart's values", async () => {
      await expectValidObjectsAndValues((await renderVault(args)).run);
    });

    it("passes the security pack's mandatory rules with the prod configuration", async () => {
      expectNoMandatoryViolations((await renderVault(args)).run);
    });

    it("holds no password or credential in plain text", async () => {
      const { run, vault } = await renderVault(args);
      expectNoCredentials(run, vault);
    });
  });
});

describe("ExternalSecrets", () => {
  it("installs the pinned chart with its CRDs, restricted contexts, requests and limits", async () => {
    const { run } = await renderEso(ESO_SHAPES.dev);
    const chart = single(run, CHART).inputs;
    expect(chart).toMatchObject({
      chart: "external-secrets",
      version: "2.9.0",
      repositoryOpts: { repo: "https://charts.external-secrets.io" },
      name: "external-secrets",
      namespace: "secrets",
    });
    const values = chart.values;
    expect(values).toMatchObject({ installCRDs: true, replicaCount: 1, leaderElect: false });
    for (const component of [values, values.webhook, values.certController]) {
      expect(component.image).toEqual({
        repository: "ghcr.io/external-secrets/external-secrets",
        tag: "v2.9.0",
      });
      expect(component.podSecurityContext).toEqual({ enabled: true });
      expect(component.securityContext).toMatchObject({
        ...RESTRICTED,
        enabled: true,
        readOnlyRootFilesystem: true,
      });
      expect(component.resources.requests.cpu).toBeDefined();
      expect(component.resources.requests.memory).toBeDefined();
      expect(component.resources.limits.memory).toBeDefined();
    }
    expect(values.webhook.port).toBe(10250);
    expect(values.podDisruptionBudget.enabled).toBe(false);
    expect(values.topologySpreadConstraints).toEqual([]);
    expect(values.serviceMonitor).toBeUndefined();
  });

  it("runs the controller and the webhook replicated in prod, spread over zones with PDBs", async () => {
    const values = chartValues((await renderEso(ESO_SHAPES.prod)).run);
    expect(values).toMatchObject({
      replicaCount: 2,
      leaderElect: true,
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
    });
    expect(values.webhook).toMatchObject({
      replicaCount: 2,
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
    });
    expect(values.topologySpreadConstraints[0]).toMatchObject({
      topologyKey: "topology.kubernetes.io/zone",
      labelSelector: {
        matchLabels: {
          "app.kubernetes.io/name": "external-secrets",
          "app.kubernetes.io/instance": "external-secrets",
        },
      },
    });
    expect(values.webhook.topologySpreadConstraints[0].labelSelector.matchLabels).toEqual({
      "app.kubernetes.io/name": "external-secrets-webhook",
      "app.kubernetes.io/instance": "external-secrets",
    });
    expect(values.serviceMonitor).toEqual({
      enabled: true,
      renderMode: "alwaysRender",
      additionalLabels: { release: "kube-prometheus-stack" },
    });
    for (const component of [values, values.webhook, values.certController])
      expect(component.metrics).toEqual({ service: { enabled: true } });
  });

  it('declares the ClusterSecretStore "vault": KV v2, Kubernetes auth as the controller\'s service account', async () => {
    const { run, eso } = await renderEso(ESO_SHAPES.dev);
    const store = single(run, STORE).inputs;
    expect(store.metadata).toEqual({ name: "vault" });
    expect(store.spec).toEqual({
      provider: {
        vault: {
          server: "http://vault.secrets.svc:8200",
          path: "secret",
          version: "v2",
          auth: {
            kubernetes: {
              mountPath: "kubernetes",
              role: "external-secrets",
              serviceAccountRef: { name: "external-secrets", namespace: "secrets", audiences: ["vault"] },
            },
          },
        },
      },
    });
    expect(eso.clusterSecretStoreName).toBe(CLUSTER_SECRET_STORE_NAME);
    expect(eso.serviceAccountName).toBe("external-secrets");
    // The reference CRD serves external-secrets.io/v1 only.
    expect((await checkKubernetesObject(STORE, store)).validatedBy).toBe("crd");
    expect(
      (await checkKubernetesObject("kubernetes:external-secrets.io/v1beta1:ClusterSecretStore", store))
        .validatedBy,
    ).toBeUndefined();
  });

  it("trusts Vault's CA, uses the caller's paths and role and limits the store to some namespaces", async () => {
    const store = single((await renderEso(ESO_SHAPES.prod)).run, STORE).inputs.spec;
    expect(store.provider.vault).toMatchObject({
      server: "https://vault-active.secrets.svc:8200",
      path: "kv",
      auth: { kubernetes: { mountPath: "k8s", role: "eso" } },
      caProvider: { type: "Secret", name: "vault-tls", namespace: "secrets", key: "ca.crt" },
    });
    expect(store.conditions).toEqual([{ namespaces: ["ai", "identity"] }]);
  });

  it("allows the controller to Vault and the API server, the API server to the webhook, the scraper to metrics", async () => {
    const all = { "app.kubernetes.io/instance": "external-secrets" };
    const controller = { "app.kubernetes.io/name": "external-secrets", ...all };
    const webhook = { "app.kubernetes.io/name": "external-secrets-webhook", ...all };
    expect(flowsOf((await renderEso(ESO_SHAPES.prod)).run)).toEqual({
      "external-secrets-vault": { pods: controller, types: ["Egress"], peers: ["secrets"], ports: [8200] },
      "external-secrets-kube-api": { pods: all, types: ["Egress"], peers: ["0.0.0.0/0"], ports: [443, 6443] },
      "external-secrets-webhook": { pods: webhook, types: ["Ingress"], peers: ["0.0.0.0/0"], ports: [10250] },
      "external-secrets-metrics": { pods: all, types: ["Ingress"], peers: ["observability"], ports: [8080] },
    });
    const external = flowsOf(
      (await renderEso({ ...ESO_SHAPES.dev, vault: { address: "https://vault.example.com" } })).run,
    );
    expect(external["external-secrets-vault"]).toMatchObject({ peers: ["0.0.0.0/0"], ports: [443] });
    expect(external["external-secrets-metrics"]).toBeUndefined();
    const named = flowsOf(
      (await renderEso({ ...ESO_SHAPES.dev, vault: { address: "http://vault:8200", namespace: "identity" } }))
        .run,
    );
    expect(named["external-secrets-vault"]).toMatchObject({ peers: ["identity"], ports: [8200] });
  });

  it("refuses bad replicas, an address that is no URL, an empty namespace list and :latest", async () => {
    await expect(renderEso({ ...ESO_SHAPES.dev, replicas: 0 })).rejects.toThrow(
      "replicas must be a positive",
    );
    await expect(
      renderEso({ ...ESO_SHAPES.dev, vault: { address: "vault.secrets.svc:8200" } }),
    ).rejects.toThrow("vault.address must be a URL");
    await expect(renderEso({ ...ESO_SHAPES.dev, allowedNamespaces: [] })).rejects.toThrow(
      "allowedNamespaces",
    );
    await expect(
      renderEso({ ...ESO_SHAPES.dev, image: "ghcr.io/external-secrets/external-secrets:latest" }),
    ).rejects.toThrow(
      'image: image "ghcr.io/external-secrets/external-secrets:latest" uses the mutable :latest tag',
    );
  });

  it("fits the Vault component: the store calls its address, Vault admits the controller's pods", async () => {
    let vault: Vault | undefined;
    const run = await renderComponents(() => {
      vault = new Vault("vault", { ...VAULT_SHAPES.prod, externalSecretsNamespace: "secrets" });
      new ExternalSecrets("external-secrets", {
        namespace: "secrets",
        vault: {
          address: (vault as Vault).address,
          caSecret: { name: (vault as Vault).caSecretName as string, namespace: (vault as Vault).namespace },
        },
      });
    });
    const store = single(run, STORE).inputs.spec.provider.vault;
    expect(store.server).toBe("https://vault-active.secrets.svc:8200");
    expect(store.caProvider.name).toBe(single(run, CERTIFICATE).inputs.spec.secretName);
    const admitted = byName(run, NETWORK_POLICY, "vault-external-secrets").inputs.spec.ingress[0].from[0];
    const controller = byName(run, NETWORK_POLICY, "external-secrets-vault").inputs.spec;
    expect(admitted.podSelector.matchLabels).toEqual(
      expect.objectContaining({
        "app.kubernetes.io/name": controller.podSelector.matchLabels["app.kubernetes.io/name"],
      }),
    );
    expect(controller.egress[0].to[0].namespaceSelector).toEqual({
      matchLabels: { "kubernetes.io/metadata.name": "secrets" },
    });
  });

  it("declares everything as children of the component", async () => {
    const { run } = await renderEso(ESO_SHAPES.prod);
    const component = single(run, "ai-platform:secrets:ExternalSecrets");
    expect(descendantsOf(run, component)).toHaveLength(run.resources.length - 1);
  });

  describe.each(Object.entries(ESO_SHAPES))("%s shape", (_shape, args) => {
    it("validates against the CRDs, kubernetes-models and the chart's values", async () => {
      await expectValidObjectsAndValues((await renderEso(args)).run);
    });

    it("passes the security pack's mandatory rules with the prod configuration", async () => {
      expectNoMandatoryViolations((await renderEso(args)).run);
    });

    it("holds no password or credential in plain text", async () => {
      const { run, eso } = await renderEso(args);
      expectNoCredentials(run, eso);
    });
  });
});
