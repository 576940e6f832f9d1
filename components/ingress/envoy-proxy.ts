import { zoneSpread } from "../common/topology";

/** The Envoy proxy pods Envoy Gateway runs for each Gateway, in the controller's namespace. */
export const ENVOY_PROXY_PODS = {
  "app.kubernetes.io/component": "proxy",
  "app.kubernetes.io/managed-by": "envoy-gateway",
};

/**
 * Envoy Gateway's own defaults are one replica with requests and no limits (100m/512Mi for Envoy,
 * 10m/32Mi for its shutdown manager); these keep the requests and bound the memory.
 */
export const ENVOY_RESOURCES = { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "1Gi" } };
export const SHUTDOWN_MANAGER_RESOURCES = {
  requests: { cpu: "10m", memory: "32Mi" },
  limits: { memory: "64Mi" },
};

/**
 * The spec of the EnvoyProxy (gateway.envoyproxy.io/v1alpha1) that sizes the Envoy Deployment of each
 * Gateway of the class: replicas, limits on both containers (the shutdown manager only through a
 * patch, as EnvoyProxy sizes the main container alone) and, from two replicas, a zone spread and a
 * PodDisruptionBudget.
 */
export function envoyProxySpec(replicas: number) {
  const replicated = replicas > 1;
  return {
    provider: {
      type: "Kubernetes",
      kubernetes: {
        envoyDeployment: {
          replicas,
          container: { resources: ENVOY_RESOURCES },
          pod: { topologySpreadConstraints: replicated ? zoneSpread(ENVOY_PROXY_PODS) : [] },
          patch: {
            type: "StrategicMerge",
            value: {
              spec: {
                template: {
                  spec: { containers: [{ name: "shutdown-manager", resources: SHUTDOWN_MANAGER_RESOURCES }] },
                },
              },
            },
          },
        },
        ...(replicated ? { envoyPDB: { minAvailable: 1 } } : {}),
      },
    },
  };
}
