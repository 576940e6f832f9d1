import type * as kubernetes from "@pulumi/kubernetes";
import { allowEgress } from "../../components/baseline/network-policy";
import { httpsListenerName } from "../../components/ingress/hostnames";
import { LoggingStack, lokiGatewayUrl } from "../../components/observability/logging-stack";
import { MonitoringStack } from "../../components/observability/monitoring-stack";
import type { PlatformConfig } from "../config";
import { OBJECT_STORAGE_IDENTITIES } from "../platform";
import { type DataArea, objectStorageAccessFor } from "./data";
import type { IdentityArea } from "./identity";
import type { IngressArea } from "./ingress";
import { NAMESPACES, type PlatformNamespaces } from "./namespaces";

const LOGGING = OBJECT_STORAGE_IDENTITIES.loki.release;

export interface ObservabilityArea {
  readonly monitoring: MonitoringStack;
  readonly logging: LoggingStack;
}

/**
 * Prometheus, Alertmanager and Grafana (login through Keycloak), Loki on the platform's object storage
 * and Grafana Alloy shipping every pod's logs to it; sized by the environment profile.
 */
export function deployObservability(
  config: PlatformConfig,
  namespaces: PlatformNamespaces,
  ingress: IngressArea,
  identity: IdentityArea,
  data: DataArea,
  provider: kubernetes.Provider,
): ObservabilityArea {
  const settings = config.platform.observability;
  const { keycloak } = identity;
  const grafanaSecret = keycloak.clientSecretSecretNames.grafana;
  if (!grafanaSecret) throw new Error("Keycloak has no grafana client");
  const monitoring = new MonitoringStack(
    "monitoring",
    {
      namespace: namespaces.observability.name,
      prometheusRetention: settings.prometheusRetention,
      prometheusStorageGi: settings.prometheusStorageGi,
      replicas: settings.replicas,
      nodeExporterNamespace: namespaces.observabilityAgents.name,
      scrapeNamespaces: [...Object.values(NAMESPACES), "kube-system"],
      grafana: {
        route: {
          hostname: ingress.hostnames.grafana,
          gatewayName: ingress.gatewayName,
          gatewayNamespace: ingress.gatewayNamespace,
          listenerName: httpsListenerName("grafana"),
        },
        dataSources: [
          { name: "Loki", type: "loki", url: lokiGatewayUrl(LOGGING, namespaces.observability.name) },
        ],
        oidc: {
          issuerUrl: keycloak.issuerUrl,
          clientId: "grafana",
          clientSecretSecretName: grafanaSecret,
          clientSecretKey: "client-secret",
        },
      },
    },
    // The operator's admission webhook takes its certificate from cert-manager.
    {
      providers: [provider],
      dependsOn: [namespaces.observability, namespaces.observabilityAgents, ingress.tls, keycloak],
    },
  );

  const namespace = namespaces.observability.name;
  const { objectStorage } = data;
  // With a role, Loki's service account assumes it and no key pair enters this namespace.
  const { secret: credentials, ...access } = objectStorageAccessFor(
    "loki",
    "loki-object-storage",
    namespace,
    objectStorage,
    namespaces.observability,
  );
  const logging = new LoggingStack(
    LOGGING,
    {
      namespace,
      agentNamespace: namespaces.observabilityAgents.name,
      mode: settings.logs.mode,
      retentionHours: settings.logs.retentionHours,
      objectStorage: {
        endpoint: objectStorage.endpoint,
        bucket: objectStorage.buckets.loki,
        ...access,
        insecure: objectStorage.flavor === "minio",
        region: objectStorage.region,
        networkPeers: objectStorage.networkPeers,
      },
    },
    // Its ServiceMonitor needs the Prometheus Operator's CRDs, which the monitoring stack installs.
    {
      providers: [provider],
      protect: config.protect,
      dependsOn: [
        namespaces.observability,
        namespaces.observabilityAgents,
        ...(credentials ? [credentials] : []),
        objectStorage.provisionedBy,
        monitoring,
      ],
    },
  );
  allowEgress(
    "grafana-to-loki",
    {
      namespace,
      podLabels: { "app.kubernetes.io/name": "grafana" },
      peers: [
        {
          namespace,
          podLabels: { "app.kubernetes.io/name": "loki", "app.kubernetes.io/component": "gateway" },
        },
      ],
      ports: [8080],
    },
    { parent: namespaces.observability },
  );
  return { monitoring, logging };
}
