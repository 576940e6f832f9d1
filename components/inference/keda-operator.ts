import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { allowEgress, allowIngress } from "../baseline/network-policy";
import { PINNED_CHARTS } from "../charts/pinned-charts";

export interface KedaOperatorArgs {
  /** Existing namespace (restricted, default-deny); the allows select KEDA's pods only. No default. */
  readonly namespace: string;
  /** Namespace of Prometheus, which KEDA queries on 9090. Default `"observability"`. */
  readonly prometheusNamespace?: string;
}

/** The Kubernetes API server's ports; its address differs per cloud, so the allow names none. */
const KUBE_API_PORTS = [443, 6443];
const PROMETHEUS_PORT = 9090;
/** Ports the API server calls: the metrics adapter (6443) and the admission webhooks (9443). */
const SERVED_PORTS = [6443, 9443];

/** A label the chart puts on all three of KEDA's pods (operator, metrics adapter, webhooks). */
export const KEDA_PODS = { "ai-platform/component": "keda" };

const resources = (memoryLimit: string) => ({
  requests: { cpu: "50m", memory: "128Mi" },
  limits: { memory: memoryLimit },
});

/**
 * KEDA (pinned chart): the operator, its metrics adapter (the `external.metrics.k8s.io` API HPAs read)
 * and admission webhooks. Its chart's containers are already restricted (non-root, no capabilities,
 * read-only root). It reaches the API server and Prometheus; the API server reaches it. Every allow
 * selects KEDA's pods only, so it can share a namespace with the workloads it scales.
 */
export class KedaOperator extends pulumi.ComponentResource {
  public readonly chart: kubernetes.helm.v4.Chart;

  constructor(name: string, args: KedaOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:inference:KedaOperator", name, {}, opts);
    const { namespace } = args;
    const pinned = PINNED_CHARTS.keda;
    this.chart = new kubernetes.helm.v4.Chart(
      `${name}-chart`,
      {
        name,
        chart: pinned.chart,
        version: pinned.version,
        repositoryOpts: { repo: pinned.repo },
        namespace,
        values: {
          podLabels: { keda: KEDA_PODS, metricsAdapter: KEDA_PODS, webhooks: KEDA_PODS },
          resources: {
            operator: resources("1Gi"),
            metricServer: resources("1Gi"),
            webhooks: resources("256Mi"),
          },
        },
      },
      { parent: this },
    );
    const policy = { parent: this };
    allowEgress(`${name}-to-api-server`, { namespace, peers: "anywhere", ports: KUBE_API_PORTS }, policy);
    allowEgress(
      `${name}-to-prometheus`,
      {
        namespace,
        peers: [{ namespace: args.prometheusNamespace ?? "observability" }],
        ports: [PROMETHEUS_PORT],
      },
      policy,
    );
    // The API server's address is the control plane's (outside any namespace).
    allowIngress(`${name}-from-api-server`, { namespace, peers: "anywhere", ports: SERVED_PORTS }, policy);
    // The operator talks to the metrics adapter over gRPC inside the namespace.
    allowIngress(`${name}-internal-in`, { namespace, peers: [{ namespace }], ports: [] }, policy);
    allowEgress(`${name}-internal-out`, { namespace, peers: [{ namespace }], ports: [] }, policy);
    this.registerOutputs({});
  }
}
