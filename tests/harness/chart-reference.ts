import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../../policies/offline/stack-files";

/** Upstream chart values and CRDs with pinned versions, shared by the team beside the repository. */
export const REFERENCE_ROOT = join(REPO_ROOT, "..", "shared", "k8s-reference");

interface ManifestEntry {
  readonly path: string;
  readonly chartName?: string;
  readonly chartVersion?: string;
}

export function referenceChartVersion(chartName: string): string {
  const manifest = JSON.parse(readFileSync(join(REFERENCE_ROOT, "MANIFEST.json"), "utf8")) as ManifestEntry[];
  const entry = manifest.find((e) => e.chartName === chartName && e.path.endsWith("/values.yaml"));
  if (!entry?.chartVersion) throw new Error(`chart ${chartName} is not in the reference MANIFEST.json`);
  return entry.chartVersion;
}

export function referenceChartValues(chartName: string): Record<string, unknown> {
  return parse(readFileSync(join(REFERENCE_ROOT, "charts", chartName, "values.yaml"), "utf8")) as Record<
    string,
    unknown
  >;
}

/**
 * Paths in `values` that the chart's own values.yaml does not have. Descent stops where the chart
 * has a free-form value: an empty map, a list, null, or a key listed in `freeForm`.
 */
export function unknownValuesKeys(
  values: Record<string, unknown>,
  chartDefaults: Record<string, unknown>,
  freeForm: readonly string[] = ["nodeSelector", "podAnnotations", "podLabels", "extraEnv", "resources"],
  prefix = "",
): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!(key in chartDefaults)) return [path];
    const chartValue = chartDefaults[key];
    const descend =
      !freeForm.includes(key) && isMap(value) && isMap(chartValue) && Object.keys(chartValue).length > 0;
    return descend ? unknownValuesKeys(value, chartValue, freeForm, path) : [];
  });
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
