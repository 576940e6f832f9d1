import type { Resources } from "./pod-resources";

/** How a workload's pods are placed: DaemonSets run one pod per node and are not summed with the rest. */
export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet" | "Job";

export interface ReplicaRange {
  readonly min: number;
  readonly max: number;
}

/** One set of identical pods the stack runs, whoever creates them (the stack, a chart or an operator). */
export interface Workload {
  /** The row it is counted in, e.g. "Prometheus" or "vLLM glm-4-9b-chat". */
  readonly label: string;
  readonly namespace: string;
  readonly kind: WorkloadKind;
  /** Fixed workloads have min = max; autoscaled ones their scaler's bounds. DaemonSets: 1 (per node). */
  readonly replicas: ReplicaRange;
  /** Effective figures of one pod. */
  readonly pod: Resources;
  /** Bytes of persistent volume each pod claims (volumeClaimTemplates and the like). */
  readonly storagePerPod: number;
  /** Bytes of persistent volume claimed once for all its pods (a plain PVC). */
  readonly sharedStorage: number;
  /**
   * Figures left to defaults the code does not set: a chart's values.yaml (`path = value`) or a
   * controller's built-in defaults. The document lists them under each stack.
   */
  readonly defaults: readonly string[];
}

export function fixedReplicas(count: number): ReplicaRange {
  return { min: count, max: count };
}
