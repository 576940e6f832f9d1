import { chartName } from "../../../components/charts/pinned-charts";
import type { DeclaredResource } from "../../../policies/offline/render-stack";
import {
  type ChartRelease,
  type ChartSources,
  chartWorkloads,
  PINNED_CHART_SOURCES,
} from "./chart-workloads";
import { buildContext, type ExtractContext, scalerProblems } from "./context";
import { DECLARED_WORKLOADS } from "./declared-workloads";
import { OPERATOR_WORKLOADS } from "./operator-workloads";
import type { Workload } from "./workload";

/**
 * Every pod a rendered stack runs in its cluster, as workloads. Each Kubernetes resource type is either
 * counted by an extractor below or known to run no pods; any other type fails the extraction, naming it,
 * so a new kind of workload cannot go uncounted.
 */

type Extractor = (resource: DeclaredResource, context: ExtractContext) => Workload[];

/** Kubernetes types that run no pods of their own (scalers are read by the workloads they scale). */
export const NO_POD_TYPES: ReadonlySet<string> = new Set([
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  "kubernetes:cert-manager.io/v1:Certificate",
  "kubernetes:cert-manager.io/v1:ClusterIssuer",
  "kubernetes:cert-manager.io/v1:Issuer",
  "kubernetes:core/v1:ConfigMap",
  "kubernetes:core/v1:Namespace",
  "kubernetes:core/v1:Secret",
  "kubernetes:core/v1:Service",
  "kubernetes:core/v1:ServiceAccount",
  "kubernetes:external-secrets.io/v1:ClusterSecretStore",
  "kubernetes:external-secrets.io/v1:ExternalSecret",
  "kubernetes:external-secrets.io/v1:SecretStore",
  // Read by the Gateways whose class refers to it (operator-workloads.ts).
  "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy",
  "kubernetes:gateway.networking.k8s.io/v1:GatewayClass",
  "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
  "kubernetes:kafka.strimzi.io/v1:KafkaTopic",
  "kubernetes:kafka.strimzi.io/v1:KafkaUser",
  "kubernetes:keda.sh/v1alpha1:ScaledObject",
  "kubernetes:monitoring.coreos.com/v1:PodMonitor",
  "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
  "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
  "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  "kubernetes:policy/v1:PodDisruptionBudget",
  // Backups run inside the instance pods (barman-cloud), not in pods of their own.
  "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup",
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
  "kubernetes:rbac.authorization.k8s.io/v1:Role",
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
]);

const HELM_CHART = "kubernetes:helm.sh/v4:Chart";
const CERT_MANAGER = "kubernetes-cert-manager:index:CertManager";

function helmRelease(resource: DeclaredResource): ChartRelease {
  const { chart, version, namespace, values, valueYamlFiles } = resource.inputs;
  if (valueYamlFiles?.length) throw new Error(`chart ${chart} (${resource.name}): values files are not read`);
  return {
    resourceName: resource.name,
    chart: chartName(String(chart)),
    version: String(version),
    namespace: namespace ?? "default",
    values: values ?? {},
  };
}

/** The cert-manager component's inputs are the chart's values, plus where to install it. */
function certManagerRelease(resource: DeclaredResource): ChartRelease {
  const { helmOptions, ...values } = resource.inputs;
  return {
    resourceName: resource.name,
    chart: "cert-manager",
    version: String(helmOptions?.version),
    namespace: helmOptions?.namespace ?? "default",
    values,
  };
}

const EXTRACTORS: Record<string, Extractor> = {
  ...DECLARED_WORKLOADS,
  ...OPERATOR_WORKLOADS,
  [HELM_CHART]: (resource, context) => chartWorkloads(helmRelease(resource), context.charts),
  [CERT_MANAGER]: (resource, context) => chartWorkloads(certManagerRelease(resource), context.charts),
};

/** Resources of the Kubernetes providers (`kubernetes:` and components such as `kubernetes-cert-manager:`). */
function inCluster(type: string): boolean {
  return type.startsWith("kubernetes:") || type.startsWith("kubernetes-");
}

export function extractWorkloads(
  resources: readonly DeclaredResource[],
  charts: ChartSources = PINNED_CHART_SOURCES,
): Workload[] {
  const context = buildContext(resources, charts);
  const problems: string[] = [];
  const workloads: Workload[] = [];
  for (const resource of resources) {
    if (!inCluster(resource.type) || NO_POD_TYPES.has(resource.type)) continue;
    const extractor = EXTRACTORS[resource.type];
    if (!extractor) {
      problems.push(
        `${resource.type} (${resource.name}): a Kubernetes type the footprint does not know; count its pods in tools/docs/footprint/ or list it in NO_POD_TYPES`,
      );
      continue;
    }
    try {
      workloads.push(...extractor(resource, context));
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  problems.push(...scalerProblems(context.scalers, resources));
  if (problems.length > 0)
    throw new Error(
      `the resource footprint cannot count this stack (${problems.length} problem(s)):\n  - ${problems.join("\n  - ")}`,
    );
  return workloads;
}
