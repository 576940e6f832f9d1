import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { toAckLabels, toAckTaints } from "../nodepool/ack-node-pool-fields";
import { gpuLabels, gpuTaints } from "../nodepool/gpu-scheduling";
import { validateNodePoolSize } from "../nodepool/node-pool-size";
import { DEFAULT_GPU_DISK_SIZE_GB, type GpuNodePoolArgs } from "./gpu-node-pool-args";

export interface AckGpuNodePoolArgs extends GpuNodePoolArgs {
  readonly clusterId: pulumi.Input<string>;
  /** Node vSwitches the pool may place instances in, one per zone. */
  readonly vswitchIds: pulumi.Input<string>[];
  /** NVIDIA driver ACK installs, via the `ack.aliyun.com/nvidia-driver-version` label. Default `"550.144.03"`. */
  readonly driverVersion?: string;
}

/** Label ACK reads at node creation to pick the NVIDIA driver it installs. */
const ACK_DRIVER_VERSION_LABEL = "ack.aliyun.com/nvidia-driver-version";

/**
 * An autoscaled ACK GPU node pool. ACK installs the NVIDIA device plugin on GPU pools itself, so only
 * the driver version, taint and labels are declared here.
 */
export class AckGpuNodePool extends pulumi.ComponentResource {
  public readonly nodePoolId: pulumi.Output<string>;
  public readonly poolName: string;

  constructor(name: string, args: AckGpuNodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:gpu:AckGpuNodePool", name, {}, opts);
    this.poolName = args.poolName ?? name;
    validateNodePoolSize(`GPU node pool ${this.poolName}`, args);
    const spot = args.capacityType === "spot";

    const pool = new alicloud.cs.NodePool(
      `${name}-pool`,
      {
        clusterId: args.clusterId,
        nodePoolName: this.poolName,
        vswitchIds: args.vswitchIds,
        instanceTypes: [...args.instanceTypes],
        // PRIORITY keeps the configured order; spot pools go to the cheapest zone with stock instead.
        multiAzPolicy: spot ? "COST_OPTIMIZED" : "PRIORITY",
        ...(spot ? { spotStrategy: "SpotAsPriceGo", spotInstanceRemedy: true, spotInstancePools: 3 } : {}),
        systemDiskCategory: "cloud_essd",
        systemDiskSize: args.diskSizeGb ?? DEFAULT_GPU_DISK_SIZE_GB,
        scalingConfig: { enable: true, minSize: args.minSize, maxSize: args.maxSize },
        labels: toAckLabels({
          ...gpuLabels(
            { poolName: this.poolName, gpuType: args.gpuType, gpusPerNode: args.gpusPerNode },
            args.labels,
          ),
          [ACK_DRIVER_VERSION_LABEL]: args.driverVersion ?? "550.144.03",
        }),
        taints: toAckTaints(gpuTaints(args.taints)),
        tags: args.tags ?? {},
      },
      { parent: this },
    );

    this.nodePoolId = pool.id;
    this.registerOutputs({ nodePoolId: this.nodePoolId, poolName: this.poolName });
  }
}
