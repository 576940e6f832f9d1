import type { ChartTable } from "../chart-model";

/** Operator charts that run one Deployment each; their operands are counted from the custom resources. */

export const STRIMZI: ChartTable = {
  chart: "strimzi-kafka-operator",
  version: "1.2.0",
  workloads: [
    {
      label: "Strimzi operator",
      kind: "Deployment",
      replicas: "replicas",
      containers: [{ name: "strimzi-cluster-operator", resources: "resources" }],
    },
  ],
};

export const REDIS_OPERATOR: ChartTable = {
  chart: "redis-operator",
  version: "0.26.1",
  workloads: [
    {
      label: "Redis operator",
      kind: "Deployment",
      replicas: "replicas",
      containers: [{ name: "redis-operator", resources: "resources" }],
    },
  ],
};

export const CLOUDNATIVE_PG: ChartTable = {
  chart: "cloudnative-pg",
  version: "0.29.0",
  workloads: [
    {
      label: "CloudNativePG operator",
      kind: "Deployment",
      replicas: "replicaCount",
      containers: [{ name: "manager", resources: "resources" }],
    },
  ],
};

/** The Envoy proxies the controller creates per Gateway are counted from the Gateway resources. */
export const ENVOY_GATEWAY: ChartTable = {
  chart: "gateway-helm",
  version: "v1.9.0",
  workloads: [
    {
      label: "Envoy Gateway controller",
      kind: "Deployment",
      replicas: (values, notes) =>
        values.enabled("hpa.enabled")
          ? { min: values.count("hpa.minReplicas", notes), max: values.count("hpa.maxReplicas", notes) }
          : values.count("deployment.replicas", notes),
      containers: [{ name: "envoy-gateway", resources: "deployment.envoyGateway.resources" }],
    },
  ],
};

/** KEDA's operator, metrics API server and admission webhooks, counted as one row. */
export const KEDA: ChartTable = {
  chart: "keda",
  version: "2.20.2",
  workloads: [
    {
      label: "KEDA",
      kind: "Deployment",
      replicas: "operator.replicaCount",
      containers: [{ name: "keda-operator", resources: "resources.operator" }],
    },
    {
      label: "KEDA",
      kind: "Deployment",
      when: (values) => values.enabled("metricsServer.enabled"),
      replicas: "metricsServer.replicaCount",
      containers: [{ name: "keda-operator-metrics-apiserver", resources: "resources.metricServer" }],
    },
    {
      label: "KEDA",
      kind: "Deployment",
      when: (values) => values.enabled("webhooks.enabled"),
      replicas: "webhooks.replicaCount",
      containers: [{ name: "keda-admission-webhooks", resources: "resources.webhooks" }],
    },
  ],
};

/** GPU nodes only (its nodeSelector); node feature discovery comes with gpu-feature-discovery. */
export const NVIDIA_DEVICE_PLUGIN: ChartTable = {
  chart: "nvidia-device-plugin",
  version: "0.20.0",
  unmodelled: ["gfd.enabled", "nfd.enabled"],
  workloads: [
    {
      label: "NVIDIA device plugin (GPU nodes)",
      kind: "DaemonSet",
      when: (values) => values.enabled("devicePlugin.enabled"),
      containers: [{ name: "nvidia-device-plugin-ctr", resources: "resources" }],
    },
  ],
};
