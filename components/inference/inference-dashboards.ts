import * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** The label kube-prometheus-stack's Grafana sidecar loads dashboards by (from every namespace). */
export const DASHBOARD_LABEL = { grafana_dashboard: "1" };

interface Panel {
  readonly title: string;
  readonly unit: string;
  readonly targets: readonly { readonly expr: string; readonly legend: string }[];
}

/** A Grafana dashboard (schema 39) of time-series panels, two per row, on the default Prometheus. */
export function dashboardJson(uid: string, title: string, panels: readonly Panel[]) {
  return {
    uid,
    title,
    tags: ["ai-platform", "inference"],
    schemaVersion: 39,
    editable: false,
    time: { from: "now-6h", to: "now" },
    refresh: "30s",
    templating: { list: [] },
    panels: panels.map((panel, index) => ({
      id: index + 1,
      type: "timeseries",
      title: panel.title,
      gridPos: { h: 8, w: 12, x: (index % 2) * 12, y: Math.floor(index / 2) * 8 },
      fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
      targets: panel.targets.map((target, t) => ({
        refId: String.fromCharCode(65 + t),
        expr: target.expr,
        legendFormat: target.legend,
      })),
    })),
  };
}

/** vLLM serving: load, queue, KV cache, throughput and latency per model. */
export function vllmDashboard(namespace: string) {
  const ns = `namespace="${namespace}"`;
  const quantile = (metric: string) =>
    `histogram_quantile(0.95, sum by (model_name, le) (rate(${metric}_bucket{${ns}}[5m])))`;
  return dashboardJson("aip-vllm-serving", "Inference / vLLM serving", [
    {
      title: "Requests running and waiting",
      unit: "short",
      targets: [
        { expr: `sum by (model_name) (vllm:num_requests_running{${ns}})`, legend: "{{model_name}} running" },
        { expr: `sum by (model_name) (vllm:num_requests_waiting{${ns}})`, legend: "{{model_name}} waiting" },
      ],
    },
    {
      title: "KV cache usage",
      unit: "percentunit",
      targets: [{ expr: `max by (model_name) (vllm:kv_cache_usage_perc{${ns}})`, legend: "{{model_name}}" }],
    },
    {
      title: "Generated tokens per second",
      unit: "short",
      targets: [
        {
          expr: `sum by (model_name) (rate(vllm:generation_tokens_total{${ns}}[5m]))`,
          legend: "{{model_name}}",
        },
      ],
    },
    {
      title: "Time to first token (p95)",
      unit: "s",
      targets: [{ expr: quantile("vllm:time_to_first_token_seconds"), legend: "{{model_name}}" }],
    },
    {
      title: "End-to-end request latency (p95)",
      unit: "s",
      targets: [{ expr: quantile("vllm:e2e_request_latency_seconds"), legend: "{{model_name}}" }],
    },
    {
      title: "Queue time (p95)",
      unit: "s",
      targets: [{ expr: quantile("vllm:request_queue_time_seconds"), legend: "{{model_name}}" }],
    },
  ]);
}

/** GPU use: GPUs offered and requested per node (kube-state-metrics), utilisation where DCGM runs. */
export function gpuDashboard() {
  return dashboardJson("aip-gpu-use", "Inference / GPU use", [
    {
      title: "GPUs allocatable vs requested",
      unit: "short",
      targets: [
        { expr: `sum(kube_node_status_allocatable{resource="nvidia_com_gpu"})`, legend: "allocatable" },
        { expr: `sum(kube_pod_container_resource_requests{resource="nvidia_com_gpu"})`, legend: "requested" },
      ],
    },
    {
      title: "GPUs requested per node",
      unit: "short",
      targets: [
        {
          expr: `sum by (node) (kube_pod_container_resource_requests{resource="nvidia_com_gpu"})`,
          legend: "{{node}}",
        },
      ],
    },
    {
      title: "GPU utilisation (DCGM exporter, where installed)",
      unit: "percent",
      targets: [
        { expr: "avg by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL)", legend: "{{Hostname}} GPU {{gpu}}" },
      ],
    },
    {
      title: "GPU memory used (DCGM exporter, where installed)",
      unit: "decmbytes",
      targets: [{ expr: "sum by (Hostname, gpu) (DCGM_FI_DEV_FB_USED)", legend: "{{Hostname}} GPU {{gpu}}" }],
    },
  ]);
}

/** The dashboards as ConfigMaps the Grafana sidecar provisions. */
export function inferenceDashboards(namespace: string, opts: pulumi.CustomResourceOptions) {
  return Object.entries({ "vllm-serving": vllmDashboard(namespace), "gpu-use": gpuDashboard() }).map(
    ([name, dashboard]) =>
      new kubernetes.core.v1.ConfigMap(
        `dashboard-${name}`,
        {
          metadata: { name: `dashboard-${name}`, namespace, labels: DASHBOARD_LABEL },
          data: { [`${name}.json`]: JSON.stringify(dashboard) },
        },
        opts,
      ),
  );
}
