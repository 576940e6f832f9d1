import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HTTP_LISTENER, httpsListenerName, type PublicService, tlsSecretName } from "./hostnames";

export interface SharedGatewayArgs {
  /** Namespace of the Gateway (and of the certificates it serves). No default. */
  readonly namespace: string;
  readonly gatewayClassName: string;
  /** Public hostname per service; each gets an HTTPS listener with its own certificate. */
  readonly hostnames: Readonly<Record<PublicService, string>>;
}

/**
 * The one Gateway every public route attaches to: an HTTPS listener per hostname (certificates from
 * cert-manager) and a plain-HTTP listener that only redirects to HTTPS and answers ACME HTTP-01
 * challenges (cert-manager's solver routes are more specific than the redirect).
 */
export class SharedGateway extends pulumi.ComponentResource {
  public readonly gatewayName: string;
  public readonly namespace: string;

  constructor(name: string, args: SharedGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:ingress:SharedGateway", name, {}, opts);
    this.gatewayName = "platform";
    this.namespace = args.namespace;
    const services = Object.keys(args.hostnames) as PublicService[];

    const gateway = new kubernetes.apiextensions.CustomResource(
      `${name}-gateway`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: { name: this.gatewayName, namespace: args.namespace },
        spec: {
          gatewayClassName: args.gatewayClassName,
          listeners: [
            {
              name: HTTP_LISTENER,
              protocol: "HTTP",
              port: 80,
              allowedRoutes: { namespaces: { from: "Same" } },
            },
            ...services.map((service) => ({
              name: httpsListenerName(service),
              protocol: "HTTPS",
              port: 443,
              hostname: args.hostnames[service],
              tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: tlsSecretName(service) }] },
              allowedRoutes: { namespaces: { from: "All" } },
            })),
          ],
        },
      },
      { parent: this },
    );
    new kubernetes.apiextensions.CustomResource(
      `${name}-https-redirect`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "https-redirect", namespace: args.namespace },
        spec: {
          parentRefs: [{ name: this.gatewayName, sectionName: HTTP_LISTENER }],
          rules: [
            { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
          ],
        },
      },
      { parent: this, dependsOn: [gateway] },
    );
    this.registerOutputs({ gatewayName: this.gatewayName });
  }
}
