import * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** The label the platform's Prometheus (kube-prometheus-stack) selects monitors and rules by. */
export const MONITOR_LABELS = { release: "kube-prometheus-stack" };

/**
 * A PodMonitor or ServiceMonitor the platform's Prometheus picks up. `selector` matches the pods (or
 * the Services), `endpoints` are the operator's podMetricsEndpoints (or endpoints).
 */
export function prometheusMonitor(
  kind: "PodMonitor" | "ServiceMonitor",
  name: string,
  namespace: string,
  selector: Readonly<Record<string, string>>,
  endpoints: readonly Record<string, unknown>[],
  opts: pulumi.CustomResourceOptions,
): kubernetes.apiextensions.CustomResource {
  const endpointsKey = kind === "PodMonitor" ? "podMetricsEndpoints" : "endpoints";
  return new kubernetes.apiextensions.CustomResource(
    `${name}-${kind === "PodMonitor" ? "pod" : "service"}-monitor`,
    {
      apiVersion: "monitoring.coreos.com/v1",
      kind,
      metadata: { name, namespace, labels: MONITOR_LABELS },
      spec: { selector: { matchLabels: { ...selector } }, [endpointsKey]: endpoints },
    },
    opts,
  );
}
