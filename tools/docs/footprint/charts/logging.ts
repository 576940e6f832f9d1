import type { ChartTable } from "../chart-model";
import type { ChartValues } from "../chart-values";

const MODELLED_MODES = ["SingleBinary", "SimpleScalable"];
const mode = (values: ChartValues) => values.value("deploymentMode");

/** Loki as one row (single binary, or write/read/backend) plus its nginx gateway. */
export const LOKI: ChartTable = {
  chart: "loki",
  version: "7.3.0",
  unmodelled: [
    "chunksCache.enabled",
    "resultsCache.enabled",
    "lokiCanary.enabled",
    "minio.enabled",
    "enterprise.enabled",
    "tableManager.enabled",
    "read.legacyReadTarget",
    "singleBinary.autoscaling.enabled",
    "write.autoscaling.enabled",
    "read.autoscaling.enabled",
    "backend.autoscaling.enabled",
    "gateway.autoscaling.enabled",
  ],
  check: (values) =>
    MODELLED_MODES.includes(String(mode(values)))
      ? []
      : [`deploymentMode ${JSON.stringify(mode(values))} (modelled: ${MODELLED_MODES.join(", ")})`],
  workloads: [
    {
      label: "Loki",
      kind: "StatefulSet",
      when: (values) => mode(values) === "SingleBinary",
      replicas: "singleBinary.replicas",
      containers: [{ name: "loki", resources: "singleBinary.resources" }],
      volumes: [
        {
          size: "singleBinary.persistence.size",
          when: (values) => values.enabled("singleBinary.persistence.enabled"),
        },
      ],
    },
    ...(["write", "backend"] as const).map((target) => ({
      label: "Loki",
      kind: "StatefulSet" as const,
      when: (values: ChartValues) => mode(values) === "SimpleScalable",
      replicas: `${target}.replicas`,
      containers: [
        { name: "loki", resources: `${target}.resources` },
        ...(target === "backend"
          ? [
              {
                name: "loki-sc-rules",
                resources: "sidecar.resources",
                when: (values: ChartValues) => values.enabled("sidecar.rules.enabled"),
              },
            ]
          : []),
      ],
      volumes: [
        {
          size: `${target}.persistence.size`,
          when: (values: ChartValues) => values.enabled(`${target}.persistence.volumeClaimsEnabled`),
        },
      ],
    })),
    {
      label: "Loki",
      kind: "Deployment",
      when: (values) => mode(values) === "SimpleScalable",
      replicas: "read.replicas",
      containers: [{ name: "loki", resources: "read.resources" }],
    },
    {
      label: "Loki gateway",
      kind: "Deployment",
      when: (values) => values.enabled("gateway.enabled"),
      replicas: "gateway.replicas",
      containers: [{ name: "nginx", resources: "gateway.resources" }],
    },
  ],
};

const ALLOY_CONTAINERS = [
  { name: "alloy", resources: "alloy.resources" },
  {
    name: "config-reloader",
    resources: "configReloader.resources",
    when: (values: ChartValues) => values.enabled("configReloader.enabled"),
  },
];

/** Grafana Alloy as the log shipper: a DaemonSet, or a Deployment. */
export const ALLOY: ChartTable = {
  chart: "alloy",
  version: "1.11.1",
  check: (values) => {
    const type = values.value("controller.type");
    return type === "daemonset" || type === "deployment"
      ? []
      : [`controller.type ${JSON.stringify(type)} (modelled: daemonset, deployment)`];
  },
  workloads: [
    {
      label: "Grafana Alloy",
      kind: "DaemonSet",
      when: (values) => values.value("controller.type") === "daemonset",
      containers: ALLOY_CONTAINERS,
    },
    {
      label: "Grafana Alloy",
      kind: "Deployment",
      when: (values) => values.value("controller.type") === "deployment",
      replicas: "controller.replicas",
      containers: ALLOY_CONTAINERS,
    },
  ],
};
