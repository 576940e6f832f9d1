/**
 * Spreading replicas over zones and nodes, for replicated services in prod. Written once so every
 * chart and workload spreads the same way.
 */
export function zoneSpread(podLabels: Readonly<Record<string, string>>) {
  return [
    {
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "ScheduleAnyway",
      labelSelector: { matchLabels: { ...podLabels } },
    },
    {
      maxSkew: 1,
      topologyKey: "kubernetes.io/hostname",
      whenUnsatisfiable: "DoNotSchedule",
      labelSelector: { matchLabels: { ...podLabels } },
    },
  ];
}
