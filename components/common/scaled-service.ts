import * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

export interface ScaledServiceSpec {
  readonly namespace: string;
  /** Labels of the Deployment's pods, selected by the Service and the PodDisruptionBudget. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The container port named `http`. */
  readonly port: number;
  readonly replicas: { readonly min: number; readonly max: number };
  /** Average CPU use, in percent of the request, the autoscaler aims for. */
  readonly targetCpuUtilization: number;
  /** Adds a PodDisruptionBudget keeping all but one pod up. */
  readonly highAvailability: boolean;
}

/**
 * What every one of the platform's own HTTP services has beside its Deployment (named `name`): a
 * Service on the `http` port, a CPU HorizontalPodAutoscaler that owns the replica count, and in HA
 * mode a PodDisruptionBudget. Returns the Service, which routes and monitors depend on.
 */
export function declareScaledService(
  name: string,
  spec: ScaledServiceSpec,
  deployment: kubernetes.apps.v1.Deployment,
  opts: pulumi.CustomResourceOptions,
): kubernetes.core.v1.Service {
  const { namespace, podLabels } = spec;
  const metadata = { name, namespace, labels: podLabels };
  const service = new kubernetes.core.v1.Service(
    name,
    {
      metadata,
      spec: {
        selector: podLabels,
        ports: [{ name: "http", port: spec.port, targetPort: "http", protocol: "TCP" }],
      },
    },
    opts,
  );
  new kubernetes.autoscaling.v2.HorizontalPodAutoscaler(
    name,
    {
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
        minReplicas: spec.replicas.min,
        maxReplicas: spec.replicas.max,
        metrics: [
          {
            type: "Resource",
            resource: {
              name: "cpu",
              target: { type: "Utilization", averageUtilization: spec.targetCpuUtilization },
            },
          },
        ],
      },
    },
    { ...opts, dependsOn: [deployment] },
  );
  if (spec.highAvailability) {
    new kubernetes.policy.v1.PodDisruptionBudget(
      name,
      { metadata, spec: { maxUnavailable: 1, selector: { matchLabels: podLabels } } },
      opts,
    );
  }
  return service;
}
