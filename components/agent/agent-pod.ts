import type * as pulumi from "@pulumi/pulumi";
import { envFromSecret } from "../common/env";
import { RESTRICTED_READ_ONLY_CONTAINER } from "../common/security-context";
import { servicePodBase } from "../common/service-pod";
import {
  AGENT_CONFIG_PATH,
  AGENT_DEFAULTS,
  AGENT_ENV,
  AGENT_PORT,
  AGENT_UID,
  type AgentServiceArgs,
} from "./agent-service-args";

/** The contract's environment: the config path, and the client secret, gateway key and Redis URL by reference. */
export function agentEnv(args: AgentServiceArgs) {
  return [
    { name: AGENT_ENV.configFile, value: AGENT_CONFIG_PATH },
    envFromSecret(AGENT_ENV.clientSecret, args.keycloak.clientSecret.name, args.keycloak.clientSecret.key),
    envFromSecret(AGENT_ENV.gatewayKey, args.llmGateway.apiKeySecret.name, args.llmGateway.apiKeySecret.key),
    ...(args.redis
      ? [envFromSecret(AGENT_ENV.redisUrl, args.redis.urlSecret.name, args.redis.urlSecret.key)]
      : []),
  ];
}

const probe = (periodSeconds: number, failureThreshold: number) => ({
  httpGet: { path: "/healthz", port: "http" },
  periodSeconds,
  failureThreshold,
  timeoutSeconds: 2,
});

/** The Deployment's pod template: restricted, read-only root, config mounted, secrets by reference. */
export function agentPodTemplate(
  args: AgentServiceArgs,
  spec: {
    podLabels: Readonly<Record<string, string>>;
    configMapName: string;
    configChecksum: pulumi.Input<string>;
  },
) {
  const resources = args.resources ?? AGENT_DEFAULTS.resources;
  const base = servicePodBase({
    podLabels: spec.podLabels,
    uid: AGENT_UID,
    configChecksum: spec.configChecksum,
    // SIGTERM lets running streams finish their current step before the pod goes.
    terminationGracePeriodSeconds: 60,
    highAvailability: args.highAvailability,
  });
  return {
    metadata: base.metadata,
    spec: {
      ...base.spec,
      containers: [
        {
          name: "agent",
          image: args.image,
          ports: [{ name: "http", containerPort: AGENT_PORT, protocol: "TCP" }],
          env: agentEnv(args),
          resources: {
            requests: { cpu: resources.cpu, memory: resources.memory },
            limits: { memory: resources.memoryLimit },
          },
          securityContext: RESTRICTED_READ_ONLY_CONTAINER,
          startupProbe: probe(2, 30),
          livenessProbe: probe(10, 3),
          readinessProbe: probe(5, 2),
          volumeMounts: [
            {
              name: "config",
              mountPath: AGENT_CONFIG_PATH.slice(0, AGENT_CONFIG_PATH.lastIndexOf("/")),
              readOnly: true,
            },
            { name: "tmp", mountPath: "/tmp" },
          ],
        },
      ],
      volumes: [
        { name: "config", configMap: { name: spec.configMapName } },
        { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
      ],
    },
  };
}
