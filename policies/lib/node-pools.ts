import { GPU_TYPE_LABEL } from "../../components/nodepool/gpu-scheduling";
import type { ResourceView } from "./rule";

/** A node pool as the cost rules see it, whatever the cloud. */
export interface NodePoolView {
  readonly resource: string;
  readonly cloud: "alicloud" | "aws";
  readonly poolName: string;
  readonly region: string | undefined;
  readonly instanceTypes: readonly string[];
  readonly minSize: number;
  readonly maxSize: number;
  /** Nodes running when idle: the larger of minSize and desiredSize. */
  readonly steadySize: number;
  readonly spot: boolean;
  readonly gpu: boolean;
  readonly diskGb: number | undefined;
  /** Kubernetes labels of the pool's nodes (ACK's key/value list flattened to a map). */
  readonly labels: Readonly<Record<string, string>>;
}

export function nodePoolOf(resource: ResourceView): NodePoolView | undefined {
  const { props } = resource;
  const region: string | undefined = resource.providerProps?.region;
  if (resource.type === "alicloud:cs/nodePool:NodePool") {
    const labels: { key: string; value?: string }[] = props.labels ?? [];
    const minSize = props.scalingConfig?.minSize ?? props.desiredSize ?? 0;
    return {
      resource: resource.name,
      cloud: "alicloud",
      poolName: props.nodePoolName ?? resource.name,
      region,
      instanceTypes: props.instanceTypes ?? [],
      minSize,
      maxSize: props.scalingConfig?.maxSize ?? minSize,
      steadySize: Math.max(minSize, Number(props.desiredSize ?? 0)),
      spot: ["SpotAsPriceGo", "SpotWithPriceLimit"].includes(props.spotStrategy),
      gpu: labels.some((label) => label.key === GPU_TYPE_LABEL),
      diskGb: props.systemDiskSize,
      labels: Object.fromEntries(labels.map((label) => [label.key, String(label.value ?? "")])),
    };
  }
  if (resource.type === "aws:eks/nodeGroup:NodeGroup") {
    const scaling = props.scalingConfig ?? {};
    return {
      resource: resource.name,
      cloud: "aws",
      poolName: props.nodeGroupName ?? resource.name,
      region,
      instanceTypes: props.instanceTypes ?? [],
      minSize: scaling.minSize ?? 0,
      maxSize: scaling.maxSize ?? 0,
      steadySize: Math.max(scaling.minSize ?? 0, scaling.desiredSize ?? 0),
      spot: props.capacityType === "SPOT",
      gpu: String(props.amiType ?? "").includes("NVIDIA") || GPU_TYPE_LABEL in (props.labels ?? {}),
      diskGb: props.diskSize,
      labels: { ...(props.labels ?? {}) },
    };
  }
  return undefined;
}

export function nodePoolsIn(resources: readonly ResourceView[]): NodePoolView[] {
  return resources.map(nodePoolOf).filter((pool) => pool !== undefined);
}
