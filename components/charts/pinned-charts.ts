/**
 * Every Helm chart the platform installs, pinned to one version. Tests check each pin against the
 * reference data's MANIFEST.json and every values key set against the chart's own values.yaml.
 */
export interface PinnedChart {
  /** Chart name in its repository (or the full `oci://` reference). */
  readonly chart: string;
  readonly version: string;
  /** Helm repository URL; absent for `oci://` charts. */
  readonly repo?: string;
}

/** The chart's plain name (the last segment of an `oci://` reference), as the reference data names it. */
export function chartName(chart: string): string {
  return chart.split("/").pop() ?? chart;
}

export const PINNED_CHARTS = {
  nvidiaDevicePlugin: {
    chart: "nvidia-device-plugin",
    version: "0.20.0",
    repo: "https://nvidia.github.io/k8s-device-plugin",
  },
  envoyGateway: {
    chart: "oci://docker.io/envoyproxy/gateway-helm",
    version: "v1.9.0",
  },
  certManager: {
    chart: "cert-manager",
    version: "v1.21.1",
    repo: "https://charts.jetstack.io",
  },
  cloudnativePg: {
    chart: "cloudnative-pg",
    version: "0.29.0",
    repo: "https://cloudnative-pg.github.io/charts",
  },
  redisOperator: {
    chart: "redis-operator",
    version: "0.26.1",
    repo: "https://ot-container-kit.github.io/helm-charts",
  },
  strimzi: {
    chart: "oci://quay.io/strimzi-helm/strimzi-kafka-operator",
    version: "1.2.0",
  },
  keycloakx: {
    chart: "keycloakx",
    version: "7.1.11",
    repo: "https://codecentric.github.io/helm-charts",
  },
  kubePrometheusStack: {
    chart: "kube-prometheus-stack",
    version: "88.5.3",
    repo: "https://prometheus-community.github.io/helm-charts",
  },
  loki: {
    chart: "loki",
    version: "7.3.0",
    repo: "https://grafana.github.io/helm-charts",
  },
  alloy: {
    chart: "alloy",
    version: "1.11.1",
    repo: "https://grafana.github.io/helm-charts",
  },
  externalSecrets: {
    chart: "external-secrets",
    version: "2.9.0",
    repo: "https://charts.external-secrets.io",
  },
  vault: {
    chart: "vault",
    version: "0.34.1",
    repo: "https://helm.releases.hashicorp.com",
  },
  keda: {
    chart: "keda",
    version: "2.20.2",
    repo: "https://kedacore.github.io/charts",
  },
  milvus: {
    chart: "milvus",
    version: "5.0.19",
    repo: "https://zilliztech.github.io/milvus-helm",
  },
} as const satisfies Record<string, PinnedChart>;
