import type * as kubernetes from "@pulumi/kubernetes";
import { PlatformNamespace, type PlatformNamespaceArgs } from "../../components/baseline/platform-namespace";

/** The platform's namespaces, one per area. */
export const NAMESPACES = {
  ingress: "ingress",
  certManager: "cert-manager",
  data: "data",
  identity: "identity",
  secrets: "secrets",
  observability: "observability",
  observabilityAgents: "observability-agents",
  ai: "ai",
} as const;

/** Pod Security per namespace: restricted everywhere but where node agents must read the host. */
const POD_SECURITY: Partial<
  Record<keyof typeof NAMESPACES, Pick<PlatformNamespaceArgs, "podSecurity" | "podSecurityReason">>
> = {
  observabilityAgents: {
    podSecurity: "privileged",
    podSecurityReason:
      "Grafana Alloy reads every pod's log files from the node through a read-only hostPath (/var/log); nothing else runs here.",
  },
};

export type PlatformNamespaces = { readonly [K in keyof typeof NAMESPACES]: PlatformNamespace };

export function createNamespaces(
  labels: Readonly<Record<string, string>>,
  provider: kubernetes.Provider,
): PlatformNamespaces {
  return Object.fromEntries(
    (Object.keys(NAMESPACES) as (keyof typeof NAMESPACES)[]).map((key) => [
      key,
      new PlatformNamespace(NAMESPACES[key], { labels, ...POD_SECURITY[key] }, { providers: [provider] }),
    ]),
  ) as PlatformNamespaces;
}
