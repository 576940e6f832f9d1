/** Ports that must never be open to the whole internet: remote shells, Kubernetes, databases, brokers. */
export const DEFAULT_ADMIN_PORTS = [22, 3389, 2379, 6443, 10250, 3306, 5432, 6379, 9092, 27017];

export const OPEN_TO_WORLD = ["0.0.0.0/0", "::/0"];

/** Admin ports inside `[from, to]`; a range of -1 or 0..65535 means every port. */
export function adminPortsIn(from: number, to: number, adminPorts: readonly number[]): number[] {
  if (from === -1 || to === -1) return [...adminPorts];
  return adminPorts.filter((port) => port >= from && port <= to);
}

export const adminPortsSchema = {
  type: "array" as const,
  items: { type: "integer" as const },
  default: DEFAULT_ADMIN_PORTS,
  description: "Ports no security-group rule may open to 0.0.0.0/0 or ::/0.",
};
