import { describe, expect, it } from "vitest";
import type { DeclaredResource } from "../../policies/offline/render-stack";
import type { ChartTable } from "../../tools/docs/footprint/chart-model";
import { mergeValues, readChartDefaults } from "../../tools/docs/footprint/chart-values";
import type { ChartSources } from "../../tools/docs/footprint/chart-workloads";
import { CHART_TABLES } from "../../tools/docs/footprint/charts";
import { extractWorkloads } from "../../tools/docs/footprint/extract";

const GIB = 2 ** 30;

/** A made-up chart: a server StatefulSet with a volume, and an optional exporter. */
const DEMO_TABLE: ChartTable = {
  chart: "demo",
  version: "1.0.0",
  unmodelled: ["cache.enabled"],
  workloads: [
    {
      label: "Demo",
      kind: "StatefulSet",
      replicas: "server.replicas",
      containers: [{ name: "server", resources: "server.resources" }],
      volumes: [
        { size: "server.persistence.size", when: (values) => values.enabled("server.persistence.enabled") },
      ],
    },
    {
      label: "Demo exporter",
      kind: "Deployment",
      when: (values) => values.enabled("exporter.enabled"),
      containers: [{ name: "exporter", resources: "exporter.resources" }],
    },
  ],
};

const DEMO_DEFAULTS = {
  server: {
    replicas: 1,
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "256Mi" } },
    persistence: { enabled: true, size: "8Gi" },
  },
  exporter: { enabled: false, resources: {} },
  cache: { enabled: false },
};

const SOURCES: ChartSources = { tables: new Map([["demo", DEMO_TABLE]]), defaults: () => DEMO_DEFAULTS };

function chart(chartRef: string, version: string, values: Record<string, unknown>): DeclaredResource {
  return {
    type: "kubernetes:helm.sh/v4:Chart",
    name: "demo-chart",
    urn: "urn:pulumi:test::ai-platform::kubernetes:helm.sh/v4:Chart::demo-chart",
    parent: "",
    custom: false,
    protect: false,
    provider: "",
    inputs: { chart: chartRef, version, namespace: "apps", values },
    secretInputs: [],
  };
}

describe("charts through their footprint tables", () => {
  it("reads replicas, resources and storage from the values, the chart's defaults under them", () => {
    const [server, ...others] = extractWorkloads(
      [
        chart("oci://example.com/charts/demo", "1.0.0", {
          server: { replicas: 3, resources: { limits: { memory: "1Gi" } } },
        }),
      ],
      SOURCES,
    );
    expect(others).toEqual([]);
    expect(server).toMatchObject({ label: "Demo", namespace: "apps", replicas: { min: 3, max: 3 } });
    // Helm merges maps: the default CPU limit and requests stay under the memory limit the code sets.
    expect(server?.pod).toMatchObject({ cpuRequest: 100, cpuLimit: { amount: 1000, unbounded: false } });
    expect(server?.pod.memoryLimit).toEqual({ amount: GIB, unbounded: false });
    expect(server?.storagePerPod).toBe(8 * GIB);
    expect(server?.defaults).toEqual([
      "server.resources.requests.cpu = 100m",
      "server.resources.requests.memory = 128Mi",
      "server.resources.limits.cpu = 1",
      "server.persistence.size = 8Gi",
    ]);
  });

  it("follows the table's switches: a null deletes a default, an optional workload appears when on", () => {
    const workloads = extractWorkloads(
      [chart("demo", "1.0.0", { server: { persistence: { enabled: false } }, exporter: { enabled: true } })],
      SOURCES,
    );
    expect(workloads.map((workload) => [workload.label, workload.storagePerPod])).toEqual([
      ["Demo", 0],
      ["Demo exporter", 0],
    ]);
    expect(mergeValues({ a: { b: 1, c: 2 } }, { a: { b: null } })).toEqual({ a: { c: 2 } });
  });

  it("fails on a chart no table knows, naming it", () => {
    expect(() => extractWorkloads([chart("oci://example.com/charts/mystery", "0.1.0", {})], SOURCES)).toThrow(
      "chart mystery (demo-chart): no footprint table knows this chart",
    );
  });

  it("fails on another version of a known chart until its table is checked", () => {
    expect(() => extractWorkloads([chart("demo", "2.0.0", {})], SOURCES)).toThrow(
      "version 2.0.0, but its footprint table was written for 1.0.0",
    );
  });

  it("fails when the values switch on a part the table does not model", () => {
    expect(() => extractWorkloads([chart("demo", "1.0.0", { cache: { enabled: true } })], SOURCES)).toThrow(
      "its footprint table does not model cache.enabled is on",
    );
  });
});

describe("the pinned charts' tables", () => {
  it("name only resources and replica paths the pinned chart's values.yaml (or its subchart defaults) has", () => {
    const missing: string[] = [];
    for (const table of CHART_TABLES.values()) {
      const defaults = mergeValues(table.subchartDefaults ?? {}, readChartDefaults(table.chart));
      const has = (path: string) =>
        path
          .split(".")
          .reduce<any>(
            (value, key) => (value && typeof value === "object" ? value[key] : undefined),
            defaults,
          ) !== undefined;
      for (const workload of table.workloads) {
        const paths = [
          ...workload.containers.map((container) => container.resources),
          ...(typeof workload.replicas === "string" ? [workload.replicas] : []),
        ];
        missing.push(...paths.filter((path) => !has(path)).map((path) => `${table.chart}: ${path}`));
      }
    }
    expect(missing).toEqual([]);
  });
});
