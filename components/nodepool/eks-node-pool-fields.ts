import type { GpuNodeTaint } from "./gpu-scheduling";

const EKS_TAINT_EFFECTS = {
  NoSchedule: "NO_SCHEDULE",
  PreferNoSchedule: "PREFER_NO_SCHEDULE",
  NoExecute: "NO_EXECUTE",
} as const;

/** EKS managed node groups spell taint effects in upper snake case. */
export function toEksTaints(
  taints: readonly GpuNodeTaint[],
): { key: string; value: string; effect: string }[] {
  return taints.map(({ key, value, effect }) => ({ key, value, effect: EKS_TAINT_EFFECTS[effect] }));
}
