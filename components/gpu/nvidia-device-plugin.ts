import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PINNED_CHARTS } from "../charts/pinned-charts";
import { GPU_PRESENT_LABEL, GPU_TAINT } from "../nodepool/gpu-scheduling";

export interface NvidiaDevicePluginArgs {
  /** Namespace for the DaemonSet. Default `"kube-system"`, next to the other node agents. */
  readonly namespace?: string;
}

/**
 * The NVIDIA device plugin DaemonSet (pinned chart), which advertises `nvidia.com/gpu` on nodes whose
 * image has the driver but not the plugin (EKS `AL2023_x86_64_NVIDIA`). It runs only on GPU nodes and
 * tolerates their taint. Pass the cluster's Kubernetes provider through `opts.provider`.
 */
export class NvidiaDevicePlugin extends pulumi.ComponentResource {
  public readonly chart: kubernetes.helm.v4.Chart;

  constructor(name: string, args: NvidiaDevicePluginArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:gpu:NvidiaDevicePlugin", name, {}, opts);
    const pinned = PINNED_CHARTS.nvidiaDevicePlugin;
    this.chart = new kubernetes.helm.v4.Chart(
      `${name}-chart`,
      {
        chart: pinned.chart,
        version: pinned.version,
        repositoryOpts: { repo: pinned.repo },
        namespace: args.namespace ?? "kube-system",
        values: {
          nodeSelector: { [GPU_PRESENT_LABEL]: "true" },
          tolerations: [
            { key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect },
            { key: "CriticalAddonsOnly", operator: "Exists" },
          ],
          resources: {
            requests: { cpu: "50m", memory: "64Mi" },
            limits: { memory: "128Mi" },
          },
        },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
