import type { DeclaredResource } from "../../../policies/offline/render-stack";
import { type ChartSources, PINNED_CHART_SOURCES } from "./chart-workloads";
import type { Json } from "./json";
import type { ReplicaRange } from "./workload";

/** What an extractor may look up about the rest of the stack. */
export interface ExtractContext {
  /** The nearest `ai-platform:` component above a resource. */
  componentOf(resource: DeclaredResource): DeclaredResource | undefined;
  /** Bounds set by a HorizontalPodAutoscaler or KEDA ScaledObject on a workload, if one targets it. */
  scalingOf(namespace: string, kind: string, name: string): ReplicaRange | undefined;
  /** A declared resource of `type` whose `metadata.name` is `name`. */
  declared(type: string, name: string): DeclaredResource | undefined;
  readonly charts: ChartSources;
}

export const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
export const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";

export interface Scaler {
  readonly resource: DeclaredResource;
  readonly target: string;
  readonly range: ReplicaRange;
}

/** `namespace/Kind/name` of the workload a scaler drives, with its bounds (KEDA's defaults: 0 and 100). */
export function scalerOf(resource: DeclaredResource): Scaler {
  const { metadata, spec } = resource.inputs as {
    metadata?: { namespace?: string };
    spec?: Record<string, Json>;
  };
  const ref = spec?.scaleTargetRef ?? {};
  const keda = resource.type === SCALED_OBJECT;
  const range = keda
    ? { min: spec?.minReplicaCount ?? 0, max: spec?.maxReplicaCount ?? 100 }
    : { min: spec?.minReplicas ?? 1, max: spec?.maxReplicas };
  return {
    resource,
    target: `${metadata?.namespace ?? "default"}/${ref.kind ?? "Deployment"}/${ref.name}`,
    range,
  };
}

export function buildContext(
  resources: readonly DeclaredResource[],
  charts: ChartSources = PINNED_CHART_SOURCES,
): ExtractContext & { readonly scalers: readonly Scaler[] } {
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const scalers = resources
    .filter((resource) => resource.type === HPA || resource.type === SCALED_OBJECT)
    .map(scalerOf);
  return {
    charts,
    scalers,
    componentOf(resource) {
      for (let parent = byUrn.get(resource.parent); parent; parent = byUrn.get(parent.parent)) {
        if (parent.type.startsWith("ai-platform:")) return parent;
      }
      return undefined;
    },
    scalingOf(namespace, kind, name) {
      return scalers.find((scaler) => scaler.target === `${namespace}/${kind}/${name}`)?.range;
    },
    declared(type, name) {
      return resources.find((resource) => resource.type === type && resource.inputs.metadata?.name === name);
    },
  };
}

/** Scalers with bounds that make no sense, or aimed at a workload the stack does not declare. */
export function scalerProblems(scalers: readonly Scaler[], resources: readonly DeclaredResource[]): string[] {
  return scalers.flatMap((scaler) => {
    const where = `${scaler.resource.type} (${scaler.resource.name})`;
    const { min, max } = scaler.range;
    const [namespace, kind, name] = scaler.target.split("/");
    const declared = resources.some(
      (resource) =>
        resource.type === `kubernetes:apps/v1:${kind}` &&
        resource.inputs.metadata?.name === name &&
        (resource.inputs.metadata?.namespace ?? "default") === namespace,
    );
    return [
      ...(Number.isInteger(min) && Number.isInteger(max) && min <= max
        ? []
        : [`${where}: replica bounds ${min}–${max}`]),
      ...(declared ? [] : [`${where}: scales ${scaler.target}, which the stack does not declare`]),
    ];
  });
}
