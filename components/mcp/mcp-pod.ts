import type * as pulumi from "@pulumi/pulumi";
import { envFromSecret } from "../common/env";
import { RESTRICTED_READ_ONLY_CONTAINER } from "../common/security-context";
import { servicePodBase } from "../common/service-pod";
import {
  MCP_CONFIG_PATH,
  MCP_DATA_PATH,
  MCP_DEFAULTS,
  MCP_ENV,
  MCP_PORT,
  MCP_UID,
  type McpServerArgs,
} from "./mcp-server-args";

/**
 * Every secret the server reads, each by reference to a Secret: the gateway key, Milvus' token, the
 * Redis URL, `secretEnv`.
 */
export function mcpEnv(args: McpServerArgs) {
  return [
    envFromSecret(MCP_ENV.gatewayKey, args.llmGateway.apiKeySecret.name, args.llmGateway.apiKeySecret.key),
    ...(args.milvus?.tokenSecret
      ? [envFromSecret(MCP_ENV.milvusToken, args.milvus.tokenSecret.name, args.milvus.tokenSecret.key)]
      : []),
    ...(args.redis
      ? [envFromSecret(MCP_ENV.redisUrl, args.redis.urlSecret.name, args.redis.urlSecret.key)]
      : []),
    ...Object.entries(args.secretEnv ?? {}).map(([variable, ref]) =>
      envFromSecret(variable, ref.name, ref.key),
    ),
  ];
}

const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
  httpGet: { path, port: "http" },
  periodSeconds,
  failureThreshold,
  timeoutSeconds: 2,
});

/** The Deployment's pod template: restricted, read-only root, config mounted, secrets by reference. */
export function mcpPodTemplate(
  args: McpServerArgs,
  spec: {
    podLabels: Readonly<Record<string, string>>;
    configMapName: string;
    configChecksum: pulumi.Input<string>;
    /** The embedded store's PersistentVolumeClaim; none with Milvus. */
    knowledgeClaimName?: string;
  },
) {
  const resources = args.resources ?? MCP_DEFAULTS.resources;
  const base = servicePodBase({
    podLabels: spec.podLabels,
    uid: MCP_UID,
    configChecksum: spec.configChecksum,
    terminationGracePeriodSeconds: 30,
    highAvailability: args.highAvailability,
    // The knowledge volume is writable by the server's group.
    fsGroup: spec.knowledgeClaimName ? MCP_UID : undefined,
  });
  return {
    metadata: base.metadata,
    spec: {
      ...base.spec,
      containers: [
        {
          name: "mcp",
          image: args.image,
          ports: [{ name: "http", containerPort: MCP_PORT, protocol: "TCP" }],
          env: [{ name: "MCP_CONFIG_FILE", value: MCP_CONFIG_PATH }, ...mcpEnv(args)],
          resources: {
            requests: { cpu: resources.cpu, memory: resources.memory },
            limits: { memory: resources.memoryLimit },
          },
          securityContext: RESTRICTED_READ_ONLY_CONTAINER,
          startupProbe: probe("/healthz", 2, 30),
          livenessProbe: probe("/healthz", 10, 3),
          readinessProbe: probe("/healthz", 5, 2),
          volumeMounts: [
            {
              name: "config",
              mountPath: MCP_CONFIG_PATH.slice(0, MCP_CONFIG_PATH.lastIndexOf("/")),
              readOnly: true,
            },
            { name: "tmp", mountPath: "/tmp" },
            ...(spec.knowledgeClaimName ? [{ name: "knowledge", mountPath: MCP_DATA_PATH }] : []),
          ],
        },
      ],
      volumes: [
        { name: "config", configMap: { name: spec.configMapName } },
        { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
        ...(spec.knowledgeClaimName
          ? [{ name: "knowledge", persistentVolumeClaim: { claimName: spec.knowledgeClaimName } }]
          : []),
      ],
    },
  };
}
