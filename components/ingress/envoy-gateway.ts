import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { allowIngress } from "../baseline/network-policy";
import { PINNED_CHARTS } from "../charts/pinned-charts";
import { prometheusMonitor } from "../common/monitoring";
import { zoneSpread } from "../common/topology";
import { ENVOY_PROXY_PODS, envoyProxySpec } from "./envoy-proxy";

export { ENVOY_PROXY_PODS } from "./envoy-proxy";

export interface EnvoyGatewayArgs {
  /** Namespace of the controller and the Envoy proxies it runs. No default. */
  readonly namespace: string;
  /** Name of the GatewayClass this controller serves. Default `"envoy-gateway"`. */
  readonly gatewayClassName?: string;
  /** Controller replicas; above 1 adds a PodDisruptionBudget and a zone spread. Default `1`. */
  readonly replicas?: number;
  /** Envoy proxy replicas per Gateway; above 1 adds a PodDisruptionBudget and a zone spread. Default `1`. */
  readonly proxyReplicas?: number;
  /** Namespace of the Prometheus that scrapes the controller and the proxies. Default: no monitors. */
  readonly metricsNamespace?: string;
}

const CONTROLLER_NAME = "gateway.envoyproxy.io/gatewayclass-controller";
export const ENVOY_CONTROLLER_PODS = { "app.kubernetes.io/name": "gateway-helm" };
/** Both serve Prometheus metrics here: the controller at /metrics, Envoy at /stats/prometheus. */
const METRICS_PORT = 19001;

/**
 * Envoy Gateway (pinned chart, with the Gateway API CRDs), the GatewayClass it serves, and the
 * EnvoyProxy parameters of that class, which size the Envoy proxies it runs for each Gateway.
 */
export class EnvoyGateway extends pulumi.ComponentResource {
  public readonly gatewayClassName: string;
  public readonly chart: kubernetes.helm.v4.Chart;

  constructor(name: string, args: EnvoyGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:ingress:EnvoyGateway", name, {}, opts);
    const pinned = PINNED_CHARTS.envoyGateway;
    const replicas = args.replicas ?? 1;
    const proxyReplicas = args.proxyReplicas ?? 1;
    for (const [field, value] of [
      ["replicas", replicas],
      ["proxyReplicas", proxyReplicas],
    ] as const) {
      if (!Number.isInteger(value) || value < 1)
        throw new Error(`${name}: ${field} must be a positive integer`);
    }
    this.gatewayClassName = args.gatewayClassName ?? "envoy-gateway";

    this.chart = new kubernetes.helm.v4.Chart(
      `${name}-chart`,
      {
        chart: pinned.chart,
        version: pinned.version,
        namespace: args.namespace,
        values: {
          deployment: {
            replicas,
            envoyGateway: {
              resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1024Mi" } },
            },
            pod: { topologySpreadConstraints: replicas > 1 ? zoneSpread(ENVOY_CONTROLLER_PODS) : [] },
          },
          podDisruptionBudget: { minAvailable: replicas > 1 ? 1 : 0 },
        },
      },
      { parent: this },
    );
    const proxyParameters = new kubernetes.apiextensions.CustomResource(
      `${name}-proxy`,
      {
        apiVersion: "gateway.envoyproxy.io/v1alpha1",
        kind: "EnvoyProxy",
        metadata: { name: `${name}-proxy`, namespace: args.namespace },
        spec: envoyProxySpec(proxyReplicas),
      },
      { parent: this, dependsOn: [this.chart] },
    );
    // Envoy Gateway's advice: the parameters exist before the class that references them.
    new kubernetes.apiextensions.CustomResource(
      `${name}-class`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "GatewayClass",
        metadata: { name: this.gatewayClassName },
        spec: {
          controllerName: CONTROLLER_NAME,
          parametersRef: {
            group: "gateway.envoyproxy.io",
            kind: "EnvoyProxy",
            name: `${name}-proxy`,
            namespace: args.namespace,
          },
        },
      },
      { parent: this, dependsOn: [this.chart, proxyParameters] },
    );
    if (args.metricsNamespace) {
      const scraped = [
        { name: `${name}-controller`, pods: ENVOY_CONTROLLER_PODS, path: "/metrics" },
        { name: `${name}-proxies`, pods: ENVOY_PROXY_PODS, path: "/stats/prometheus" },
      ];
      for (const { name: monitorName, pods, path } of scraped) {
        prometheusMonitor(
          "PodMonitor",
          monitorName,
          args.namespace,
          pods,
          [{ portNumber: METRICS_PORT, path }],
          {
            parent: this,
          },
        );
        allowIngress(
          `${monitorName}-metrics`,
          {
            namespace: args.namespace,
            podLabels: pods,
            peers: [{ namespace: args.metricsNamespace }],
            ports: [METRICS_PORT],
          },
          { parent: this },
        );
      }
    }
    this.registerOutputs({ gatewayClassName: this.gatewayClassName });
  }
}
