import type { ChartTable, ChartWorkload } from "../chart-model";
import type { ChartValues } from "../chart-values";

const clusterMode = (values: ChartValues) => values.enabled("cluster.enabled");

/** A cluster-mode component: a Deployment under `<key>` with `enabled`, `replicas` and `resources`. */
function clusterComponent(key: string, enabled: (values: ChartValues) => boolean): ChartWorkload {
  return {
    label: "Milvus",
    kind: "Deployment",
    when: (values) => clusterMode(values) && enabled(values),
    replicas: `${key}.replicas`,
    containers: [{ name: key, resources: `${key}.resources` }],
  };
}

const switchedOn = (key: string) => (values: ChartValues) => values.enabled(`${key}.enabled`);

/**
 * Milvus standalone (one Deployment with a PVC) or cluster mode (one Deployment per component), as one row.
 * Its etcd, object storage and message queue must come from outside the chart: the subcharts are not modelled.
 */
export const MILVUS: ChartTable = {
  chart: "milvus",
  version: "5.0.19",
  unmodelled: [
    "etcd.enabled",
    "minio.enabled",
    "pulsar.enabled",
    "pulsarv3.enabled",
    "kafka.enabled",
    "woodpecker.enabled",
    "attu.enabled",
    "tei.enabled",
    "cdc.enabled",
  ],
  check: (values) => {
    const groups = values.value("replicaResourceGroups");
    return Array.isArray(groups) && groups.length > 0 ? ["replicaResourceGroups is set"] : [];
  },
  workloads: [
    {
      label: "Milvus",
      kind: "Deployment",
      when: (values) => !clusterMode(values),
      replicas: "standalone.replicas",
      containers: [{ name: "standalone", resources: "standalone.resources" }],
      volumes: [
        {
          size: "standalone.persistence.persistentVolumeClaim.size",
          shared: true,
          when: (values) => values.enabled("standalone.persistence.enabled"),
        },
      ],
    },
    clusterComponent("proxy", switchedOn("proxy")),
    clusterComponent("mixCoordinator", switchedOn("mixCoordinator")),
    clusterComponent("rootCoordinator", switchedOn("rootCoordinator")),
    clusterComponent("queryCoordinator", switchedOn("queryCoordinator")),
    clusterComponent("indexCoordinator", switchedOn("indexCoordinator")),
    clusterComponent("dataCoordinator", switchedOn("dataCoordinator")),
    clusterComponent("queryNode", switchedOn("queryNode")),
    clusterComponent("indexNode", switchedOn("indexNode")),
    clusterComponent("dataNode", switchedOn("dataNode")),
    clusterComponent("streamingNode", switchedOn("streaming")),
  ],
};
