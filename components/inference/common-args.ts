import type { ModelObjectStorage } from "./object-storage-fetch";

/** Arguments every model server component takes beside its engine settings. */
export interface ServingArgs {
  /** Existing namespace (Pod Security "restricted", default-deny) for the server. No default. */
  readonly namespace: string;
  /** Replicas: KEDA scales between min and max (min 0 scales to zero). No default. */
  readonly replicas: { readonly min: number; readonly max: number };
  /** CPU request. No default. */
  readonly cpu: string;
  /** Memory request and limit. No default. */
  readonly memory: string;
  /** Per-replica weights volume, GiB. No default. */
  readonly cacheGi: number;
  /** KEDA scaling on Prometheus; absent: a fixed `replicas.max` replicas. Default: none. */
  readonly autoscaling?: {
    readonly prometheusUrl: string;
    readonly cooldownSeconds: number;
    readonly pollingSeconds: number;
    /** A query that is > 0 while clients ask for this model, to wake it from zero. Default: none. */
    readonly wakeQuery?: string;
  };
  /** PodDisruptionBudget and zone spread. Default `false`. */
  readonly highAvailability?: boolean;
  /** Namespaces allowed to call the server. Default `["ai"]`. */
  readonly clientNamespaces?: readonly string[];
  /** Namespace of the metrics scraper. Default `"observability"`. */
  readonly metricsNamespace?: string;
  /** Object storage to copy weights from when the source is an object-storage path. Default: none. */
  readonly objectStorage?: ModelObjectStorage;
}

/** Defaults of {@link ServingArgs}, written once. */
export const SERVING_DEFAULTS = { clientNamespaces: ["ai"], metricsNamespace: "observability" } as const;

/** Hugging Face over HTTPS: its CDN has no fixed addresses. */
export const INTERNET_HTTPS = { name: "downloads", peers: "anywhere" as const, ports: [443] };

/** Arguments of the audio servers (speech to text, text to speech), which export no queue metrics to scale on. */
export interface AudioServerArgs {
  /** Existing namespace. No default. */
  readonly namespace: string;
  /** `gpu` (one GPU of `gpuType`) or `cpu`. No default. */
  readonly device: "gpu" | "cpu";
  /** GPU type of the pool; required with device `gpu`. */
  readonly gpuType?: string;
  /** Fixed replica count. No default. */
  readonly replicas: number;
  readonly cpu: string;
  readonly memory: string;
  readonly cacheGi: number;
  readonly highAvailability?: boolean;
  /** Namespaces allowed to call the server. Default `["ai"]`. */
  readonly clientNamespaces?: readonly string[];
}

/** The model-server settings audio servers share: fixed replicas, one GPU on GPU, downloads over HTTPS. */
export function audioServerSizing(args: AudioServerArgs) {
  return {
    cpu: args.cpu,
    memory: args.memory,
    ...(args.device === "gpu" ? { gpu: { type: args.gpuType as string, count: 1 } } : {}),
    cacheGi: args.cacheGi,
    replicas: { min: args.replicas, max: args.replicas },
    highAvailability: args.highAvailability ?? false,
    clientNamespaces: args.clientNamespaces ?? SERVING_DEFAULTS.clientNamespaces,
    metricsNamespace: SERVING_DEFAULTS.metricsNamespace,
    egress: [INTERNET_HTTPS],
  };
}

/** Names that become Kubernetes object names (StatefulSet pods append `-<ordinal>`). */
export function checkServerName(name: string): void {
  if (!/^[a-z]([a-z0-9-]{0,40}[a-z0-9])?$/.test(name))
    throw new Error(`${name}: the name must be a DNS label of at most 42 characters`);
}
