import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  DEFAULT_SCRAPE_NAMESPACES,
  MonitoringStack,
  type MonitoringStackArgs,
} from "../../components/observability/monitoring-stack";
import { GENERATED_PASSWORD_PREFIX } from "../../policies/offline/mocks";
import {
  REFERENCE_ROOT,
  referenceChartValues,
  referenceChartVersion,
  unknownValuesKeys,
} from "../harness/chart-reference";
import { expectNotInPlainInputs, schemaProblems, securityViolations } from "../harness/component-checks";
import { byName, descendantsOf, ofType, single } from "../harness/queries";
import { ProgramFailed, renderComponents, type StackRun } from "../harness/run-stack";

const CHART = "kubernetes:helm.sh/v4:Chart";
const SECRET = "kubernetes:core/v1:Secret";
const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
const CHART_NAME = "kube-prometheus-stack";

const ROUTE = {
  hostname: "grafana.ai.example.com",
  gatewayName: "platform",
  gatewayNamespace: "ingress",
  listenerName: "https-grafana",
};
const OIDC = {
  issuerUrl: "https://auth.ai.example.com/realms/platform/",
  clientId: "grafana",
  clientSecretSecretName: "grafana-oidc",
  clientSecretKey: "client-secret",
};
const SHAPES = {
  dev: { namespace: "observability", grafana: {} },
  prod: {
    namespace: "observability",
    replicas: 2,
    prometheusRetention: "15d",
    prometheusStorageGi: 100,
    alertmanagerConfigSecretName: "alertmanager-config",
    nodeExporterNamespace: "observability-agents",
    prometheusClientNamespaces: ["ai"],
    grafana: { route: ROUTE, oidc: OIDC },
  },
} as const satisfies Record<string, MonitoringStackArgs>;

/** Pod labels the chart and the operator give each part (the chart's own PDBs select these). */
const PODS = {
  operator: { app: "kube-prometheus-stack-operator", release: "kube-prometheus-stack" },
  prometheus: { "app.kubernetes.io/name": "prometheus", prometheus: "kube-prometheus-stack-prometheus" },
  alertmanager: {
    "app.kubernetes.io/name": "alertmanager",
    alertmanager: "kube-prometheus-stack-alertmanager",
  },
  grafana: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "kube-prometheus-stack" },
  kubeStateMetrics: {
    "app.kubernetes.io/name": "kube-state-metrics",
    "app.kubernetes.io/instance": "kube-prometheus-stack",
  },
};

/**
 * Keys the reference values.yaml (the parent chart's) does not have, by shape. Each is either a key of a
 * subchart the reference Chart.yaml bundles (the reference data holds no subchart values.yaml) or one
 * the parent documents only as a comment; the test proves which.
 */
const NOT_IN_PARENT_VALUES = {
  dev: [
    "grafana.grafana.ini",
    "grafana.resources",
    "grafana.securityContext",
    "grafana.containerSecurityContext",
    "grafana.sidecar.resources",
    "grafana.sidecar.securityContext",
    "grafana.initChownData",
    "grafana.testFramework",
    "kube-state-metrics.resources",
    "kube-state-metrics.securityContext",
    "kube-state-metrics.containerSecurityContext",
  ],
  prod: [
    "alertmanager.alertmanagerSpec.configSecret",
    "grafana.grafana.ini",
    "grafana.envValueFrom",
    "grafana.resources",
    "grafana.securityContext",
    "grafana.containerSecurityContext",
    "grafana.sidecar.resources",
    "grafana.sidecar.securityContext",
    "grafana.initChownData",
    "grafana.testFramework",
    "kube-state-metrics.resources",
    "kube-state-metrics.securityContext",
    "kube-state-metrics.containerSecurityContext",
    "prometheus-node-exporter.resources",
  ],
};
/** Keys the parent values.yaml documents as a comment (`# key:`) in the section named by the path. */
const COMMENTED_KEYS = ["alertmanager.alertmanagerSpec.configSecret"];

async function render(args: MonitoringStackArgs, name = "monitoring") {
  let stack: MonitoringStack | undefined;
  const run = await renderComponents(() => {
    stack = new MonitoringStack(name, args);
  });
  return { run, stack: stack as MonitoringStack };
}

const valuesOf = (run: StackRun) => single(run, CHART).inputs.values;

/** Each NetworkPolicy as `{ pods, types, peers, ports }`, peers written `namespace k=v …` or a CIDR. */
function flows(run: StackRun) {
  const peerText = (peer: any) =>
    peer.ipBlock
      ? peer.ipBlock.cidr
      : [
          peer.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] ?? "(own)",
          labels(peer.podSelector?.matchLabels ?? {}),
        ]
          .filter((part) => part !== "")
          .join(" ");
  return Object.fromEntries(
    ofType(run, NETWORK_POLICY).map((policy) => {
      const spec = policy.inputs.spec;
      const rule = spec.ingress?.[0] ?? spec.egress?.[0];
      return [
        policy.name,
        {
          pods: spec.podSelector.matchLabels ?? "all",
          types: spec.policyTypes,
          peers: (rule.from ?? rule.to).map(peerText),
          ports: (rule.ports ?? []).map((p: { protocol: string; port: number }) => `${p.port}/${p.protocol}`),
        },
      ];
    }),
  );
}
/** `k=v …` sorted by key (the recorded inputs come back with sorted keys). */
function labels(pods: Record<string, string>): string {
  return Object.entries(pods)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}

describe("MonitoringStack", () => {
  it("installs the pinned kube-prometheus-stack chart as release kube-prometheus-stack", async () => {
    const { run } = await render(SHAPES.dev);
    const chart = single(run, CHART).inputs;
    expect(chart).toMatchObject({
      chart: CHART_NAME,
      name: "kube-prometheus-stack",
      namespace: "observability",
      repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
    });
    expect(chart.version).toBe(referenceChartVersion(CHART_NAME));
    expect(JSON.stringify(chart.values)).not.toMatch(/bitnami/i);
  });

  it("runs one Prometheus (2d, 20Gi) and one Alertmanager without PDBs or spread in dev", async () => {
    const { run } = await render(SHAPES.dev);
    const values = valuesOf(run);
    expect(values.prometheus.prometheusSpec).toMatchObject({
      replicas: 1,
      retention: "2d",
      retentionSize: "17GB",
      topologySpreadConstraints: [],
    });
    expect(values.prometheus.prometheusSpec.storageSpec).toEqual({
      volumeClaimTemplate: {
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } },
      },
    });
    expect(values.alertmanager.alertmanagerSpec).toMatchObject({
      replicas: 1,
      topologySpreadConstraints: [],
    });
    expect(values.prometheus.podDisruptionBudget.enabled).toBe(false);
    expect(values.alertmanager.podDisruptionBudget.enabled).toBe(false);
    expect(flows(run)).not.toHaveProperty("monitoring-alertmanager-mesh");
  });

  it("runs 2 Prometheus (15d, 100Gi) and 2 Alertmanagers with PDBs, spread over zones, in prod", async () => {
    const { run } = await render(SHAPES.prod);
    const values = valuesOf(run);
    const prometheus = values.prometheus.prometheusSpec;
    expect(prometheus).toMatchObject({ replicas: 2, retention: "15d", retentionSize: "85GB" });
    expect(prometheus.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe("100Gi");
    expect(values.alertmanager.alertmanagerSpec.replicas).toBe(2);
    for (const [part, spec, pods] of [
      ["prometheus", prometheus, PODS.prometheus],
      ["alertmanager", values.alertmanager.alertmanagerSpec, PODS.alertmanager],
    ] as const) {
      expect(values[part].podDisruptionBudget, part).toEqual({ enabled: true, minAvailable: 1 });
      expect(
        spec.topologySpreadConstraints.map((c: any) => [c.topologyKey, c.labelSelector.matchLabels]),
      ).toEqual([
        ["topology.kubernetes.io/zone", pods],
        ["kubernetes.io/hostname", pods],
      ]);
    }
    // Replicated Alertmanagers gossip on 9094 over TCP and UDP.
    expect(flows(run)["monitoring-alertmanager-mesh"]).toEqual({
      pods: PODS.alertmanager,
      types: ["Ingress", "Egress"],
      peers: [`(own) ${labels(PODS.alertmanager)}`],
      ports: ["9094/TCP", "9094/UDP"],
    });
    const mesh = byName(run, NETWORK_POLICY, "monitoring-alertmanager-mesh").inputs.spec;
    expect(mesh.egress).toEqual([{ to: mesh.ingress[0].from, ports: mesh.ingress[0].ports }]);
  });

  it("selects monitors and rules labelled release: kube-prometheus-stack in every namespace", async () => {
    const { run, stack } = await render(SHAPES.dev);
    expect(stack.monitorLabel).toEqual({ release: "kube-prometheus-stack" });
    const spec = valuesOf(run).prometheus.prometheusSpec;
    for (const kind of ["serviceMonitor", "podMonitor", "rule"]) {
      expect(spec[`${kind}SelectorNilUsesHelmValues`], kind).toBe(true);
      expect(spec[`${kind}Selector`], kind).toEqual({ matchLabels: { release: "kube-prometheus-stack" } });
      expect(spec[`${kind}NamespaceSelector`], kind).toEqual({});
    }
  });

  it("exposes in-cluster URLs, or Grafana's public one when routed", async () => {
    const dev = (await render(SHAPES.dev)).stack;
    expect({ ...dev }).toMatchObject({
      prometheusUrl: "http://kube-prometheus-stack-prometheus.observability.svc.cluster.local:9090",
      alertmanagerUrl: "http://kube-prometheus-stack-alertmanager.observability.svc.cluster.local:9093",
      grafanaUrl: "http://kube-prometheus-stack-grafana.observability.svc.cluster.local:80",
      grafanaAdminSecretName: "monitoring-grafana-admin",
      monitorLabel: { release: "kube-prometheus-stack" },
    });
    expect((await render(SHAPES.prod)).stack.grafanaUrl).toBe("https://grafana.ai.example.com");
  });

  it("uses the chart's null-receiver config in dev and the caller's Secret in prod", async () => {
    const dev = valuesOf((await render(SHAPES.dev)).run).alertmanager;
    expect(dev.config).toBeUndefined();
    expect(dev.alertmanagerSpec.useExistingSecret).toBeUndefined();
    expect(dev.alertmanagerSpec.configSecret).toBeUndefined();
    // The chart's default, used as is, routes everything to a receiver named "null".
    const reference = referenceChartValues(CHART_NAME) as any;
    expect(reference.alertmanager.config.route.receiver).toBe("null");
    expect(reference.alertmanager.config.receivers).toEqual([{ name: "null" }]);

    const prod = valuesOf((await render(SHAPES.prod)).run).alertmanager;
    expect(prod.alertmanagerSpec).toMatchObject({
      useExistingSecret: true,
      configSecret: "alertmanager-config",
    });
    expect(prod.config).toBeUndefined();
    expect(prod.stringConfig).toBeUndefined();
  });

  it("generates the Grafana admin password into a Secret the chart reads by name", async () => {
    const { run } = await render(SHAPES.dev);
    expect(single(run, RANDOM_PASSWORD).inputs).toMatchObject({ length: 32, special: false });
    const secret = single(run, SECRET);
    expect(secret.inputs.metadata).toMatchObject({
      name: "monitoring-grafana-admin",
      namespace: "observability",
    });
    expect(secret.inputs.stringData).toEqual({
      "admin-user": "admin",
      "admin-password": `${GENERATED_PASSWORD_PREFIX}monitoring-grafana-admin`,
    });
    const grafana = valuesOf(run).grafana;
    expect(grafana.admin).toEqual({
      existingSecret: "monitoring-grafana-admin",
      userKey: "admin-user",
      passwordKey: "admin-password",
    });
    expect(grafana.adminPassword).toBeUndefined();
  });

  it("logs in through Keycloak: client secret from its Secret, platform-admin → GrafanaAdmin, else Viewer", async () => {
    const grafana = valuesOf((await render(SHAPES.prod)).run).grafana;
    const ini = grafana["grafana.ini"];
    expect(ini.server).toEqual({
      domain: "grafana.ai.example.com",
      root_url: "https://grafana.ai.example.com/",
    });
    const realm = "https://auth.ai.example.com/realms/platform/protocol/openid-connect";
    expect(ini["auth.generic_oauth"]).toMatchObject({
      enabled: true,
      client_id: "grafana",
      auth_url: `${realm}/auth`,
      token_url: `${realm}/token`,
      api_url: `${realm}/userinfo`,
      use_pkce: true,
      allow_assign_grafana_admin: true,
      role_attribute_path:
        "contains(realm_access.roles || roles || `[]`, 'platform-admin') && 'GrafanaAdmin' || 'Viewer'",
    });
    expect(ini["auth.generic_oauth"].signout_redirect_url).toBe(
      `${realm}/logout?client_id=grafana&post_logout_redirect_uri=${encodeURIComponent("https://grafana.ai.example.com/login")}`,
    );
    expect(ini["auth.generic_oauth"]).not.toHaveProperty("client_secret");
    expect(grafana.envValueFrom).toEqual({
      GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: { secretKeyRef: { name: "grafana-oidc", key: "client-secret" } },
    });
    expect(ini.analytics).toMatchObject({ check_for_updates: false, reporting_enabled: false });

    const custom = await render({
      ...SHAPES.prod,
      grafana: { route: ROUTE, oidc: { ...OIDC, adminRole: "ops" } },
    });
    expect(valuesOf(custom.run).grafana["grafana.ini"]["auth.generic_oauth"].role_attribute_path).toContain(
      "'ops') && 'GrafanaAdmin'",
    );
    const dev = valuesOf((await render(SHAPES.dev)).run).grafana;
    expect(Object.keys(dev["grafana.ini"])).toEqual(["analytics"]);
    expect(dev.envValueFrom).toBeUndefined();
  });

  it("routes the Grafana hostname through the shared Gateway's HTTPS listener", async () => {
    const { run } = await render(SHAPES.prod);
    const route = single(run, HTTP_ROUTE).inputs;
    expect(route.metadata).toEqual({ name: "monitoring-grafana", namespace: "observability" });
    expect(route.spec).toEqual({
      parentRefs: [
        {
          group: "gateway.networking.k8s.io",
          kind: "Gateway",
          name: "platform",
          namespace: "ingress",
          sectionName: "https-grafana",
        },
      ],
      hostnames: ["grafana.ai.example.com"],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          backendRefs: [{ name: "kube-prometheus-stack-grafana", port: 80 }],
        },
      ],
    });
    expect(ofType((await render(SHAPES.dev)).run, HTTP_ROUTE)).toEqual([]);
  });

  it("gives every part requests, a memory limit and a restricted security context", async () => {
    const values = valuesOf((await render(SHAPES.prod)).run);
    const parts = {
      operator: {
        resources: values.prometheusOperator.resources,
        pod: values.prometheusOperator.securityContext,
        container: values.prometheusOperator.containerSecurityContext,
      },
      configReloader: { resources: values.prometheusOperator.prometheusConfigReloader.resources },
      prometheus: {
        resources: values.prometheus.prometheusSpec.resources,
        pod: values.prometheus.prometheusSpec.securityContext,
      },
      alertmanager: {
        resources: values.alertmanager.alertmanagerSpec.resources,
        pod: values.alertmanager.alertmanagerSpec.securityContext,
      },
      grafana: {
        resources: values.grafana.resources,
        pod: values.grafana.securityContext,
        container: values.grafana.containerSecurityContext,
      },
      grafanaSidecars: {
        resources: values.grafana.sidecar.resources,
        container: values.grafana.sidecar.securityContext,
      },
      kubeStateMetrics: {
        resources: values["kube-state-metrics"].resources,
        pod: values["kube-state-metrics"].securityContext,
        container: values["kube-state-metrics"].containerSecurityContext,
      },
      nodeExporter: { resources: values["prometheus-node-exporter"].resources },
    };
    for (const [part, { resources, ...contexts }] of Object.entries(parts)) {
      expect(resources.requests.cpu, part).toBeDefined();
      expect(resources.requests.memory, part).toBeDefined();
      expect(resources.limits.memory, part).toBeDefined();
      const { pod, container } = contexts as { pod?: any; container?: any };
      if (pod) {
        expect(pod, part).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        expect(pod.runAsUser, part).toBeGreaterThan(0);
      }
      if (container) {
        expect(container, part).toMatchObject({
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"] },
        });
        // runAsNonRoot and seccomp are the pod's where the chart has no container field for them.
        expect({ ...pod, ...container }, part).toMatchObject({
          runAsNonRoot: true,
          seccompProfile: { type: "RuntimeDefault" },
        });
      }
    }
    expect(values["kube-state-metrics"].securityContext.enabled).toBe(true);
    expect(values.grafana.initChownData).toEqual({ enabled: false });
  });

  it("pins the images by tag, the chart's by default, and refuses :latest or no tag", async () => {
    const values = valuesOf((await render(SHAPES.dev)).run);
    const reference = referenceChartValues(CHART_NAME) as any;
    expect(values.prometheus.prometheusSpec.image.tag).toBe(reference.prometheus.prometheusSpec.image.tag);
    expect(values.alertmanager.alertmanagerSpec.image.tag).toBe(
      reference.alertmanager.alertmanagerSpec.image.tag,
    );
    // The operator's tag defaults to the chart's appVersion; the config reloader must match it.
    const appVersion = parse(
      readFileSync(join(REFERENCE_ROOT, "charts", CHART_NAME, "Chart.yaml"), "utf8"),
    ).appVersion;
    expect(values.prometheusOperator.image.tag).toBe(appVersion);
    expect(values.prometheusOperator.prometheusConfigReloader.image.tag).toBe(appVersion);
    expect(values.grafana.image).toBeUndefined();

    const overridden = valuesOf(
      (
        await render({
          ...SHAPES.dev,
          imageTags: {
            prometheus: "v3.15.0",
            operator: "v0.94.0",
            grafana: "12.3.1",
            kubeStateMetrics: "v2.17.0",
          },
        })
      ).run,
    );
    expect(overridden.prometheus.prometheusSpec.image.tag).toBe("v3.15.0");
    expect(overridden.prometheusOperator.prometheusConfigReloader.image.tag).toBe("v0.94.0");
    expect(overridden.grafana.image).toEqual({ tag: "12.3.1" });
    expect(overridden["kube-state-metrics"].image).toEqual({ tag: "v2.17.0" });
    await expect(render({ ...SHAPES.dev, imageTags: { prometheus: "latest" } })).rejects.toThrow(
      'imageTags.prometheus must be a version tag other than "latest", got "latest"',
    );
    await expect(render({ ...SHAPES.dev, imageTags: { grafana: "" } })).rejects.toThrow("imageTags.grafana");
  });

  it("places node-exporter in the privileged namespace it is given, and leaves it out otherwise", async () => {
    const prod = valuesOf((await render(SHAPES.prod)).run);
    expect(prod.nodeExporter).toEqual({ enabled: true });
    expect(prod["prometheus-node-exporter"].namespaceOverride).toBe("observability-agents");
    expect(prod.defaultRules.rules).toMatchObject({
      nodeExporterAlerting: true,
      nodeExporterRecording: true,
    });
    const dev = valuesOf((await render(SHAPES.dev)).run);
    expect(dev.nodeExporter).toEqual({ enabled: false });
    expect(dev["prometheus-node-exporter"]).toBeUndefined();
    expect(dev.defaultRules.rules).toMatchObject({
      nodeExporterAlerting: false,
      nodeExporterRecording: false,
    });
  });

  it("takes webhook certificates from cert-manager and skips the control plane a managed cluster hides", async () => {
    const values = valuesOf((await render(SHAPES.dev)).run);
    expect(values.prometheusOperator.admissionWebhooks).toEqual({
      certManager: { enabled: true },
      patch: { enabled: false },
    });
    for (const part of ["kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"])
      expect(values[part], part).toEqual({ enabled: false });
  });

  it.each([
    [{ prometheusRetention: "two days" }, "prometheusRetention must be a Prometheus duration"],
    [{ prometheusStorageGi: 0 }, "prometheusStorageGi must be a positive whole number"],
    [{ replicas: 1.5 }, "replicas must be a positive whole number"],
    [{ nodeExporterNamespace: "observability" }, "node-exporter needs hostNetwork/hostPID/hostPath"],
    [{ grafana: { oidc: OIDC } }, "grafana.oidc needs grafana.route"],
    [{ grafana: { route: ROUTE, oidc: { ...OIDC, issuerUrl: "http://keycloak" } } }, "must be an https URL"],
    [{ grafana: { route: ROUTE, oidc: { ...OIDC, adminRole: "x') || 'y" } } }, "may hold only letters"],
  ] as const)("refuses %j before declaring anything", async (change, message) => {
    const failure = await render({ ...SHAPES.dev, ...change }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProgramFailed);
    expect(String((failure as ProgramFailed).cause)).toContain(message);
    expect((failure as ProgramFailed).declared).toEqual([]);
  });

  it("declares everything as children of the component", async () => {
    const { run } = await render(SHAPES.prod);
    const component = single(run, "ai-platform:observability:MonitoringStack");
    expect(descendantsOf(run, component)).toHaveLength(run.resources.length - 1);
  });

  describe("network", () => {
    const own = (pods: Record<string, string>) => `observability ${labels(pods)}`;

    it("allows exactly the flows each part needs, in prod", async () => {
      const all = flows((await render(SHAPES.prod)).run);
      const { "monitoring-alertmanager-mesh": _mesh, ...rest } = all;
      const scraped = ["observability", ...DEFAULT_SCRAPE_NAMESPACES.filter((ns) => ns !== "observability")];
      const kubeApi = (pods: Record<string, string>) => ({
        pods,
        types: ["Egress"],
        peers: ["0.0.0.0/0"],
        ports: ["443/TCP", "6443/TCP"],
      });
      expect(rest).toEqual({
        "monitoring-prometheus-scrape": {
          pods: PODS.prometheus,
          types: ["Egress"],
          peers: scraped,
          ports: [],
        },
        "monitoring-scraped-by-prometheus": {
          pods: "all",
          types: ["Ingress"],
          peers: [own(PODS.prometheus)],
          ports: [],
        },
        "monitoring-prometheus-nodes": {
          pods: PODS.prometheus,
          types: ["Egress"],
          peers: ["0.0.0.0/0"],
          ports: ["10250/TCP", "9100/TCP"],
        },
        "monitoring-operator-kube-api": kubeApi(PODS.operator),
        "monitoring-prometheus-kube-api": kubeApi(PODS.prometheus),
        "monitoring-kube-state-metrics-kube-api": kubeApi(PODS.kubeStateMetrics),
        "monitoring-grafana-kube-api": kubeApi(PODS.grafana),
        "monitoring-operator-webhook": {
          pods: PODS.operator,
          types: ["Ingress"],
          peers: ["0.0.0.0/0"],
          ports: ["10250/TCP"],
        },
        "monitoring-grafana-to-prometheus": {
          pods: PODS.grafana,
          types: ["Egress"],
          peers: [own(PODS.prometheus)],
          ports: ["9090/TCP"],
        },
        "monitoring-prometheus-from-grafana": {
          pods: PODS.prometheus,
          types: ["Ingress"],
          peers: [own(PODS.grafana)],
          ports: ["9090/TCP"],
        },
        "monitoring-grafana-to-alertmanager": {
          pods: PODS.grafana,
          types: ["Egress"],
          peers: [own(PODS.alertmanager)],
          ports: ["9093/TCP"],
        },
        "monitoring-alertmanager-from-grafana": {
          pods: PODS.alertmanager,
          types: ["Ingress"],
          peers: [own(PODS.grafana)],
          ports: ["9093/TCP"],
        },
        "monitoring-prometheus-clients": {
          pods: PODS.prometheus,
          types: ["Ingress"],
          peers: ["ai"],
          ports: ["9090/TCP"],
        },
        "monitoring-alertmanager-receivers": {
          pods: PODS.alertmanager,
          types: ["Egress"],
          peers: ["0.0.0.0/0"],
          ports: ["443/TCP"],
        },
        "monitoring-grafana-oidc": {
          pods: PODS.grafana,
          types: ["Egress"],
          peers: ["0.0.0.0/0"],
          ports: ["443/TCP"],
        },
        "monitoring-grafana-from-gateway": {
          pods: PODS.grafana,
          types: ["Ingress"],
          peers: ["ingress app.kubernetes.io/component=proxy app.kubernetes.io/managed-by=envoy-gateway"],
          ports: ["3000/TCP"],
        },
      });
    });

    it("opens nothing for a route, OIDC, node-exporter or clients the dev shape does not have", async () => {
      const dev = flows((await render(SHAPES.dev)).run);
      for (const absent of [
        "monitoring-grafana-oidc",
        "monitoring-grafana-from-gateway",
        "monitoring-prometheus-clients",
        "monitoring-alertmanager-mesh",
      ])
        expect(dev, absent).not.toHaveProperty(absent);
      expect(dev["monitoring-prometheus-nodes"]?.ports).toEqual(["10250/TCP"]);
      // No policy may have an empty peer list: Kubernetes reads that as "everyone".
      for (const [name, flow] of Object.entries(dev)) expect(flow.peers, name).not.toEqual([]);
    });

    it("scrapes the namespaces it is given, its own always included", async () => {
      const custom = flows((await render({ ...SHAPES.dev, scrapeNamespaces: ["ai", "data"] })).run);
      expect(custom["monitoring-prometheus-scrape"]?.peers).toEqual(["observability", "ai", "data"]);
    });
  });

  describe.each(Object.entries(SHAPES))("%s shape", (shape, args) => {
    it("declares only objects valid against their CRD or kubernetes-models", async () => {
      const { run } = await render(args);
      const objects = run.resources.filter(
        (r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"),
      );
      expect(objects.length).toBeGreaterThan(10);
      expect(await schemaProblems(objects)).toEqual([]);
    });

    it("sets only chart values keys the chart or its bundled subcharts have", async () => {
      const { run } = await render(args);
      const unknown = unknownValuesKeys(valuesOf(run), referenceChartValues(CHART_NAME));
      expect([...unknown].sort()).toEqual([...NOT_IN_PARENT_VALUES[shape as keyof typeof SHAPES]].sort());
      const chartDir = join(REFERENCE_ROOT, "charts", CHART_NAME);
      const subcharts = (parse(readFileSync(join(chartDir, "Chart.yaml"), "utf8")).dependencies as any[]).map(
        (dependency) => dependency.alias ?? dependency.name,
      );
      const rawValues = readFileSync(join(chartDir, "values.yaml"), "utf8");
      for (const path of unknown) {
        if (COMMENTED_KEYS.includes(path)) {
          expect(rawValues, path).toMatch(new RegExp(`^\\s*# ${path.split(".").pop()}:`, "m"));
        } else {
          expect(subcharts, path).toContain(path.split(".")[0]);
        }
      }
    });

    it("never lets the Grafana admin password out of its Secret", async () => {
      const { run, stack } = await render(args);
      const password = `${GENERATED_PASSWORD_PREFIX}monitoring-grafana-admin`;
      const secret = single(run, SECRET);
      expect(secret.inputs.stringData["admin-password"]).toBe(password);
      expect(secret.secretInputs).toContain("stringData");
      expectNotInPlainInputs(run, password);
      expect(JSON.stringify({ ...stack, chart: undefined })).not.toContain(password);
    });

    it("passes the security pack's mandatory rules with the prod configuration", async () => {
      const { run } = await render(args);
      const violations = securityViolations(run);
      // No Namespace is declared (the caller's brings the default-deny), so that rule has nothing to flag.
      expect(violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
    });
  });
});
