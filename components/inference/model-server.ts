import * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { allowEgress, allowIngress, type Peers } from "../baseline/network-policy";
import { prometheusMonitor } from "../common/monitoring";
import { RESTRICTED_CONTAINER, RUNTIME_DEFAULT_SECCOMP } from "../common/security-context";
import { zoneSpread } from "../common/topology";
import { GPU_TAINT, GPU_TYPE_LABEL } from "../nodepool/gpu-scheduling";
import { type PrometheusTrigger, scaledObject } from "./scaled-object";
import { MODEL_CACHE_DIR } from "./vllm-args";

/** How every model server is run, whatever the engine: the parts the engine components fill in. */
export interface ModelServerSpec {
  readonly namespace: string;
  /** `app.kubernetes.io/name` of the pods: the engine (`vllm`, `llama-cpp`, `whisper`, `chattts`). */
  readonly engine: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args: readonly string[];
  readonly env: readonly kubernetes.types.input.core.v1.EnvVar[];
  readonly port: number;
  readonly cpu: string;
  readonly memory: string;
  /** GPUs per replica and the pool's GPU type; absent: a CPU server, kept off GPU nodes by their taint. */
  readonly gpu?: { readonly type: string; readonly count: number };
  /** HTTP path answering 200 once the model is loaded; the readiness and startup probe. */
  readonly healthPath: string;
  /** Longest a replica may take to load its model before Kubernetes restarts it. */
  readonly startupSeconds: number;
  /** Path of Prometheus metrics on `port`; absent: no ServiceMonitor. */
  readonly metricsPath?: string;
  /** Per-replica volume for model weights (and the engine's caches), GiB. */
  readonly cacheGi: number;
  /** Size of the `/dev/shm` memory volume, GiB; absent: none. */
  readonly sharedMemoryGi?: number;
  readonly initContainers?: readonly kubernetes.types.input.core.v1.Container[];
  readonly replicas: { readonly min: number; readonly max: number };
  /** KEDA scaling; absent: a fixed `replicas.max` replicas. */
  readonly autoscaling?: {
    readonly prometheusUrl: string;
    readonly triggers: readonly PrometheusTrigger[];
    readonly cooldownSeconds: number;
    readonly pollingSeconds: number;
  };
  /** A PodDisruptionBudget (at most one replica down) and spreading over zones. */
  readonly highAvailability: boolean;
  /** Namespaces whose pods may call the server (the LLM gateway's). */
  readonly clientNamespaces: readonly string[];
  readonly metricsNamespace: string;
  /** Where the server may reach, e.g. Hugging Face (anywhere on 443) or object storage. Default `[]`. */
  readonly egress?: readonly {
    readonly name: string;
    readonly peers: Peers;
    readonly ports: readonly number[];
  }[];
}

export interface ModelServer {
  readonly statefulSet: kubernetes.apps.v1.StatefulSet;
  readonly service: kubernetes.core.v1.Service;
  /** `http://<name>.<namespace>.svc.cluster.local:<port>` */
  readonly baseUrl: string;
  readonly podLabels: Readonly<Record<string, string>>;
}

/** Engine images run as root by default; these run them as an unprivileged user that owns the cache. */
const POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  fsGroupChangePolicy: "OnRootMismatch",
  seccompProfile: RUNTIME_DEFAULT_SECCOMP,
};

/**
 * A model server as a StatefulSet: each replica keeps its own weights volume, so a restart or a
 * scale-up from zero reuses what it downloaded, without needing ReadWriteMany storage. Beside it:
 * a Service, a ServiceMonitor, KEDA's ScaledObject, a PodDisruptionBudget when highly available, and
 * the network allows on top of the namespace's default-deny.
 */
export function declareModelServer(
  name: string,
  spec: ModelServerSpec,
  parent: pulumi.Resource,
): ModelServer {
  const { namespace } = spec;
  const podLabels = {
    "app.kubernetes.io/name": spec.engine,
    "app.kubernetes.io/instance": name,
    "app.kubernetes.io/part-of": "ai-platform-inference",
  };
  const opts = { parent };
  const gpuResources: Record<string, string> = spec.gpu ? { "nvidia.com/gpu": String(spec.gpu.count) } : {};
  const probe = (failureThreshold: number, periodSeconds: number) => ({
    httpGet: { path: spec.healthPath, port: "http" },
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold,
  });
  const fixedReplicas = spec.autoscaling ? undefined : spec.replicas.max;

  const statefulSet = new kubernetes.apps.v1.StatefulSet(
    name,
    {
      metadata: { name, namespace, labels: podLabels },
      spec: {
        serviceName: name,
        // KEDA owns the replica count; a fixed count only without autoscaling.
        ...(fixedReplicas !== undefined ? { replicas: fixedReplicas } : { replicas: spec.replicas.min }),
        podManagementPolicy: "Parallel",
        selector: { matchLabels: podLabels },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
        template: {
          metadata: { labels: podLabels },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: POD_SECURITY,
            // Loading a model takes minutes; in-flight requests get time to finish on shutdown.
            terminationGracePeriodSeconds: 120,
            ...(spec.gpu
              ? {
                  nodeSelector: { [GPU_TYPE_LABEL]: spec.gpu.type },
                  tolerations: [{ key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect }],
                }
              : {}),
            ...(spec.highAvailability ? { topologySpreadConstraints: zoneSpread(podLabels) } : {}),
            ...(spec.initContainers?.length ? { initContainers: [...spec.initContainers] } : {}),
            containers: [
              {
                name: "server",
                image: spec.image,
                ...(spec.command ? { command: [...spec.command] } : {}),
                args: [...spec.args],
                env: [
                  // Engine images assume a writable home; point every cache at the weights volume.
                  { name: "HOME", value: `${MODEL_CACHE_DIR}/home` },
                  { name: "HF_HOME", value: `${MODEL_CACHE_DIR}/huggingface` },
                  { name: "XDG_CACHE_HOME", value: `${MODEL_CACHE_DIR}/cache` },
                  ...spec.env,
                ],
                ports: [{ name: "http", containerPort: spec.port, protocol: "TCP" }],
                startupProbe: probe(Math.ceil(spec.startupSeconds / 10), 10),
                readinessProbe: probe(3, 10),
                livenessProbe: probe(6, 20),
                resources: {
                  requests: { cpu: spec.cpu, memory: spec.memory, ...gpuResources },
                  limits: { memory: spec.memory, ...gpuResources },
                },
                securityContext: RESTRICTED_CONTAINER,
                volumeMounts: [
                  { name: "models", mountPath: MODEL_CACHE_DIR },
                  ...(spec.sharedMemoryGi ? [{ name: "dshm", mountPath: "/dev/shm" }] : []),
                ],
              },
            ],
            ...(spec.sharedMemoryGi
              ? {
                  volumes: [
                    { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: `${spec.sharedMemoryGi}Gi` } },
                  ],
                }
              : {}),
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: "models", labels: podLabels },
            spec: {
              accessModes: ["ReadWriteOnce"],
              resources: { requests: { storage: `${spec.cacheGi}Gi` } },
            },
          },
        ],
      },
    },
    // KEDA changes the replica count; Pulumi must not undo it on the next update.
    spec.autoscaling ? { parent, ignoreChanges: ["spec.replicas"] } : opts,
  );

  const service = new kubernetes.core.v1.Service(
    name,
    {
      metadata: { name, namespace, labels: podLabels },
      spec: {
        type: "ClusterIP",
        selector: podLabels,
        ports: [{ name: "http", port: spec.port, targetPort: "http", protocol: "TCP" }],
      },
    },
    opts,
  );

  if (spec.metricsPath) {
    prometheusMonitor(
      "ServiceMonitor",
      name,
      namespace,
      podLabels,
      [{ port: "http", path: spec.metricsPath, interval: "15s" }],
      { parent, dependsOn: [service] },
    );
  }
  if (spec.autoscaling) {
    scaledObject(
      name,
      {
        namespace,
        target: { kind: "StatefulSet", name },
        minReplicas: spec.replicas.min,
        maxReplicas: spec.replicas.max,
        labels: podLabels,
        ...spec.autoscaling,
      },
      { parent, dependsOn: [statefulSet] },
    );
  }
  if (spec.highAvailability) {
    new kubernetes.policy.v1.PodDisruptionBudget(
      name,
      {
        metadata: { name, namespace, labels: podLabels },
        spec: { maxUnavailable: 1, selector: { matchLabels: podLabels } },
      },
      opts,
    );
  }

  if (spec.clientNamespaces.length > 0) {
    allowIngress(
      `${name}-clients`,
      {
        namespace,
        podLabels,
        peers: spec.clientNamespaces.map((ns) => ({ namespace: ns })),
        ports: [spec.port],
      },
      opts,
    );
  }
  if (spec.metricsPath) {
    allowIngress(
      `${name}-metrics`,
      { namespace, podLabels, peers: [{ namespace: spec.metricsNamespace }], ports: [spec.port] },
      opts,
    );
  }
  for (const { name: suffix, peers, ports } of spec.egress ?? []) {
    allowEgress(`${name}-${suffix}`, { namespace, podLabels, peers, ports }, opts);
  }
  return {
    statefulSet,
    service,
    baseUrl: `http://${name}.${namespace}.svc.cluster.local:${spec.port}`,
    podLabels,
  };
}
