import * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** One Prometheus query KEDA scales on: replicas = ceil(value / threshold). */
export interface PrometheusTrigger {
  /** Names the trigger (and the external metric KEDA exposes). */
  readonly name: string;
  readonly query: string;
  readonly threshold: number;
  /** Above this value KEDA wakes the workload from zero. Default `0`. */
  readonly activationThreshold?: number;
}

export interface ScaledObjectArgs {
  readonly namespace: string;
  /** The workload scaled (a StatefulSet or Deployment in `namespace`). */
  readonly target: { readonly kind: "StatefulSet" | "Deployment"; readonly name: string };
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** In-cluster Prometheus, e.g. `http://kube-prometheus-stack-prometheus.observability.svc.cluster.local:9090`. */
  readonly prometheusUrl: string;
  readonly triggers: readonly PrometheusTrigger[];
  /** Seconds without load before scaling down (and to zero). */
  readonly cooldownSeconds: number;
  /** How often KEDA polls Prometheus, seconds. */
  readonly pollingSeconds: number;
  readonly labels?: Readonly<Record<string, string>>;
}

/** The ScaledObject's spec, pure: tests and the cost policy read the same shape. */
export function scaledObjectSpec(args: ScaledObjectArgs) {
  if (!Number.isInteger(args.minReplicas) || args.minReplicas < 0)
    throw new Error(`${args.target.name}: minReplicas must be a whole number ≥ 0`);
  if (!Number.isInteger(args.maxReplicas) || args.maxReplicas < Math.max(1, args.minReplicas))
    throw new Error(`${args.target.name}: maxReplicas must be ≥ 1 and ≥ minReplicas`);
  if (args.triggers.length === 0) throw new Error(`${args.target.name}: a ScaledObject needs a trigger`);
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: args.target.kind, name: args.target.name },
    minReplicaCount: args.minReplicas,
    maxReplicaCount: args.maxReplicas,
    pollingInterval: args.pollingSeconds,
    cooldownPeriod: args.cooldownSeconds,
    advanced: {
      // A model server takes minutes to load: scale down slowly, one replica at a time.
      horizontalPodAutoscalerConfig: {
        behavior: {
          scaleDown: {
            stabilizationWindowSeconds: args.cooldownSeconds,
            policies: [{ type: "Pods", value: 1, periodSeconds: 120 }],
          },
        },
      },
    },
    triggers: args.triggers.map((trigger) => ({
      type: "prometheus",
      name: trigger.name,
      metadata: {
        serverAddress: args.prometheusUrl,
        query: trigger.query,
        threshold: String(trigger.threshold),
        activationThreshold: String(trigger.activationThreshold ?? 0),
        // No data (a model scaled to zero exports nothing) reads as no load, not as an error.
        ignoreNullValues: "true",
      },
    })),
  };
}

/** A KEDA ScaledObject scaling `target` on Prometheus queries. */
export function scaledObject(
  name: string,
  args: ScaledObjectArgs,
  opts: pulumi.CustomResourceOptions,
): kubernetes.apiextensions.CustomResource {
  return new kubernetes.apiextensions.CustomResource(
    `${name}-scaler`,
    {
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      metadata: { name, namespace: args.namespace, labels: { ...args.labels } },
      spec: scaledObjectSpec(args),
    },
    opts,
  );
}
