import type { ChartTable } from "../chart-model";
import type { ChartValues } from "../chart-values";

/** cert-manager's controller, webhook and CA injector, as one row. Its startupapicheck is a one-off hook Job. */
export const CERT_MANAGER: ChartTable = {
  chart: "cert-manager",
  version: "v1.21.1",
  workloads: [
    {
      label: "cert-manager",
      kind: "Deployment",
      replicas: "replicaCount",
      containers: [{ name: "cert-manager-controller", resources: "resources" }],
    },
    {
      label: "cert-manager",
      kind: "Deployment",
      replicas: "webhook.replicaCount",
      containers: [{ name: "cert-manager-webhook", resources: "webhook.resources" }],
    },
    {
      label: "cert-manager",
      kind: "Deployment",
      when: (values) => values.enabled("cainjector.enabled"),
      replicas: "cainjector.replicaCount",
      containers: [{ name: "cert-manager-cainjector", resources: "cainjector.resources" }],
    },
  ],
};

/** External Secrets' controller, webhook and certificate controller, as one row. */
export const EXTERNAL_SECRETS: ChartTable = {
  chart: "external-secrets",
  version: "2.9.0",
  unmodelled: ["bitwarden-sdk-server.enabled"],
  workloads: [
    {
      label: "External Secrets",
      kind: "Deployment",
      when: (values) => values.enabled("createOperator"),
      replicas: "replicaCount",
      containers: [{ name: "external-secrets", resources: "resources" }],
    },
    {
      label: "External Secrets",
      kind: "Deployment",
      when: (values) => values.enabled("webhook.create"),
      replicas: "webhook.replicaCount",
      containers: [{ name: "webhook", resources: "webhook.resources" }],
    },
    {
      label: "External Secrets",
      kind: "Deployment",
      when: (values) => values.enabled("certController.create"),
      replicas: "certController.replicaCount",
      containers: [{ name: "cert-controller", resources: "certController.resources" }],
    },
  ],
};

/** Vault's `"-"` switches inherit `global.enabled`. */
function vaultSwitch(values: ChartValues, path: string): boolean {
  const value = values.value(path);
  return value === "-" || value === "" ? values.enabled("global.enabled") : values.enabled(path);
}

export const VAULT: ChartTable = {
  chart: "vault",
  version: "0.34.1",
  unmodelled: ["csi.enabled", "server.dev.enabled"],
  workloads: [
    {
      label: "Vault",
      kind: "StatefulSet",
      when: (values) => vaultSwitch(values, "server.enabled"),
      replicas: (values, notes) =>
        values.enabled("server.ha.enabled") ? values.count("server.ha.replicas", notes) : 1,
      containers: [{ name: "vault", resources: "server.resources" }],
      volumes: [
        { size: "server.dataStorage.size", when: (values) => values.enabled("server.dataStorage.enabled") },
        { size: "server.auditStorage.size", when: (values) => values.enabled("server.auditStorage.enabled") },
      ],
    },
    {
      label: "Vault agent injector",
      kind: "Deployment",
      when: (values) => vaultSwitch(values, "injector.enabled"),
      replicas: "injector.replicas",
      containers: [{ name: "sidecar-injector", resources: "injector.resources" }],
    },
  ],
};

export const KEYCLOAKX: ChartTable = {
  chart: "keycloakx",
  version: "7.1.11",
  check: (values) => (values.value("extraContainers") ? ["extraContainers is set"] : []),
  workloads: [
    {
      label: "Keycloak",
      kind: "StatefulSet",
      replicas: (values, notes) =>
        values.enabled("autoscaling.enabled")
          ? {
              min: values.count("autoscaling.minReplicas", notes),
              max: values.count("autoscaling.maxReplicas", notes),
            }
          : values.count("replicas", notes),
      containers: [{ name: "keycloak", resources: "resources" }],
    },
  ],
};
