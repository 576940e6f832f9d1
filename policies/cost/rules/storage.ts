import { nodePoolOf } from "../../lib/node-pools";
import type { ResourceRule } from "../../lib/rule";

const GI = 2 ** 30;
const UNITS: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: GI,
  Ti: 2 ** 40,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
};

/** Kubernetes quantity (`100Gi`, `1Ti`, `500G`) in GiB. */
export function quantityInGi(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)([KMGT]i?)?$/.exec(quantity.trim());
  if (!match) throw new Error(`"${quantity}" is not a storage quantity`);
  return (Number(match[1]) * (match[2] ? (UNITS[match[2]] ?? 1) : 1)) / GI;
}

function requestedStorage(resource: {
  type: string;
  props: Record<string, any>;
}): { what: string; gi: number }[] {
  const claims =
    resource.type === "kubernetes:core/v1:PersistentVolumeClaim"
      ? [resource.props]
      : resource.type === "kubernetes:apps/v1:StatefulSet"
        ? (resource.props.spec?.volumeClaimTemplates ?? [])
        : [];
  return claims
    .filter((claim: any) => claim?.spec?.resources?.requests?.storage)
    .map((claim: any) => ({
      what: `PVC ${claim.metadata?.name ?? "(unnamed)"}`,
      gi: quantityInGi(String(claim.spec.resources.requests.storage)),
    }));
}

export const storageCaps: ResourceRule<{ maxVolumeGi: number; maxNodeDiskGi: number }> = {
  kind: "resource",
  name: "storage-caps",
  description: "Volumes and node disks stay under the environment's size caps.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps: "Request less storage, or raise the caps in the environment's cost policy config.",
  configSchema: {
    properties: {
      maxVolumeGi: { type: "number", default: 500 },
      maxNodeDiskGi: { type: "number", default: 500 },
    },
  },
  validate: (resource, { maxVolumeGi, maxNodeDiskGi }) => {
    const pool = nodePoolOf(resource);
    const disk =
      pool?.diskGb !== undefined && pool.diskGb > maxNodeDiskGi
        ? [`node pool ${pool.poolName} disks are ${pool.diskGb} GiB (cap ${maxNodeDiskGi})`]
        : [];
    const volumes = requestedStorage(resource)
      .filter((claim) => claim.gi > maxVolumeGi)
      .map((claim) => `${claim.what} requests ${claim.gi} GiB (cap ${maxVolumeGi})`);
    return [...disk, ...volumes];
  },
};
