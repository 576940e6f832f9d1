import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { chartName, PINNED_CHARTS } from "../../components/charts/pinned-charts";
import { STACK_NAMES } from "../../policies/offline/stack-files";
import {
  chartValuesViolations,
  REFERENCE_ROOT,
  referenceChartSchema,
  referenceChartsWithSchema,
  referenceChartValues,
  referenceChartVersion,
  unknownValuesKeys,
} from "../harness/chart-reference";
import { runStackFile, type StackRun } from "../harness/run-stack";

/** Values that are Kubernetes API objects (security contexts, affinity, ...): validated by the API, not the chart. */
const KUBERNETES_OBJECT_KEYS = [
  "nodeSelector",
  "podAnnotations",
  "podLabels",
  "extraEnv",
  "resources",
  "securityContext",
  "podSecurityContext",
  "containerSecurityContext",
  "affinity",
  "tolerations",
  "topologySpreadConstraints",
];

/**
 * What the reference data truly cannot check: values for subcharts whose own values.yaml (and schema)
 * it does not hold. Each component's test pins these keys down exactly.
 */
const UNCHECKABLE_SUBCHARTS: Record<string, readonly string[]> = {
  "kube-prometheus-stack": ["grafana", "kube-state-metrics", "prometheus-node-exporter"],
};

/**
 * Keys a chart documents only as a commented-out line of its values.yaml, and no schema declares:
 * checked against that comment instead.
 */
const DOCUMENTED_IN_COMMENTS: Record<string, readonly string[]> = {
  // Alertmanager reads its config from an existing Secret; the component sets it when given one.
  "kube-prometheus-stack": ["alertmanager.alertmanagerSpec.configSecret"],
  // Chart 7.3.0 needs bucketNames with S3 storage.
  loki: ["loki.storage.bucketNames"],
};

/** A chart the program installs: a helm.v4 Chart, or the cert-manager component, whose args are the chart's values. */
interface DeclaredRelease {
  readonly chart: string;
  readonly version: unknown;
  readonly values: Record<string, unknown>;
}

function declaredReleases(run: StackRun): DeclaredRelease[] {
  return run.resources.flatMap((resource): DeclaredRelease[] => {
    if (resource.type === "kubernetes:helm.sh/v4:Chart") {
      const { chart, version, values } = resource.inputs;
      return [{ chart: chartName(chart), version, values: values ?? {} }];
    }
    if (resource.type === "kubernetes-cert-manager:index:CertManager") {
      const { helmOptions, ...values } = resource.inputs;
      return [{ chart: "cert-manager", version: helmOptions?.version, values }];
    }
    return [];
  });
}

const underSubchart = (chart: string, path: string) =>
  (UNCHECKABLE_SUBCHARTS[chart] ?? []).includes(path.split(".")[0] ?? "");

/** A commented-out `key:` line for the path's last segment and for every key the code sets beneath it. */
function commentedKeysMissing(chart: string, path: string, value: unknown): string[] {
  const text = readFileSync(join(REFERENCE_ROOT, "charts", chart, "values.yaml"), "utf8");
  const leaf = path.split(".").pop() ?? path;
  const children = typeof value === "object" && value !== null ? Object.keys(value) : [];
  return [leaf, ...children].filter((key) => !new RegExp(`^\\s*#+\\s*${key}:`, "m").test(text));
}

const valueAt = (values: Record<string, unknown>, path: string) =>
  path.split(".").reduce<any>((node, key) => node?.[key], values);

describe("pinned Helm charts", () => {
  it.each(Object.entries(PINNED_CHARTS))("%s is pinned to the reference release", (_key, pinned) => {
    expect(pinned.version).toBe(referenceChartVersion(chartName(pinned.chart)));
  });

  it.each(STACK_NAMES)(
    "every chart in stack %s is pinned and sets only keys its values.yaml or values.schema.json has",
    async (stack) => {
      const releases = declaredReleases(await runStackFile(stack));
      expect(releases.map((release) => release.chart)).toContain("cert-manager");
      for (const { chart, version, values } of releases) {
        expect(version, chart).toBe(referenceChartVersion(chart));
        const unknown = unknownValuesKeys(
          values,
          referenceChartValues(chart),
          KUBERNETES_OBJECT_KEYS,
          referenceChartSchema(chart),
        ).filter((path) => !underSubchart(chart, path));
        const commented = DOCUMENTED_IN_COMMENTS[chart] ?? [];
        expect(
          unknown.filter((path) => !commented.includes(path)),
          chart,
        ).toEqual([]);
        for (const path of unknown.filter((p) => commented.includes(p))) {
          expect(commentedKeysMissing(chart, path, valueAt(values, path)), `${chart} ${path}`).toEqual([]);
        }
      }
    },
  );

  it.each(STACK_NAMES)(
    "every chart in stack %s gets values that, merged over values.yaml, pass its values.schema.json",
    async (stack) => {
      const releases = declaredReleases(await runStackFile(stack));
      const withSchema = releases.filter((release) => referenceChartSchema(release.chart) !== undefined);
      expect(withSchema.map((release) => release.chart)).toEqual(
        expect.arrayContaining(referenceChartsWithSchema()),
      );
      for (const { chart, values } of withSchema) {
        expect(chartValuesViolations(chart, values), chart).toEqual([]);
      }
    },
  );

  it("skips only subcharts the reference data holds no values for", () => {
    for (const [chart, subcharts] of Object.entries(UNCHECKABLE_SUBCHARTS)) {
      const manifest = parse(readFileSync(join(REFERENCE_ROOT, "charts", chart, "Chart.yaml"), "utf8"));
      const dependencies = (manifest.dependencies as { name: string; alias?: string }[]).map(
        (d) => d.alias ?? d.name,
      );
      for (const subchart of subcharts) {
        expect(dependencies, chart).toContain(subchart);
        expect(existsSync(join(REFERENCE_ROOT, "charts", subchart)), subchart).toBe(false);
      }
    }
  });

  it("excuses only commented keys that are neither in values.yaml nor declared by the schema", () => {
    for (const [chart, paths] of Object.entries(DOCUMENTED_IN_COMMENTS)) {
      for (const path of paths) {
        const probe = path
          .split(".")
          .reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), {});
        const unknown = unknownValuesKeys(
          probe,
          referenceChartValues(chart),
          [],
          referenceChartSchema(chart),
        );
        expect(unknown, path).toEqual([path]);
        expect(commentedKeysMissing(chart, path, {}), path).toEqual([]);
      }
    }
  });
});
