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

export const PINNED_CHARTS = {
  nvidiaDevicePlugin: {
    chart: "nvidia-device-plugin",
    version: "0.20.0",
    repo: "https://nvidia.github.io/k8s-device-plugin",
  },
} as const satisfies Record<string, PinnedChart>;
