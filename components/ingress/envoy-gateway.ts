import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { allowIngress } from "../baseline/network-policy";
import { PINNED_CHARTS } from "../charts/pinned-charts";
import { prometheusMonitor } from "../common/monitoring";
import { zoneSpread } from "../common/topology";

export interface EnvoyGatewayArgs {
  /** Namespace of the controller and the Envoy proxies it runs. No default. */
  readonly namespace: string;
  /** Name of the GatewayClass this controller serves. Default `"envoy-gateway"`. */
  readonly gatewayClassName?: string;
  /** Controller replicas; above 1 adds a PodDisruptionBudget and a zone spread. Default `1`. */
  readonly replicas?: number;
  /** Namespace of the Prometheus that scrapes the controller and the proxies. Default: no monitors. */
  readonly metricsNamespace?: string;
}

const CONTROLLER_NAME = "gateway.envoyproxy.io/gatewayclass-controller";
export const ENVOY_CONTROLLER_PODS = { "app.kubernetes.io/name": "gateway-helm" };
/** The Envoy proxy pods Envoy Gateway runs for each Gateway, in the controller's namespace. */
export const ENVOY_PROXY_PODS = {
  "app.kubernetes.io/component": "proxy",
  "app.kubernetes.io/managed-by": "envoy-gateway",
};
/** Both serve Prometheus metrics here: the controller at /metrics, Envoy at /stats/prometheus. */
const METRICS_PORT = 19001;

/** Envoy Gateway (pinned chart, with the Gateway API CRDs) and the GatewayClass it serves. */
export class EnvoyGateway extends pulumi.ComponentResource {
  public readonly gatewayClassName: string;
  public readonly chart: kubernetes.helm.v4.Chart;

  constructor(name: string, args: EnvoyGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:ingress:EnvoyGateway", name, {}, opts);
    const pinned = PINNED_CHARTS.envoyGateway;
    const replicas = args.replicas ?? 1;
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
    new kubernetes.apiextensions.CustomResource(
      `${name}-class`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "GatewayClass",
        metadata: { name: this.gatewayClassName },
        spec: { controllerName: CONTROLLER_NAME },
      },
      { parent: this, dependsOn: [this.chart] },
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
