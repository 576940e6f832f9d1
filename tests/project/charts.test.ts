import { describe, expect, it } from "vitest";
import { chartName, PINNED_CHARTS } from "../../components/charts/pinned-charts";
import { STACK_NAMES } from "../../policies/offline/stack-files";
import { referenceChartValues, referenceChartVersion, unknownValuesKeys } from "../harness/chart-reference";
import { runStackFile } from "../harness/run-stack";

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
        expect(unknownValuesKeys(chart.inputs.values ?? {}, referenceChartValues(name)), name).toEqual([]);
      }
    },
  );
});
