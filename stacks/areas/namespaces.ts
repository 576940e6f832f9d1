import type * as kubernetes from "@pulumi/kubernetes";
import { PlatformNamespace } from "../../components/baseline/platform-namespace";

/** The platform's namespaces, one per area. All are Pod Security `restricted`. */
export const NAMESPACES = {
  ingress: "ingress",
  certManager: "cert-manager",
  data: "data",
} as const;

export type PlatformNamespaces = { readonly [K in keyof typeof NAMESPACES]: PlatformNamespace };

export function createNamespaces(
  labels: Readonly<Record<string, string>>,
  provider: kubernetes.Provider,
): PlatformNamespaces {
  const create = (namespace: string) =>
    new PlatformNamespace(namespace, { labels }, { providers: [provider] });
  return {
    ingress: create(NAMESPACES.ingress),
    certManager: create(NAMESPACES.certManager),
    data: create(NAMESPACES.data),
  };
}
