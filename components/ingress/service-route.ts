import * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

export interface ServiceRouteSpec {
  readonly namespace: string;
  readonly hostname: string;
  readonly gatewayName: string;
  readonly gatewayNamespace: string;
  /** The shared Gateway's HTTPS listener for `hostname`. */
  readonly listenerName: string;
  readonly serviceName: string;
  readonly port: number;
  /** Paths served on the same port for the cluster only (metrics, admin APIs). Default none. */
  readonly internalPaths?: readonly string[];
}

/**
 * The public route to one of the platform's own services on the shared Gateway's HTTPS listener.
 * Internal paths share one rule without a backend, which the Gateway answers itself with an error
 * (Gateway API: a rule with no valid backend never forwards). No route-level deadline: Envoy's
 * default (15 s) would cut long streams and tool calls; the services bound their upstream calls.
 */
export function serviceRoute(name: string, spec: ServiceRouteSpec, opts: pulumi.CustomResourceOptions) {
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
          ...(spec.internalPaths?.length
            ? [{ matches: spec.internalPaths.map((path) => ({ path: { type: "PathPrefix", value: path } })) }]
            : []),
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
