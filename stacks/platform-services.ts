import type * as kubernetes from "@pulumi/kubernetes";
import { type DataArea, deployData } from "./areas/data";
import { deployIngress, type IngressArea } from "./areas/ingress";
import { createNamespaces } from "./areas/namespaces";
import type { PlatformConfig } from "./config";

/** What the platform services hand to the outputs and to later areas. */
export interface PlatformServices {
  readonly ingress: IngressArea;
  readonly data: DataArea;
}

/** The services every environment runs on its cluster, area by area. */
export function buildPlatformServices(
  config: PlatformConfig,
  provider: kubernetes.Provider,
): PlatformServices {
  const namespaces = createNamespaces(config.tags, provider);
  return {
    ingress: deployIngress(config, namespaces, provider),
    data: deployData(config, namespaces, provider),
  };
}
