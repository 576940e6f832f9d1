import type { ChartTable } from "../chart-model";
import { KUBE_PROMETHEUS_STACK } from "./kube-prometheus-stack";
import { ALLOY, LOKI } from "./logging";
import { MILVUS } from "./milvus";
import {
  CLOUDNATIVE_PG,
  ENVOY_GATEWAY,
  KEDA,
  NVIDIA_DEVICE_PLUGIN,
  REDIS_OPERATOR,
  STRIMZI,
} from "./operators";
import { CERT_MANAGER, EXTERNAL_SECRETS, KEYCLOAKX, VAULT } from "./security";

/** Every chart the footprint can count, by the name the reference data gives it. */
export const CHART_TABLES: ReadonlyMap<string, ChartTable> = new Map(
  [
    ALLOY,
    CERT_MANAGER,
    CLOUDNATIVE_PG,
    ENVOY_GATEWAY,
    EXTERNAL_SECRETS,
    KEDA,
    KEYCLOAKX,
    KUBE_PROMETHEUS_STACK,
    LOKI,
    MILVUS,
    NVIDIA_DEVICE_PLUGIN,
    REDIS_OPERATOR,
    STRIMZI,
    VAULT,
  ].map((table) => [table.chart, table]),
);
