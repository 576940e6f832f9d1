import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { allowEgress, allowIngress } from "../baseline/network-policy";
import { PINNED_CHARTS } from "../charts/pinned-charts";
import { MONITOR_LABELS } from "../common/monitoring";
import { RESTRICTED_CONTAINER } from "../common/security-context";
import { zoneSpread } from "../common/topology";

export interface GrafanaRouteArgs {
  /** Public hostname Grafana is served on, e.g. `grafana.ai.example.com`. */
  readonly hostname: string;
  /** The shared Gateway the HTTPRoute attaches to. */
  readonly gatewayName: string;
  /** Namespace of that Gateway and of its Envoy proxies, which get an allow to Grafana. */
  readonly gatewayNamespace: string;
  /** The Gateway's HTTPS listener for this hostname, e.g. `https-grafana`. */
  readonly listenerName: string;
}

export interface GrafanaOidcArgs {
  /** Keycloak realm URL, e.g. `https://auth.ai.example.com/realms/platform`. */
  readonly issuerUrl: string;
  readonly clientId: string;
  /** Secret in the monitoring namespace holding the client secret; read through an env reference only. */
  readonly clientSecretSecretName: string;
  readonly clientSecretKey: string;
  /** Keycloak realm (or client) role mapped to Grafana Admin; everyone else is a Viewer. Default `"platform-admin"`. */
  readonly adminRole?: string;
}

/** Image tags, each a version tag other than `latest`. Unset Grafana and kube-state-metrics tags use the pinned subchart's. */
export interface MonitoringImageTags {
  /** Default `"v3.14.0-distroless"`, the chart's. */
  readonly prometheus?: string;
  /** Default `"v0.34.0"`, the chart's. */
  readonly alertmanager?: string;
  /** Operator and config-reloader tag (they must match). Default `"v0.93.1"`, the chart's appVersion. */
  readonly operator?: string;
  readonly grafana?: string;
  readonly kubeStateMetrics?: string;
}

export interface MonitoringStackArgs {
  /** Existing Pod Security "restricted" namespace for the whole stack. No default. */
  readonly namespace: string;
  /** How long Prometheus keeps samples (a Prometheus duration). Default `"2d"`. */
  readonly prometheusRetention?: string;
  /** Volume per Prometheus replica in GiB; retention by size stops at 85% of it. Default `20`. */
  readonly prometheusStorageGi?: number;
  /** Prometheus and Alertmanager replicas; above 1 adds PodDisruptionBudgets and a zone spread. Default `1`. */
  readonly replicas?: number;
  /**
   * Existing Secret in `namespace` with the whole Alertmanager configuration under `alertmanager.yaml`.
   * Default: none, the chart's configuration, which routes every alert to a `null` receiver.
   */
  readonly alertmanagerConfigSecretName?: string;
  /** Grafana's public route and Keycloak login. Default: neither (in-cluster only, admin login). */
  readonly grafana: {
    readonly route?: GrafanaRouteArgs;
    readonly oidc?: GrafanaOidcArgs;
    /** Data sources beside Prometheus and Alertmanager, e.g. Loki. Default `[]`. */
    readonly dataSources?: readonly { readonly name: string; readonly type: string; readonly url: string }[];
  };
  /**
   * Namespace allowing privileged pods (e.g. `observability-agents`) for node-exporter, which needs
   * hostNetwork, hostPID and hostPath. Default: none, node-exporter is not installed.
   */
  readonly nodeExporterNamespace?: string;
  /** Namespaces Prometheus may scrape on any port (its own is always added). Default {@link DEFAULT_SCRAPE_NAMESPACES}. */
  readonly scrapeNamespaces?: readonly string[];
  /** Namespaces whose pods may query Prometheus on 9090 (e.g. an autoscaler). Default `[]`. */
  readonly prometheusClientNamespaces?: readonly string[];
  /** Default: the chart's pinned tags, written out. */
  readonly imageTags?: MonitoringImageTags;
}

/** The platform namespaces plus kube-system (CoreDNS metrics). */
export const DEFAULT_SCRAPE_NAMESPACES = [
  "ingress",
  "cert-manager",
  "data",
  "observability",
  "observability-agents",
  "identity",
  "ai",
  "kube-system",
] as const;

/** The Helm release name: fixed, since the chart labels its own monitors `release: <release name>`. */
// The release name is what the chart puts in the `release` label every platform monitor carries.
const RELEASE = MONITOR_LABELS.release;
const MONITOR_LABEL = { release: RELEASE } as const;
const PROMETHEUS = `${RELEASE}-prometheus`;
const ALERTMANAGER = `${RELEASE}-alertmanager`;
const GRAFANA = `${RELEASE}-grafana`;

/** Pod labels set by the chart (operator, Grafana, kube-state-metrics) or the operator (Prometheus, Alertmanager). */
const PODS = {
  operator: { app: `${RELEASE}-operator`, release: RELEASE },
  prometheus: { "app.kubernetes.io/name": "prometheus", prometheus: PROMETHEUS },
  alertmanager: { "app.kubernetes.io/name": "alertmanager", alertmanager: ALERTMANAGER },
  grafana: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": RELEASE },
  kubeStateMetrics: { "app.kubernetes.io/name": "kube-state-metrics", "app.kubernetes.io/instance": RELEASE },
} as const;

const PORTS = {
  prometheus: 9090,
  alertmanager: 9093,
  alertmanagerMesh: 9094,
  grafana: 3000,
  grafanaService: 80,
  webhook: 10250,
  kubelet: 10250,
  nodeExporter: 9100,
} as const;
const KUBE_API_PORTS = [443, 6443];

const DEFAULT_TAGS = { prometheus: "v3.14.0-distroless", alertmanager: "v0.34.0", operator: "v0.93.1" };

const resources = (cpu: string, memory: string, memoryLimit: string) => ({
  requests: { cpu, memory },
  limits: { memory: memoryLimit },
});
const RESOURCES = {
  operator: resources("100m", "128Mi", "512Mi"),
  configReloader: resources("10m", "32Mi", "64Mi"),
  prometheus: resources("250m", "1Gi", "4Gi"),
  alertmanager: resources("50m", "64Mi", "256Mi"),
  grafana: resources("100m", "256Mi", "512Mi"),
  grafanaSidecar: resources("50m", "64Mi", "256Mi"),
  kubeStateMetrics: resources("50m", "128Mi", "512Mi"),
  nodeExporter: resources("50m", "32Mi", "128Mi"),
};

const RUNTIME_DEFAULT = { type: "RuntimeDefault" };
const podSecurity = (user: number, group: number) => ({
  runAsNonRoot: true,
  runAsUser: user,
  runAsGroup: group,
  fsGroup: group,
  seccompProfile: RUNTIME_DEFAULT,
});
const READ_ONLY_CONTAINER = { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true };
/** The operator's container context as its chart models it; runAsNonRoot and seccomp come from the pod's. */
const OPERATOR_CONTAINER = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

function pinnedTag(field: string, tag: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag) || tag === "latest") {
    throw new Error(`imageTags.${field} must be a version tag other than "latest", got "${tag}"`);
  }
  return tag;
}

/** Defaults applied and every argument checked, before any resource is declared. */
function resolveArgs(name: string, args: MonitoringStackArgs) {
  const retention = args.prometheusRetention ?? "2d";
  const storageGi = args.prometheusStorageGi ?? 20;
  const replicas = args.replicas ?? 1;
  if (!/^([0-9]+(ms|s|m|h|d|w|y))+$/.test(retention))
    throw new Error(
      `${name}: prometheusRetention must be a Prometheus duration like 2d or 15d, got "${retention}"`,
    );
  if (!Number.isInteger(storageGi) || storageGi < 1)
    throw new Error(`${name}: prometheusStorageGi must be a positive whole number, got ${storageGi}`);
  if (!Number.isInteger(replicas) || replicas < 1)
    throw new Error(`${name}: replicas must be a positive whole number, got ${replicas}`);
  if (args.nodeExporterNamespace === args.namespace)
    throw new Error(
      `${name}: node-exporter needs hostNetwork/hostPID/hostPath, which ${args.namespace} forbids`,
    );
  const { route, oidc } = args.grafana;
  if (oidc && !route)
    throw new Error(`${name}: grafana.oidc needs grafana.route, the browser is sent back to its hostname`);
  if (oidc && !/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(oidc.issuerUrl))
    throw new Error(`${name}: grafana.oidc.issuerUrl must be an https URL, got "${oidc.issuerUrl}"`);
  const adminRole = oidc?.adminRole ?? "platform-admin";
  if (!/^[A-Za-z0-9_.:-]+$/.test(adminRole))
    throw new Error(
      `${name}: grafana.oidc.adminRole "${adminRole}" may hold only letters, digits and _ . : -`,
    );
  const tags = args.imageTags ?? {};
  const imageTags = {
    prometheus: pinnedTag("prometheus", tags.prometheus ?? DEFAULT_TAGS.prometheus),
    alertmanager: pinnedTag("alertmanager", tags.alertmanager ?? DEFAULT_TAGS.alertmanager),
    operator: pinnedTag("operator", tags.operator ?? DEFAULT_TAGS.operator),
    grafana: tags.grafana === undefined ? undefined : pinnedTag("grafana", tags.grafana),
    kubeStateMetrics:
      tags.kubeStateMetrics === undefined ? undefined : pinnedTag("kubeStateMetrics", tags.kubeStateMetrics),
  };
  return { retention, storageGi, replicas, route, oidc, adminRole, imageTags };
}

type Resolved = ReturnType<typeof resolveArgs>;

/** grafana.ini: no phoning home; the public URL when routed; Keycloak login when configured. */
function grafanaIni({ route, oidc, adminRole }: Resolved) {
  const rootUrl = route ? `https://${route.hostname}/` : undefined;
  const issuer = oidc?.issuerUrl.replace(/\/+$/, "");
  const afterLogout = oidc
    ? `client_id=${encodeURIComponent(oidc.clientId)}&post_logout_redirect_uri=${encodeURIComponent(`${rootUrl}login`)}`
    : "";
  return {
    analytics: { check_for_updates: false, check_for_plugin_updates: false, reporting_enabled: false },
    ...(route ? { server: { domain: route.hostname, root_url: rootUrl } } : {}),
    ...(oidc
      ? {
          // The client secret is not here: Grafana reads GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET (envValueFrom).
          "auth.generic_oauth": {
            enabled: true,
            name: "Keycloak",
            client_id: oidc.clientId,
            scopes: "openid email profile roles",
            auth_url: `${issuer}/protocol/openid-connect/auth`,
            token_url: `${issuer}/protocol/openid-connect/token`,
            api_url: `${issuer}/protocol/openid-connect/userinfo`,
            signout_redirect_url: `${issuer}/protocol/openid-connect/logout?${afterLogout}`,
            use_pkce: true,
            use_refresh_token: true,
            allow_sign_up: true,
            login_attribute_path: "preferred_username",
            email_attribute_path: "email",
            name_attribute_path: "name",
            // Realm roles (realm_access.roles) or a flat `roles` claim; anything else is a Viewer.
            role_attribute_path: `contains(realm_access.roles || roles || \`[]\`, '${adminRole}') && 'GrafanaAdmin' || 'Viewer'`,
            role_attribute_strict: false,
            allow_assign_grafana_admin: true,
          },
        }
      : {}),
  };
}

function chartValues(resolved: Resolved, args: MonitoringStackArgs, adminSecretName: string) {
  const { retention, storageGi, replicas, oidc, imageTags } = resolved;
  const ha = replicas > 1;
  const nodeExporter = args.nodeExporterNamespace !== undefined;
  const pdb = { enabled: ha, minAvailable: 1 };
  const selectsMonitorLabel = { matchLabels: { ...MONITOR_LABEL } };
  return {
    // Managed control planes (EKS, ACK) expose none of these; their targets and alerts would only be down.
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
    defaultRules: {
      rules: {
        etcd: false,
        kubeControllerManager: false,
        kubeProxy: false,
        kubeSchedulerAlerting: false,
        kubeSchedulerRecording: false,
        nodeExporterAlerting: nodeExporter,
        nodeExporterRecording: nodeExporter,
      },
    },
    nodeExporter: { enabled: nodeExporter },
    ...(nodeExporter
      ? {
          "prometheus-node-exporter": {
            namespaceOverride: args.nodeExporterNamespace,
            resources: RESOURCES.nodeExporter,
          },
        }
      : {}),
    prometheusOperator: {
      image: { tag: imageTags.operator },
      prometheusConfigReloader: { image: { tag: imageTags.operator }, resources: RESOURCES.configReloader },
      resources: RESOURCES.operator,
      securityContext: podSecurity(65534, 65534),
      containerSecurityContext: OPERATOR_CONTAINER,
      // Webhook certificates from cert-manager: the chart's own cert Jobs are Helm hooks, which Pulumi skips.
      admissionWebhooks: { certManager: { enabled: true }, patch: { enabled: false } },
    },
    prometheus: {
      podDisruptionBudget: pdb,
      prometheusSpec: {
        image: { tag: imageTags.prometheus },
        replicas,
        retention,
        retentionSize: `${Math.max(1, Math.floor(storageGi * 0.85))}GB`,
        storageSpec: {
          volumeClaimTemplate: {
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${storageGi}Gi` } } },
          },
        },
        resources: RESOURCES.prometheus,
        securityContext: podSecurity(1000, 2000),
        topologySpreadConstraints: ha ? zoneSpread(PODS.prometheus) : [],
        // Monitors and rules labelled release: kube-prometheus-stack, from every namespace.
        serviceMonitorSelectorNilUsesHelmValues: true,
        serviceMonitorSelector: selectsMonitorLabel,
        serviceMonitorNamespaceSelector: {},
        podMonitorSelectorNilUsesHelmValues: true,
        podMonitorSelector: selectsMonitorLabel,
        podMonitorNamespaceSelector: {},
        ruleSelectorNilUsesHelmValues: true,
        ruleSelector: selectsMonitorLabel,
        ruleNamespaceSelector: {},
      },
    },
    alertmanager: {
      podDisruptionBudget: pdb,
      alertmanagerSpec: {
        image: { tag: imageTags.alertmanager },
        replicas,
        resources: RESOURCES.alertmanager,
        securityContext: podSecurity(1000, 2000),
        topologySpreadConstraints: ha ? zoneSpread(PODS.alertmanager) : [],
        ...(args.alertmanagerConfigSecretName
          ? { useExistingSecret: true, configSecret: args.alertmanagerConfigSecretName }
          : {}),
      },
    },
    grafana: {
      ...(imageTags.grafana ? { image: { tag: imageTags.grafana } } : {}),
      admin: { existingSecret: adminSecretName, userKey: "admin-user", passwordKey: "admin-password" },
      additionalDataSources: (args.grafana.dataSources ?? []).map((source) => ({
        ...source,
        access: "proxy",
      })),
      "grafana.ini": grafanaIni(resolved),
      ...(oidc
        ? {
            envValueFrom: {
              GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: {
                secretKeyRef: { name: oidc.clientSecretSecretName, key: oidc.clientSecretKey },
              },
            },
          }
        : {}),
      resources: RESOURCES.grafana,
      securityContext: podSecurity(472, 472),
      containerSecurityContext: READ_ONLY_CONTAINER,
      sidecar: { resources: RESOURCES.grafanaSidecar, securityContext: RESTRICTED_CONTAINER },
      // Only used with persistence, and runs as root; the Helm test pod is a hook Pulumi never runs.
      initChownData: { enabled: false },
      testFramework: { enabled: false },
    },
    "kube-state-metrics": {
      ...(imageTags.kubeStateMetrics ? { image: { tag: imageTags.kubeStateMetrics } } : {}),
      resources: RESOURCES.kubeStateMetrics,
      securityContext: { enabled: true, ...podSecurity(65534, 65534) },
      containerSecurityContext: READ_ONLY_CONTAINER,
    },
  };
}

/**
 * Metrics, alerting and dashboards: kube-prometheus-stack (pinned chart, release `kube-prometheus-stack`,
 * so one per cluster) with Prometheus selecting every ServiceMonitor, PodMonitor and PrometheusRule
 * labelled `release: kube-prometheus-stack` in any namespace; Alertmanager configured from an existing
 * Secret; Grafana with a generated admin password, Keycloak login and a public route; and the
 * NetworkPolicy allows each part needs on top of the namespace's default-deny.
 */
export class MonitoringStack extends pulumi.ComponentResource {
  /** In-cluster Prometheus API, `http://kube-prometheus-stack-prometheus.<namespace>.svc.cluster.local:9090`. */
  public readonly prometheusUrl: string;
  /** In-cluster Alertmanager API, port 9093. */
  public readonly alertmanagerUrl: string;
  /** `https://<hostname>` when routed, else the in-cluster Service URL. */
  public readonly grafanaUrl: string;
  /** Secret in the namespace with keys `admin-user` and `admin-password`. */
  public readonly grafanaAdminSecretName: string;
  /** The label Prometheus selects monitors and rules by; put it on every ServiceMonitor/PodMonitor. */
  public readonly monitorLabel: Readonly<{ release: string }> = MONITOR_LABEL;
  /** The chart, for `dependsOn` from anything declaring monitoring.coreos.com resources (its CRDs). */
  public readonly chart: kubernetes.helm.v4.Chart;

  constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
    const resolved = resolveArgs(name, args);
    super("ai-platform:observability:MonitoringStack", name, {}, opts);
    const namespace = args.namespace;
    const { route } = resolved;
    const service = (serviceName: string, port: number) =>
      `http://${serviceName}.${namespace}.svc.cluster.local:${port}`;
    this.prometheusUrl = service(PROMETHEUS, PORTS.prometheus);
    this.alertmanagerUrl = service(ALERTMANAGER, PORTS.alertmanager);
    this.grafanaUrl = route ? `https://${route.hostname}` : service(GRAFANA, PORTS.grafanaService);
    this.grafanaAdminSecretName = `${name}-grafana-admin`;

    const password = new random.RandomPassword(
      `${name}-grafana-admin`,
      { length: 32, special: false },
      { parent: this },
    );
    const adminSecret = new kubernetes.core.v1.Secret(
      `${name}-grafana-admin`,
      {
        metadata: { name: this.grafanaAdminSecretName, namespace },
        type: "Opaque",
        stringData: { "admin-user": "admin", "admin-password": password.result },
      },
      { parent: this },
    );

    const pinned = PINNED_CHARTS.kubePrometheusStack;
    this.chart = new kubernetes.helm.v4.Chart(
      `${name}-chart`,
      {
        chart: pinned.chart,
        version: pinned.version,
        repositoryOpts: { repo: pinned.repo },
        name: RELEASE,
        namespace,
        values: chartValues(resolved, args, this.grafanaAdminSecretName),
      },
      { parent: this, dependsOn: [adminSecret] },
    );

    this.networkPolicies(name, args, resolved.replicas);
    if (route) {
      new kubernetes.apiextensions.CustomResource(
        `${name}-grafana-route`,
        {
          apiVersion: "gateway.networking.k8s.io/v1",
          kind: "HTTPRoute",
          metadata: { name: `${name}-grafana`, namespace },
          spec: {
            parentRefs: [
              {
                group: "gateway.networking.k8s.io",
                kind: "Gateway",
                name: route.gatewayName,
                namespace: route.gatewayNamespace,
                sectionName: route.listenerName,
              },
            ],
            hostnames: [route.hostname],
            rules: [
              {
                matches: [{ path: { type: "PathPrefix", value: "/" } }],
                backendRefs: [{ name: GRAFANA, port: PORTS.grafanaService }],
              },
            ],
          },
        },
        { parent: this, dependsOn: [this.chart] },
      );
    }

    this.registerOutputs({
      prometheusUrl: this.prometheusUrl,
      alertmanagerUrl: this.alertmanagerUrl,
      grafanaUrl: this.grafanaUrl,
      grafanaAdminSecretName: this.grafanaAdminSecretName,
      monitorLabel: this.monitorLabel,
    });
  }

  /** The allows on top of the namespace's default-deny (and DNS allow), by pod labels of each part. */
  private networkPolicies(name: string, args: MonitoringStackArgs, replicas: number): void {
    const namespace = args.namespace;
    const opts = { parent: this };
    const here = (podLabels: Readonly<Record<string, string>>) => [{ namespace, podLabels }];
    const scrapeNamespaces = [
      ...new Set([
        namespace,
        ...(args.scrapeNamespaces ?? DEFAULT_SCRAPE_NAMESPACES),
        ...(args.nodeExporterNamespace ? [args.nodeExporterNamespace] : []),
      ]),
    ];

    // Prometheus scrapes every port in the platform namespaces; in its own, every pod may be scraped
    // (Alertmanager's 9093, where alerts are delivered, included).
    allowEgress(
      `${name}-prometheus-scrape`,
      {
        namespace,
        podLabels: PODS.prometheus,
        peers: scrapeNamespaces.map((ns) => ({ namespace: ns })),
        ports: [],
      },
      opts,
    );
    allowIngress(
      `${name}-scraped-by-prometheus`,
      { namespace, peers: here(PODS.prometheus), ports: [] },
      opts,
    );
    // Kubelets (cAdvisor) and host-network node-exporters listen on node addresses, not in a namespace.
    allowEgress(
      `${name}-prometheus-nodes`,
      {
        namespace,
        podLabels: PODS.prometheus,
        peers: "anywhere",
        ports: args.nodeExporterNamespace ? [PORTS.kubelet, PORTS.nodeExporter] : [PORTS.kubelet],
      },
      opts,
    );
    for (const [part, podLabels] of [
      ["operator", PODS.operator],
      ["prometheus", PODS.prometheus],
      ["kube-state-metrics", PODS.kubeStateMetrics],
      ["grafana", PODS.grafana],
    ] as const) {
      allowEgress(
        `${name}-${part}-kube-api`,
        { namespace, podLabels, peers: "anywhere", ports: KUBE_API_PORTS },
        opts,
      );
    }
    // The API server calls the operator's admission webhook; its source address is not a pod's.
    allowIngress(
      `${name}-operator-webhook`,
      { namespace, podLabels: PODS.operator, peers: "anywhere", ports: [PORTS.webhook] },
      opts,
    );

    // Grafana's data sources: Prometheus and Alertmanager.
    for (const [part, podLabels, port] of [
      ["prometheus", PODS.prometheus, PORTS.prometheus],
      ["alertmanager", PODS.alertmanager, PORTS.alertmanager],
    ] as const) {
      allowEgress(
        `${name}-grafana-to-${part}`,
        { namespace, podLabels: PODS.grafana, peers: here(podLabels), ports: [port] },
        opts,
      );
      allowIngress(
        `${name}-${part}-from-grafana`,
        { namespace, podLabels, peers: here(PODS.grafana), ports: [port] },
        opts,
      );
    }
    const clients = args.prometheusClientNamespaces ?? [];
    // An empty peer list would admit everyone: no clients, no policy.
    if (clients.length > 0) {
      allowIngress(
        `${name}-prometheus-clients`,
        {
          namespace,
          podLabels: PODS.prometheus,
          peers: clients.map((ns) => ({ namespace: ns })),
          ports: [PORTS.prometheus],
        },
        opts,
      );
    }

    // Receivers (chat, paging, mail APIs) are outside the cluster, over HTTPS.
    allowEgress(
      `${name}-alertmanager-receivers`,
      { namespace, podLabels: PODS.alertmanager, peers: "anywhere", ports: [443] },
      opts,
    );
    if (replicas > 1) this.alertmanagerMesh(name, namespace);

    const { route, oidc } = args.grafana;
    if (oidc) {
      allowEgress(
        `${name}-grafana-oidc`,
        { namespace, podLabels: PODS.grafana, peers: "anywhere", ports: [443] },
        opts,
      );
    }
    if (route) {
      allowIngress(
        `${name}-grafana-from-gateway`,
        {
          namespace,
          podLabels: PODS.grafana,
          peers: [
            {
              namespace: route.gatewayNamespace,
              podLabels: {
                "app.kubernetes.io/component": "proxy",
                "app.kubernetes.io/managed-by": "envoy-gateway",
              },
            },
          ],
          ports: [PORTS.grafana],
        },
        opts,
      );
    }
  }

  /** Replicated Alertmanagers gossip (silences, notification log) on 9094 over TCP and UDP. */
  private alertmanagerMesh(name: string, namespace: string): void {
    const peers = [{ podSelector: { matchLabels: { ...PODS.alertmanager } } }];
    const ports = ["TCP", "UDP"].map((protocol) => ({ protocol, port: PORTS.alertmanagerMesh }));
    new kubernetes.networking.v1.NetworkPolicy(
      `${name}-alertmanager-mesh`,
      {
        metadata: { name: `${name}-alertmanager-mesh`, namespace },
        spec: {
          podSelector: { matchLabels: { ...PODS.alertmanager } },
          policyTypes: ["Ingress", "Egress"],
          ingress: [{ from: peers, ports }],
          egress: [{ to: peers, ports }],
        },
      },
      { parent: this },
    );
  }
}
