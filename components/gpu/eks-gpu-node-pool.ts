import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { toEksTaints } from "../nodepool/eks-node-pool-fields";
import { gpuLabels, gpuTaints } from "../nodepool/gpu-scheduling";
import { validateNodePoolSize } from "../nodepool/node-pool-size";
import { DEFAULT_GPU_DISK_SIZE_GB, type GpuNodePoolArgs } from "./gpu-node-pool-args";

export interface EksGpuNodePoolArgs extends GpuNodePoolArgs {
  readonly clusterName: pulumi.Input<string>;
  /** IAM role the nodes run as (the cluster's node role). */
  readonly nodeRoleArn: pulumi.Input<string>;
  /** Private subnets the pool may place instances in. */
  readonly subnetIds: pulumi.Input<string>[];
}

/**
 * An EKS managed node group on the NVIDIA AL2023 AMI, which carries the driver but not the device
 * plugin: pair it with the NvidiaDevicePlugin component.
 */
export class EksGpuNodePool extends pulumi.ComponentResource {
  public readonly nodeGroupName: pulumi.Output<string>;
  public readonly poolName: string;

  constructor(name: string, args: EksGpuNodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:gpu:EksGpuNodePool", name, {}, opts);
    this.poolName = args.poolName ?? name;
    validateNodePoolSize(`GPU node pool ${this.poolName}`, args);

    const group = new aws.eks.NodeGroup(
      `${name}-group`,
      {
        clusterName: args.clusterName,
        nodeGroupName: this.poolName,
        nodeRoleArn: args.nodeRoleArn,
        subnetIds: args.subnetIds,
        amiType: "AL2023_x86_64_NVIDIA",
        capacityType: args.capacityType === "spot" ? "SPOT" : "ON_DEMAND",
        instanceTypes: [...args.instanceTypes],
        diskSize: args.diskSizeGb ?? DEFAULT_GPU_DISK_SIZE_GB,
        scalingConfig: {
          minSize: args.minSize,
          maxSize: args.maxSize,
          desiredSize: args.desiredSize ?? args.minSize,
        },
        updateConfig: { maxUnavailable: 1 },
        labels: gpuLabels(
          { poolName: this.poolName, gpuType: args.gpuType, gpusPerNode: args.gpusPerNode },
          args.labels,
        ),
        taints: toEksTaints(gpuTaints(args.taints)),
        tags: args.tags ?? {},
      },
      // The cluster autoscaler owns the node count once the pool exists.
      { parent: this, ignoreChanges: ["scalingConfig.desiredSize"] },
    );

    this.nodeGroupName = group.nodeGroupName;
    this.registerOutputs({ nodeGroupName: this.nodeGroupName });
  }
}
