import { describe, expect, it } from "vitest";
import { chartName, PINNED_CHARTS } from "../../components/charts/pinned-charts";
import { STACK_NAMES } from "../../policies/offline/stack-files";
import { referenceChartValues, referenceChartVersion, unknownValuesKeys } from "../harness/chart-reference";
import { runStackFile } from "../harness/run-stack";

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
 * Values the reference data cannot check, and why: subcharts whose values.yaml it does not hold, and
 * keys a chart documents only in a comment. Each component's own test pins these lists down exactly.
 */
const UNCHECKABLE: Record<string, readonly string[]> = {
  // Subcharts grafana, kube-state-metrics and prometheus-node-exporter; configSecret is a commented key.
  "kube-prometheus-stack": [
    "grafana.",
    "kube-state-metrics.",
    "prometheus-node-exporter.",
    "alertmanager.alertmanagerSpec.configSecret",
  ],
  // Chart 7.3.0 needs bucketNames with S3 storage but shows it only in a comment.
  loki: ["loki.storage.bucketNames"],
};

const checkable = (chart: string) => (path: string) =>
  !(UNCHECKABLE[chart] ?? []).some((prefix) => path === prefix || path.startsWith(prefix));

describe("pinned Helm charts", () => {
  it.each(Object.entries(PINNED_CHARTS))("%s is pinned to the reference release", (_key, pinned) => {
    expect(pinned.version).toBe(referenceChartVersion(chartName(pinned.chart)));
  });

  it("finds unknown values keys (the check itself)", () => {
    const chart = { image: { repository: "r", tag: "" }, nodeSelector: {}, tolerations: [] };
    expect(
      unknownValuesKeys({ image: { tag: "1", digest: "x" }, nodeSelector: { a: "b" }, colour: 1 }, chart),
    ).toEqual(["image.digest", "colour"]);
  });

  it.each(STACK_NAMES)(
    "every chart in stack %s is pinned and sets only keys the chart has",
    async (stack) => {
      const run = await runStackFile(stack);
      for (const chart of run.resources.filter(
        (resource) => resource.type === "kubernetes:helm.sh/v4:Chart",
      )) {
        const name = chartName(chart.inputs.chart as string);
        expect(chart.inputs.version, name).toBe(referenceChartVersion(name));
        const unknown = unknownValuesKeys(
          chart.inputs.values ?? {},
          referenceChartValues(name),
          KUBERNETES_OBJECT_KEYS,
        );
        expect(unknown.filter(checkable(name)), name).toEqual([]);
      }
    },
  );
});
