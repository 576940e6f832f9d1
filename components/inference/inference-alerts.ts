import * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { MONITOR_LABELS } from "../common/monitoring";

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface AlertGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

export interface InferenceAlertsArgs {
  /** Namespace of the model servers (and of the PrometheusRule). No default. */
  readonly namespace: string;
  /** StatefulSet names of the model servers. No default. */
  readonly servers: readonly string[];
  /** Alert on GPU nodes nothing requests a GPU on (prod: paying for idle GPUs). Default `false`. */
  readonly gpuIdleAlert?: boolean;
  /** Queue time (p90, seconds) above which requests wait too long. Default `10`. */
  readonly queueSecondsThreshold?: number;
  /** Share of 5xx responses above which a server is failing. Default `0.05`. */
  readonly errorRatio?: number;
}

const rule = (
  alert: string,
  expr: string,
  forDuration: string,
  severity: "warning" | "critical",
  summary: string,
  description: string,
): AlertRule => ({
  alert,
  expr,
  for: forDuration,
  labels: { severity, area: "inference" },
  annotations: { summary, description },
});

/** The alert rules, pure: the component declares them and the tests run `promtool check rules` on them. */
export function inferenceAlertGroups(args: InferenceAlertsArgs): AlertGroup[] {
  const ns = `namespace="${args.namespace}"`;
  const servers = args.servers.map((s) => s.replace(/[^a-z0-9-]/g, "")).join("|");
  const rules: AlertRule[] = [
    rule(
      "InferenceQueueWaitTooLong",
      `histogram_quantile(0.9, sum by (namespace, model_name, le) (rate(vllm:request_queue_time_seconds_bucket{${ns}}[5m]))) > ${args.queueSecondsThreshold ?? 10}`,
      "10m",
      "warning",
      "Requests to {{ $labels.model_name }} wait too long for a slot",
      "p90 queue time is {{ $value | humanizeDuration }}; the autoscaler is at its max or GPU nodes cannot be added.",
    ),
    rule(
      "InferenceKvCacheAlmostFull",
      `max by (namespace, model_name) (vllm:kv_cache_usage_perc{${ns}} or vllm:gpu_cache_usage_perc{${ns}}) > 0.9`,
      "10m",
      "warning",
      "KV cache of {{ $labels.model_name }} above 90%",
      "Requests are being preempted; add replicas, shorten max model length or raise GPU memory utilization.",
    ),
    rule(
      "InferenceErrorRateHigh",
      `sum by (namespace, service) (rate(http_requests_total{${ns},status="5xx"}[5m])) / sum by (namespace, service) (rate(http_requests_total{${ns}}[5m])) > ${args.errorRatio ?? 0.05}`,
      "10m",
      "critical",
      "{{ $labels.service }} answers more than 5% of requests with 5xx",
      "Error ratio {{ $value | humanizePercentage }} over 10 minutes.",
    ),
    ...(servers
      ? [
          rule(
            "InferenceModelNoReadyReplicas",
            `(kube_statefulset_status_replicas_ready{${ns},statefulset=~"${servers}"} == 0) and on (namespace, statefulset) (kube_statefulset_replicas{${ns},statefulset=~"${servers}"} > 0)`,
            "15m",
            "critical",
            "Model server {{ $labels.statefulset }} has no ready replica",
            "It should run at least one replica, but none became ready in 15 minutes (image pull, GPU capacity, model load).",
          ),
        ]
      : []),
    ...(args.gpuIdleAlert
      ? [
          rule(
            "GpuNodeIdle",
            `sum by (node) (kube_node_status_allocatable{resource="nvidia_com_gpu"}) > 0 unless on (node) (sum by (node) (kube_pod_container_resource_requests{resource="nvidia_com_gpu"}) > 0)`,
            "2h",
            "warning",
            "GPU node {{ $labels.node }} has run for 2 hours with no GPU workload",
            "A GPU node costs money while idle: lower the pool's minSize, or check why models are not scheduled there.",
          ),
        ]
      : []),
  ];
  return [{ name: "ai-platform-inference", rules }];
}

/** A PrometheusRule the platform's Prometheus loads (it selects rules by the monitor label). */
export function inferenceAlerts(
  name: string,
  args: InferenceAlertsArgs,
  opts: pulumi.CustomResourceOptions,
): kubernetes.apiextensions.CustomResource {
  return new kubernetes.apiextensions.CustomResource(
    `${name}-rules`,
    {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: { name, namespace: args.namespace, labels: MONITOR_LABELS },
      spec: { groups: inferenceAlertGroups(args) },
    },
    opts,
  );
}
