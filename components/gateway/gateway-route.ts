import * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

export interface GatewayRouteSpec {
  readonly namespace: string;
  readonly hostname: string;
  readonly gatewayName: string;
  readonly gatewayNamespace: string;
  readonly listenerName: string;
  readonly serviceName: string;
  readonly port: number;
}

/** Paths the gateway serves on its port for the cluster only (Prometheus scrapes them in-cluster). */
export const INTERNAL_PATHS = ["/metrics"];

/**
 * The public route to the gateway on the shared Gateway's HTTPS listener. Internal paths get a rule
 * without a backend, which the Gateway answers itself with an error (Gateway API: a rule with no valid
 * backend never forwards). No route-level deadline: Envoy's default (15 s) would cut long streams;
 * the gateway bounds every upstream call itself.
 */
export function gatewayRoute(name: string, spec: GatewayRouteSpec, opts: pulumi.CustomResourceOptions) {
  return new kubernetes.apiextensions.CustomResource(
    `${name}-route`,
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name, namespace: spec.namespace },
      spec: {
        parentRefs: [
          { name: spec.gatewayName, namespace: spec.gatewayNamespace, sectionName: spec.listenerName },
        ],
        hostnames: [spec.hostname],
        rules: [
          ...INTERNAL_PATHS.map((path) => ({ matches: [{ path: { type: "PathPrefix", value: path } }] })),
          {
            matches: [{ path: { type: "PathPrefix", value: "/" } }],
            backendRefs: [{ name: spec.serviceName, port: spec.port }],
            timeouts: { request: "0s" },
          },
        ],
      },
    },
    opts,
  );
}
