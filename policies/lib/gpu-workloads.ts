import { GPU_TYPE_LABEL } from "../../components/nodepool/gpu-scheduling";
import { podSpecOf } from "./kubernetes";
import type { ResourceView } from "./rule";

/** Kinds a scaler can target and that run replicas of one pod template. */
const SCALABLE = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"];
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const GPU_RESOURCE = "nvidia.com/gpu";

/** A workload that asks for GPUs, read back from the declared resources. */
export interface GpuWorkload {
  /** The served model name (vLLM's `--served-model-name`), else the workload's name. */
  readonly model: string;
  /** `StatefulSet ai/glm-4-9b-chat`, for messages. */
  readonly ref: string;
  /** From the pod's `ai-platform/gpu-type` node selector; absent when the pod selects no GPU type. */
  readonly gpuType: string | undefined;
  readonly gpusPerReplica: number;
  /** Replicas when idle (a scaler's minimum, else the fixed count) and at most. */
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

const gpusOf = (container: { resources?: { requests?: any; limits?: any } }) =>
  Number(container.resources?.limits?.[GPU_RESOURCE] ?? container.resources?.requests?.[GPU_RESOURCE] ?? 0);

interface Scaler {
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

/** KEDA ScaledObjects and HPAs, with each API's defaults for what they leave out. */
function scalersIn(resources: readonly ResourceView[]): Scaler[] {
  return resources.flatMap((resource): Scaler[] => {
    const { metadata = {}, spec = {} } = resource.props;
    const namespace = metadata.namespace ?? "default";
    const target = spec.scaleTargetRef ?? {};
    if (resource.type === SCALED_OBJECT)
      return [
        {
          namespace,
          kind: target.kind ?? "Deployment",
          name: target.name,
          min: Number(spec.minReplicaCount ?? 0),
          max: Number(spec.maxReplicaCount ?? 100),
        },
      ];
    if (resource.type === HPA)
      return [
        {
          namespace,
          kind: target.kind,
          name: target.name,
          min: Number(spec.minReplicas ?? 1),
          max: Number(spec.maxReplicas),
        },
      ];
    return [];
  });
}

/** The GPU type a pod is pinned to: a node selector, or a required node affinity on one type. */
function selectedGpuType(pod: Record<string, any>): string | undefined {
  const selected = pod.nodeSelector?.[GPU_TYPE_LABEL];
  if (selected) return String(selected);
  const terms: any[] =
    pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const types = terms.flatMap((term) =>
    (term.matchExpressions ?? [])
      .filter((e: any) => e.key === GPU_TYPE_LABEL && e.operator === "In")
      .flatMap((e: any) => e.values ?? []),
  );
  return new Set(types).size === 1 ? String(types[0]) : undefined;
}

function servedName(containers: readonly { name?: string; args?: unknown }[]): string | undefined {
  for (const container of containers) {
    const args = Array.isArray(container.args) ? container.args.map(String) : [];
    for (const [index, arg] of args.entries()) {
      if (arg.startsWith("--served-model-name=")) return arg.slice("--served-model-name=".length);
      if (arg === "--served-model-name" && args[index + 1]) return args[index + 1];
    }
  }
  return undefined;
}

/** Every Deployment and StatefulSet that requests GPUs, with its replica range from its scaler. */
export function gpuWorkloadsIn(resources: readonly ResourceView[]): GpuWorkload[] {
  const scalers = scalersIn(resources);
  return resources.flatMap((resource): GpuWorkload[] => {
    if (!SCALABLE.includes(resource.type)) return [];
    const pod = podSpecOf(resource);
    if (!pod) return [];
    // Init containers run one at a time before the main ones: the pod holds the larger of the two.
    const main = (pod.containers ?? []).reduce((sum, c) => sum + gpusOf(c), 0);
    const init = Math.max(0, ...(pod.initContainers ?? []).map(gpusOf));
    const gpusPerReplica = Math.max(main, init);
    if (!(gpusPerReplica > 0)) return [];

    const kind = resource.type.split(":").pop() ?? "";
    const name = resource.props.metadata?.name ?? resource.name;
    const namespace = resource.props.metadata?.namespace ?? "default";
    const scaler = scalers.find((s) => s.namespace === namespace && s.kind === kind && s.name === name);
    const fixed = Number(resource.props.spec?.replicas ?? 1);
    return [
      {
        model: servedName(pod.containers ?? []) ?? name,
        ref: `${kind} ${namespace}/${name}`,
        gpuType: selectedGpuType(pod),
        gpusPerReplica,
        minReplicas: scaler ? scaler.min : fixed,
        maxReplicas: scaler ? scaler.max : fixed,
      },
    ];
  });
}
