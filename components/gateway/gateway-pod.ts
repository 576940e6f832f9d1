import type * as pulumi from "@pulumi/pulumi";
import { envFromSecret } from "../common/env";
import { RESTRICTED_READ_ONLY_CONTAINER } from "../common/security-context";
import { servicePodBase } from "../common/service-pod";
import { GATEWAY_ENV, providerKeyEnv, serviceKeyEnv, TRACES_ENDPOINT_ENV } from "./gateway-config";
import {
  CONFIG_PATH,
  GATEWAY_DEFAULTS,
  GATEWAY_PORT,
  GATEWAY_UID,
  type LlmGatewayArgs,
} from "./llm-gateway-args";

export interface GatewayPodSpec {
  readonly podLabels: Readonly<Record<string, string>>;
  readonly configMapName: string;
  /** Changes with the config text, so a new config rolls the pods. */
  readonly configChecksum: pulumi.Input<string>;
  readonly masterKeySecretName: string;
}

/** The gateway's environment: every secret by reference to a Secret (Redis, PostgreSQL, keys), the traces URL. */
export function gatewayEnv(args: LlmGatewayArgs, masterKeySecretName: string) {
  return [
    envFromSecret(GATEWAY_ENV.redisUrl, args.redis.secretName, args.redis.key ?? "url"),
    envFromSecret(GATEWAY_ENV.databaseUrl, args.database.secretName, args.database.key ?? "url"),
    envFromSecret(GATEWAY_ENV.masterKey, masterKeySecretName, "master-key"),
    ...Object.entries(providerKeyEnv(args.cloudModels ?? [])).map(([variable, secret]) =>
      envFromSecret(variable, secret.name, secret.key),
    ),
    ...(args.serviceKeys ?? []).map((serviceKey) =>
      envFromSecret(serviceKeyEnv(serviceKey.alias), serviceKey.secret.name, serviceKey.secret.key),
    ),
    ...(args.tracesEndpoint ? [{ name: TRACES_ENDPOINT_ENV, value: args.tracesEndpoint }] : []),
  ];
}

const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
  httpGet: { path, port: "http" },
  periodSeconds,
  failureThreshold,
  timeoutSeconds: 2,
});

/** The Deployment's pod template: restricted, read-only root, config mounted, secrets by reference. */
export function gatewayPodTemplate(args: LlmGatewayArgs, spec: GatewayPodSpec) {
  const resources = args.resources ?? GATEWAY_DEFAULTS.resources;
  const base = servicePodBase({
    podLabels: spec.podLabels,
    uid: GATEWAY_UID,
    configChecksum: spec.configChecksum,
    // SIGTERM drains in-flight streams and flushes spend before the pod goes.
    terminationGracePeriodSeconds: 60,
    highAvailability: args.highAvailability,
  });
  return {
    metadata: base.metadata,
    spec: {
      ...base.spec,
      containers: [
        {
          name: "gateway",
          image: args.image,
          // The image's CMD, repeated so the config path and the mount below are written in one place.
          args: ["node", "dist/server.js", "--config", CONFIG_PATH],
          ports: [{ name: "http", containerPort: GATEWAY_PORT, protocol: "TCP" }],
          env: gatewayEnv(args, spec.masterKeySecretName),
          resources: {
            requests: { cpu: resources.cpu, memory: resources.memory },
            limits: { memory: resources.memoryLimit },
          },
          securityContext: RESTRICTED_READ_ONLY_CONTAINER,
          // Migrations run at start: a minute before liveness counts.
          startupProbe: probe("/health/liveliness", 2, 30),
          livenessProbe: probe("/health/liveliness", 10, 3),
          readinessProbe: probe("/health/readiness", 5, 2),
          volumeMounts: [
            { name: "config", mountPath: CONFIG_PATH.slice(0, CONFIG_PATH.lastIndexOf("/")), readOnly: true },
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
