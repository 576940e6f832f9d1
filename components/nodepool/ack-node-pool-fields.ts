import type { GpuNodeTaint } from "./gpu-scheduling";

/** ACK node pools take labels and taints as lists of key/value objects. */
export function toAckLabels(labels: Readonly<Record<string, string>>): { key: string; value: string }[] {
  return Object.entries(labels).map(([key, value]) => ({ key, value }));
}

export function toAckTaints(
  taints: readonly GpuNodeTaint[],
): { key: string; value: string; effect: string }[] {
  return taints.map(({ key, value, effect }) => ({ key, value, effect }));
}
