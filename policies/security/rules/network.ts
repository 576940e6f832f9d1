import { objectRef } from "../../lib/kubernetes";
import type { ResourceRule, ResourceView, StackRule } from "../../lib/rule";

const SERVICE = "kubernetes:core/v1:Service";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";

const metadataOf = (resource: ResourceView) =>
  (resource.props.metadata ?? {}) as { name?: string; namespace?: string };

export const noLoadBalancerServices: ResourceRule<{ allowedNamespaces: string[] }> = {
  kind: "resource",
  name: "k8s-no-loadbalancer-services",
  description: "Only the ingress gateway gets a LoadBalancer Service; everything else is reached through it.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps: "Use a ClusterIP Service and expose it with an HTTPRoute on the shared Gateway.",
  configSchema: {
    properties: {
      allowedNamespaces: {
        type: "array",
        items: { type: "string" },
        default: ["ingress"],
        description: "Namespaces whose Services may be of type LoadBalancer (the ingress gateway's).",
      },
    },
  },
  validate: (resource, { allowedNamespaces }) => {
    if (resource.type !== SERVICE || resource.props.spec?.type !== "LoadBalancer") return [];
    const namespace = metadataOf(resource).namespace ?? "default";
    return allowedNamespaces.includes(namespace) ? [] : [`${objectRef(resource)} is of type LoadBalancer`];
  },
};

export const defaultDenyPerNamespace: StackRule<{ exemptNamespaces: string[] }> = {
  kind: "stack",
  name: "k8s-namespace-default-deny",
  description:
    "Every workload namespace the stack creates has a default-deny NetworkPolicy for ingress and egress.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Add a NetworkPolicy with podSelector: {} and policyTypes [Ingress, Egress] to the namespace, then explicit allows.",
  configSchema: {
    properties: {
      exemptNamespaces: {
        type: "array",
        items: { type: "string" },
        default: ["kube-system", "kube-public", "kube-node-lease"],
        description: "Namespaces not held to this rule.",
      },
    },
  },
  validate: (resources, { exemptNamespaces }) => {
    const denied = new Set(
      resources
        .filter((resource) => resource.type === NETWORK_POLICY && isDefaultDeny(resource.props.spec ?? {}))
        .map((resource) => metadataOf(resource).namespace ?? "default"),
    );
    return resources
      .filter((resource) => resource.type === NAMESPACE)
      .map((resource) => metadataOf(resource).name ?? resource.name)
      .filter((namespace) => !exemptNamespaces.includes(namespace) && !denied.has(namespace))
      .map((namespace) => `namespace ${namespace} has no default-deny NetworkPolicy`);
  },
};

function isDefaultDeny(spec: {
  podSelector?: Record<string, unknown>;
  policyTypes?: string[];
  ingress?: unknown[];
  egress?: unknown[];
}) {
  // `{}` or `{ matchLabels: {} }`: the policy selects every pod in the namespace.
  const selectsAll = Object.values(spec.podSelector ?? {}).every(
    (value) => Object.keys(value ?? {}).length === 0,
  );
  const types = spec.policyTypes ?? [];
  return (
    selectsAll &&
    types.includes("Ingress") &&
    types.includes("Egress") &&
    (spec.ingress ?? []).length === 0 &&
    (spec.egress ?? []).length === 0
  );
}

interface Listener {
  name: string;
  protocol: string;
}
interface ParentRef {
  name: string;
  namespace?: string;
  sectionName?: string;
}

export const httpRoutesOnHttps: StackRule = {
  kind: "stack",
  name: "gateway-routes-https-only",
  description: "HTTPRoutes attach only to HTTPS listeners (plain-HTTP routes may only redirect to HTTPS).",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set parentRefs[].sectionName to the Gateway's HTTPS listener, or make the route an HTTPS redirect.",
  validate: (resources) => {
    const gateways = new Map(
      resources
        .filter((resource) => resource.type === GATEWAY)
        .map((resource) => [
          `${metadataOf(resource).namespace ?? "default"}/${metadataOf(resource).name ?? resource.name}`,
          (resource.props.spec?.listeners ?? []) as Listener[],
        ]),
    );
    return resources
      .filter(
        (resource) => resource.type === HTTP_ROUTE && !onlyRedirectsToHttps(resource.props.spec?.rules ?? []),
      )
      .flatMap((route) =>
        ((route.props.spec?.parentRefs ?? []) as ParentRef[]).flatMap((parent) => {
          const key = `${parent.namespace ?? metadataOf(route).namespace ?? "default"}/${parent.name}`;
          const listeners = (gateways.get(key) ?? []).filter(
            (listener) => parent.sectionName === undefined || listener.name === parent.sectionName,
          );
          return listeners
            .filter((listener) => listener.protocol !== "HTTPS")
            .map(
              (listener) =>
                `${objectRef(route)} attaches to ${listener.protocol} listener "${listener.name}" of Gateway ${key}`,
            );
        }),
      );
  },
};

function onlyRedirectsToHttps(
  rules: { filters?: { type: string; requestRedirect?: { scheme?: string } }[] }[],
): boolean {
  return (
    rules.length > 0 &&
    rules.every((rule) =>
      (rule.filters ?? []).some(
        (filter) => filter.type === "RequestRedirect" && filter.requestRedirect?.scheme === "https",
      ),
    )
  );
}

export const networkRules = [noLoadBalancerServices, defaultDenyPerNamespace, httpRoutesOnHttps];
