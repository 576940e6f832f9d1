import type { ChartValues } from "./chart-values";
import type { ReplicaRange } from "./workload";

/**
 * Where a chart keeps the replicas, resources and storage of each workload it renders: one small table
 * per chart (charts/*.ts), written against one chart version and read against the chart's own
 * values.yaml, so what the code leaves to the chart is counted too.
 */

export type Condition = (values: ChartValues) => boolean;

export interface ChartContainer {
  readonly name: string;
  /** Values path of the container's `resources` block. */
  readonly resources: string;
  /** Present only when this holds (default: always). */
  readonly when?: Condition;
}

export interface ChartVolume {
  /** Values path of the claim's size. */
  readonly size: string;
  /** Claimed only when this holds (default: always). */
  readonly when?: Condition;
  /** One claim for all the pods (a plain PVC) rather than one per pod (volumeClaimTemplates). Default false. */
  readonly shared?: boolean;
}

export interface ChartWorkload {
  /** Row the pods are counted in; workloads of one chart may share it. */
  readonly label: string;
  readonly kind: "Deployment" | "StatefulSet" | "DaemonSet";
  /** Rendered only when this holds (default: always). */
  readonly when?: Condition;
  /**
   * Values path of the replica count, or a function for counts the chart derives (autoscaling bounds,
   * replicas × shards). Default 1; ignored for DaemonSets.
   */
  readonly replicas?: string | ((values: ChartValues, notes: string[]) => number | ReplicaRange);
  readonly containers: readonly ChartContainer[];
  readonly volumes?: readonly ChartVolume[];
  /** Values path overriding the namespace (default: the release's). */
  readonly namespace?: string;
}

export interface ChartTable {
  /** The chart's name as the reference data names it (last segment of an `oci://` reference). */
  readonly chart: string;
  /** The chart version the table was written against: another version must be checked first. */
  readonly version: string;
  /** Defaults of subcharts the reference data lacks, copied from those subcharts' values.yaml. */
  readonly subchartDefaults?: Record<string, unknown>;
  /** Switches that turn on workloads the table does not model: each must be off. */
  readonly unmodelled?: readonly string[];
  /** Further checks on values the table's model depends on; returns the problems found. */
  readonly check?: (values: ChartValues) => readonly string[];
  readonly workloads: readonly ChartWorkload[];
}
