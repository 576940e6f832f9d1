import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PINNED_CHARTS } from "../charts/pinned-charts";
import { zoneSpread } from "../common/topology";

export interface EnvoyGatewayArgs {
  /** Namespace of the controller and the Envoy proxies it runs. No default. */
  readonly namespace: string;
  /** Name of the GatewayClass this controller serves. Default `"envoy-gateway"`. */
  readonly gatewayClassName?: string;
  /** Controller replicas; above 1 adds a PodDisruptionBudget and a zone spread. Default `1`. */
  readonly replicas?: number;
}

const CONTROLLER_NAME = "gateway.envoyproxy.io/gatewayclass-controller";
const CONTROLLER_LABELS = { "app.kubernetes.io/name": "gateway-helm" };

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
            pod: { topologySpreadConstraints: replicas > 1 ? zoneSpread(CONTROLLER_LABELS) : [] },
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
    this.registerOutputs({ gatewayClassName: this.gatewayClassName });
  }
}
