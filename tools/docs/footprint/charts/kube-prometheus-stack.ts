import type { ChartTable } from "../chart-model";

const RELOADER = "prometheusOperator.prometheusConfigReloader.resources";

/**
 * The operator, Prometheus and Alertmanager (pods the operator creates from the chart's specs, each with
 * the operator's config-reloader sidecar), Grafana with its dashboard and datasource sidecars,
 * kube-state-metrics and the node exporter DaemonSet.
 */
export const KUBE_PROMETHEUS_STACK: ChartTable = {
  chart: "kube-prometheus-stack",
  version: "88.5.3",
  // The reference data holds only this chart's values.yaml; these are the bundled subcharts' own defaults.
  subchartDefaults: {
    grafana: {
      replicas: 1,
      resources: {},
      persistence: { enabled: false, size: "10Gi" },
      sidecar: { resources: {} },
    },
    "kube-state-metrics": { replicas: 1, resources: {} },
    "prometheus-node-exporter": { resources: {} },
  },
  unmodelled: [
    "thanosRuler.enabled",
    "windowsMonitoring.enabled",
    "prometheusOperator.admissionWebhooks.deployment.enabled",
  ],
  workloads: [
    {
      label: "Prometheus operator",
      kind: "Deployment",
      when: (values) => values.enabled("prometheusOperator.enabled"),
      containers: [{ name: "kube-prometheus-stack", resources: "prometheusOperator.resources" }],
    },
    {
      label: "Prometheus",
      kind: "StatefulSet",
      when: (values) => values.enabled("prometheus.enabled"),
      replicas: (values, notes) =>
        values.count("prometheus.prometheusSpec.replicas", notes) *
        values.count("prometheus.prometheusSpec.shards", notes),
      containers: [
        { name: "prometheus", resources: "prometheus.prometheusSpec.resources" },
        { name: "config-reloader", resources: RELOADER },
      ],
      volumes: [
        {
          size: "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage",
          when: (values) =>
            values.value("prometheus.prometheusSpec.storageSpec.volumeClaimTemplate") !== undefined,
        },
      ],
    },
    {
      label: "Alertmanager",
      kind: "StatefulSet",
      when: (values) => values.enabled("alertmanager.enabled"),
      replicas: "alertmanager.alertmanagerSpec.replicas",
      containers: [
        { name: "alertmanager", resources: "alertmanager.alertmanagerSpec.resources" },
        { name: "config-reloader", resources: RELOADER },
      ],
      volumes: [
        {
          size: "alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec.resources.requests.storage",
          when: (values) =>
            values.value("alertmanager.alertmanagerSpec.storage.volumeClaimTemplate") !== undefined,
        },
      ],
    },
    {
      label: "Grafana",
      kind: "Deployment",
      when: (values) => values.enabled("grafana.enabled"),
      replicas: "grafana.replicas",
      containers: [
        { name: "grafana", resources: "grafana.resources" },
        {
          name: "grafana-sc-dashboard",
          resources: "grafana.sidecar.resources",
          when: (values) => values.enabled("grafana.sidecar.dashboards.enabled"),
        },
        {
          name: "grafana-sc-datasources",
          resources: "grafana.sidecar.resources",
          when: (values) => values.enabled("grafana.sidecar.datasources.enabled"),
        },
      ],
      volumes: [
        {
          size: "grafana.persistence.size",
          shared: true,
          when: (values) => values.enabled("grafana.persistence.enabled"),
        },
      ],
    },
    {
      label: "kube-state-metrics",
      kind: "Deployment",
      when: (values) => values.enabled("kubeStateMetrics.enabled"),
      replicas: "kube-state-metrics.replicas",
      containers: [{ name: "kube-state-metrics", resources: "kube-state-metrics.resources" }],
    },
    {
      label: "Node exporter",
      kind: "DaemonSet",
      when: (values) => values.enabled("nodeExporter.enabled"),
      namespace: "prometheus-node-exporter.namespaceOverride",
      containers: [{ name: "node-exporter", resources: "prometheus-node-exporter.resources" }],
    },
  ],
};
