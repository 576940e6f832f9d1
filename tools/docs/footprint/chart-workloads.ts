import type { ChartTable, ChartWorkload } from "./chart-model";
import { ChartValues, mergeValues, readChartDefaults } from "./chart-values";
import { CHART_TABLES } from "./charts";
import { addResources, containerResources, NO_RESOURCES } from "./pod-resources";
import { parseBytes } from "./quantities";
import type { ReplicaRange, Workload } from "./workload";

/** A Helm release the stack declares: the chart's name as the reference data has it, and its values. */
export interface ChartRelease {
  /** The declaring resource's name, for messages. */
  readonly resourceName: string;
  readonly chart: string;
  readonly version: string;
  readonly namespace: string;
  readonly values: Record<string, unknown>;
}

/** Where the chart tables and the charts' own defaults come from; tests hand in their own. */
export interface ChartSources {
  readonly tables: ReadonlyMap<string, ChartTable>;
  readonly defaults: (chart: string) => Record<string, unknown>;
}

export const PINNED_CHART_SOURCES: ChartSources = { tables: CHART_TABLES, defaults: readChartDefaults };

/** The workloads a release runs, from its chart's table; fails on a chart, version or setting it does not know. */
export function chartWorkloads(
  release: ChartRelease,
  sources: ChartSources = PINNED_CHART_SOURCES,
): Workload[] {
  const where = `chart ${release.chart} (${release.resourceName})`;
  const table = sources.tables.get(release.chart);
  if (!table)
    throw new Error(
      `${where}: no footprint table knows this chart; add one under tools/docs/footprint/charts/`,
    );
  if (table.version !== release.version)
    throw new Error(
      `${where}: version ${release.version}, but its footprint table was written for ${table.version}; check where the new version keeps replicas, resources and storage, then update the table`,
    );
  const defaults = mergeValues(table.subchartDefaults ?? {}, sources.defaults(release.chart)) as Record<
    string,
    unknown
  >;
  const values = new ChartValues(release.chart, defaults, release.values);
  const problems = [
    ...(table.unmodelled ?? []).filter((path) => values.value(path) === true).map((path) => `${path} is on`),
    ...(table.check?.(values) ?? []),
  ];
  if (problems.length > 0)
    throw new Error(`${where}: its footprint table does not model ${problems.join("; ")}; extend the table`);
  return table.workloads
    .filter((workload) => workload.when?.(values) ?? true)
    .map((workload) => evaluate(workload, values, release, where));
}

function evaluate(
  workload: ChartWorkload,
  values: ChartValues,
  release: ChartRelease,
  where: string,
): Workload {
  const notes: string[] = [];
  const pod = workload.containers
    .filter((container) => container.when?.(values) ?? true)
    .map((container) =>
      containerResources(values.figure(container.resources, notes), `${where} ${container.resources}`),
    )
    .reduce(addResources, NO_RESOURCES);
  let storagePerPod = 0;
  let sharedStorage = 0;
  for (const volume of workload.volumes ?? []) {
    if (!(volume.when?.(values) ?? true)) continue;
    const bytes = parseBytes(values.figure(volume.size, notes), `${where} ${volume.size}`);
    if (volume.shared) sharedStorage += bytes;
    else storagePerPod += bytes;
  }
  const namespaceOverride = workload.namespace ? values.value(workload.namespace) : undefined;
  return {
    label: workload.label,
    namespace:
      typeof namespaceOverride === "string" && namespaceOverride ? namespaceOverride : release.namespace,
    kind: workload.kind,
    replicas: workload.kind === "DaemonSet" ? { min: 1, max: 1 } : replicasOf(workload, values, notes),
    pod,
    storagePerPod,
    sharedStorage,
    defaults: notes,
  };
}

function replicasOf(workload: ChartWorkload, values: ChartValues, notes: string[]): ReplicaRange {
  const replicas = workload.replicas;
  if (replicas === undefined) return { min: 1, max: 1 };
  const counted = typeof replicas === "string" ? values.count(replicas, notes) : replicas(values, notes);
  return typeof counted === "number" ? { min: counted, max: counted } : counted;
}
