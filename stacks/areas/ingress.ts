import type * as kubernetes from "@pulumi/kubernetes";
import { allowEgress, allowIngress } from "../../components/baseline/network-policy";
import {
  ENVOY_CONTROLLER_PODS,
  ENVOY_PROXY_PODS,
  EnvoyGateway,
} from "../../components/ingress/envoy-gateway";
import { type PublicService, platformHostnames } from "../../components/ingress/hostnames";
import { SharedGateway } from "../../components/ingress/shared-gateway";
import { PlatformTls } from "../../components/tls/platform-tls";
import type { PlatformConfig } from "../config";
import type { PlatformNamespaces } from "./namespaces";

/** Labels Envoy Gateway puts on the Envoy proxies it runs, and on its own controller. */
/** Namespaces whose services the Gateway routes to. */
const BACKEND_NAMESPACES = ["ai", "identity", "observability"];

export interface IngressArea {
  readonly hostnames: Readonly<Record<PublicService, string>>;
  readonly gatewayName: string;
  readonly gatewayNamespace: string;
  /** cert-manager and the issuers: what needs certificates (e.g. webhooks) waits on it. */
  readonly tls: PlatformTls;
}

/** Envoy Gateway, the shared HTTPS Gateway, cert-manager with the environment's issuer, and their network allows. */
export function deployIngress(
  config: PlatformConfig,
  namespaces: PlatformNamespaces,
  provider: kubernetes.Provider,
): IngressArea {
  const { ingress: ingressSettings, tls, domain } = config.platform;
  const opts = { providers: [provider] };
  const hostnames = platformHostnames(domain);
  const ingressNs = namespaces.ingress.name;

  const envoy = ingressSettings.installEnvoyGateway
    ? new EnvoyGateway(
        "envoy-gateway",
        {
          namespace: ingressNs,
          gatewayClassName: ingressSettings.gatewayClassName,
          replicas: ingressSettings.controllerReplicas,
          proxyReplicas: ingressSettings.proxyReplicas,
          metricsNamespace: namespaces.observability.name,
        },
        { ...opts, dependsOn: [namespaces.ingress] },
      )
    : undefined;
  const gateway = new SharedGateway(
    "gateway",
    { namespace: ingressNs, gatewayClassName: ingressSettings.gatewayClassName, hostnames },
    { ...opts, dependsOn: envoy ? [envoy, namespaces.ingress] : [namespaces.ingress] },
  );
  const platformTls = new PlatformTls(
    "tls",
    {
      namespace: namespaces.certManager.name,
      issuer: tls.issuer,
      acmeEmail: tls.acmeEmail,
      gateway: { name: gateway.gatewayName, namespace: ingressNs },
      hostnames,
      replicas: ingressSettings.certManagerReplicas,
      metricsNamespace: namespaces.observability.name,
    },
    { ...opts, dependsOn: [namespaces.certManager, gateway] },
  );

  const policy = { parent: namespaces.ingress };
  allowIngress(
    "ingress-public",
    { namespace: ingressNs, podLabels: ENVOY_PROXY_PODS, peers: "anywhere", ports: [10080, 10443] },
    policy,
  );
  allowEgress(
    "ingress-backends",
    {
      namespace: ingressNs,
      podLabels: ENVOY_PROXY_PODS,
      peers: BACKEND_NAMESPACES.map((namespace) => ({ namespace })),
      ports: [],
    },
    policy,
  );
  allowEgress(
    "ingress-xds",
    {
      namespace: ingressNs,
      podLabels: ENVOY_PROXY_PODS,
      peers: [{ namespace: ingressNs, podLabels: ENVOY_CONTROLLER_PODS }],
      ports: [18000, 18001, 18002],
    },
    policy,
  );
  allowIngress(
    "ingress-controller",
    {
      namespace: ingressNs,
      podLabels: ENVOY_CONTROLLER_PODS,
      peers: [{ namespace: ingressNs, podLabels: ENVOY_PROXY_PODS }],
      ports: [18000, 18001, 18002],
    },
    policy,
  );
  // The Kubernetes API server (and its webhook calls) live outside the pod network.
  allowEgress(
    "ingress-kube-api",
    { namespace: ingressNs, podLabels: ENVOY_CONTROLLER_PODS, peers: "anywhere", ports: [443, 6443] },
    policy,
  );
  allowIngress(
    "ingress-webhook",
    { namespace: ingressNs, podLabels: ENVOY_CONTROLLER_PODS, peers: "anywhere", ports: [9443] },
    policy,
  );

  const certPolicy = { parent: namespaces.certManager };
  const certNs = namespaces.certManager.name;
  // API server, ACME directory (443) and the HTTP-01 self-check against the public hostnames (80).
  allowEgress(
    "cert-manager-egress",
    { namespace: certNs, peers: "anywhere", ports: [80, 443, 6443] },
    certPolicy,
  );
  allowIngress(
    "cert-manager-webhook",
    {
      namespace: certNs,
      podLabels: { "app.kubernetes.io/component": "webhook" },
      peers: "anywhere",
      ports: [10250],
    },
    certPolicy,
  );

  return { hostnames, gatewayName: gateway.gatewayName, gatewayNamespace: ingressNs, tls: platformTls };
}
