import { addResources, NO_RESOURCES, type Resources, scaleResources } from "./pod-resources";
import type { ReplicaRange, Workload } from "./workload";

/** How a row's pods add up: across the cluster, once per node (DaemonSets), or once (Jobs). */
export type Placement = "cluster" | "per-node" | "one-off";

/** Pods and their figures, at one replica count. */
export interface Totals extends Resources {
  readonly pods: number;
  /** Bytes of persistent volumes. */
  readonly storage: number;
}

/** One line of the document: a service or workload group, at its minimum and maximum scale. */
export interface FootprintRow {
  readonly label: string;
  readonly namespace: string;
  readonly placement: Placement;
  readonly min: Totals;
  readonly max: Totals;
  /** Figures taken from defaults (see Workload.defaults), without repeats. */
  readonly defaults: readonly string[];
}

export const NO_TOTALS: Totals = { ...NO_RESOURCES, pods: 0, storage: 0 };

export function addTotals(a: Totals, b: Totals): Totals {
  return { ...addResources(a, b), pods: a.pods + b.pods, storage: a.storage + b.storage };
}

function totalsAt(workload: Workload, replicas: number): Totals {
  return {
    ...scaleResources(workload.pod, replicas),
    pods: replicas,
    storage: workload.storagePerPod * replicas + workload.sharedStorage,
  };
}

function placementOf(workload: Workload): Placement {
  if (workload.kind === "DaemonSet") return "per-node";
  return workload.kind === "Job" ? "one-off" : "cluster";
}

const at = (workload: Workload, bound: keyof ReplicaRange) => totalsAt(workload, workload.replicas[bound]);

/** Workloads grouped by label, namespace and placement, in a stable order (namespace, then label). */
export function footprintRows(workloads: readonly Workload[]): FootprintRow[] {
  const rows = new Map<string, FootprintRow>();
  for (const workload of workloads) {
    const placement = placementOf(workload);
    const key = `${workload.namespace}\u0000${workload.label}\u0000${placement}`;
    const row = rows.get(key) ?? {
      label: workload.label,
      namespace: workload.namespace,
      placement,
      min: NO_TOTALS,
      max: NO_TOTALS,
      defaults: [],
    };
    rows.set(key, {
      ...row,
      min: addTotals(row.min, at(workload, "min")),
      max: addTotals(row.max, at(workload, "max")),
      defaults: [...new Set([...row.defaults, ...workload.defaults])],
    });
  }
  return [...rows.values()].sort(
    (a, b) => a.namespace.localeCompare(b.namespace, "en") || a.label.localeCompare(b.label, "en"),
  );
}

/** Sum of the rows with the given placement, at minimum and maximum scale. */
export function sumRows(rows: readonly FootprintRow[], placement: Placement): { min: Totals; max: Totals } {
  const selected = rows.filter((row) => row.placement === placement);
  return {
    min: selected.map((row) => row.min).reduce(addTotals, NO_TOTALS),
    max: selected.map((row) => row.max).reduce(addTotals, NO_TOTALS),
  };
}
