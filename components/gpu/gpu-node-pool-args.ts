import type { ResourceTags } from "../common/tags";
import type { GpuNodeTaint } from "../nodepool/gpu-scheduling";
import type { NodePoolSize } from "../nodepool/node-pool-size";

export type CapacityType = "spot" | "onDemand";

/** What a GPU node pool is, whatever the cloud. */
export interface GpuNodePoolArgs extends NodePoolSize {
  /** Pool name as Kubernetes sees it (a DNS label). Default: the component's name. */
  readonly poolName?: string;
  /** Instance types, most preferred first; later ones are fallbacks when the first is out of stock. */
  readonly instanceTypes: readonly string[];
  /** GPU model, put on the nodes as the `ai-platform/gpu-type` label, e.g. `nvidia-a10`. */
  readonly gpuType: string;
  /** GPUs per node of this pool's instance types. */
  readonly gpusPerNode: number;
  /** Spot/preemptible or on-demand capacity. Default `"onDemand"`. */
  readonly capacityType?: CapacityType;
  /** Root disk size in GiB; container images for inference are large. Default `200`. */
  readonly diskSizeGb?: number;
  /** Extra Kubernetes labels on the nodes. Default `{}`. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Extra taints; the `nvidia.com/gpu=present:NoSchedule` taint is always set. Default `[]`. */
  readonly taints?: readonly GpuNodeTaint[];
  /** Cost-allocation tags. Default `{}`. */
  readonly tags?: ResourceTags;
}

export const DEFAULT_GPU_DISK_SIZE_GB = 200;
