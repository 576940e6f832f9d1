import type { NamespacePeer } from "../baseline/network-policy";

/** A server one of the platform's services connects to: where its pods are (for the NetworkPolicy) and their port. */
export interface ServerPeer {
  readonly peer: NamespacePeer;
  readonly port: number;
}

/** A key of a Secret in the service's namespace. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** Where the shared Gateway publishes a service. */
export interface PublicRouteArgs {
  /** Public hostname, e.g. `"llm.ai.example.com"`. */
  readonly hostname: string;
  readonly gatewayName: string;
  readonly gatewayNamespace: string;
  /** The shared Gateway's HTTPS listener for `hostname` (TLS ends there; never the plain-HTTP one). */
  readonly listenerName: string;
}

/** What the gateway, the MCP server and the agent service are all given: where they run and how they scale. */
export interface ScaledServiceArgs {
  /** Existing restricted namespace (the platform's `ai`); every Secret named here lives in it. No default. */
  readonly namespace: string;
  /** The service's image (its Dockerfile under services/), pinned by tag or digest. No default. */
  readonly image: string;
  /** Pods; the HorizontalPodAutoscaler scales between them on CPU. Default `{ min: 1, max: 3 }`. */
  readonly replicas?: { readonly min: number; readonly max: number };
  /** Average CPU use, in percent of the request, the autoscaler aims for. Default `70`. */
  readonly targetCpuUtilization?: number;
  /** PodDisruptionBudget and a zone/node spread (prod); needs `replicas.min` of 2 or more. Default `false`. */
  readonly highAvailability?: boolean;
}
