/** Credentials the stack hands the platform's own services: their LLM-gateway keys and Redis URLs. */
import type * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { NamespacePeer } from "../../components/baseline/network-policy";
import { secretCopy } from "../../components/baseline/secret-copy";
import { redisUrl } from "../../components/gateway/connection-urls";
import type { ServiceKey } from "../../components/gateway/gateway-config";
import type { PlatformConfig } from "../config";
import type { DataArea } from "./data";
import type { PlatformNamespaces } from "./namespaces";

/** Port of the Redis master Service in both modes (`RedisStore.port` is the sentinels' in sentinel mode). */
export const REDIS_MASTER_PORT = 6379;
/** Each service its own logical database, so their keys never meet. */
const REDIS_DATABASES = { "llm-gateway": 0, "mcp-server": 1, "agent-service": 2 } as const;
export type RedisClient = keyof typeof REDIS_DATABASES;

/** A gateway key of one consumer: registered with the gateway, read by the consumer's pods. */
export interface ConsumerKey extends ServiceKey {
  readonly resource: kubernetes.core.v1.Secret;
}

export interface ServiceKeys {
  readonly mcp?: ConsumerKey;
  readonly agent?: ConsumerKey;
}

/**
 * A generated `sk-…` key in a Secret `<alias>-gateway-key` (key `key`) of the `ai` namespace. The
 * gateway accepts it as a virtual key named `alias`, limited to `models`; the consumer sends it.
 */
function consumerKey(alias: string, models: readonly string[], namespaces: PlatformNamespaces): ConsumerKey {
  const name = `${alias}-gateway-key`;
  const password = new random.RandomPassword(name, { length: 48, special: false }, { parent: namespaces.ai });
  const resource = secretCopy(
    name,
    namespaces.ai.name,
    { key: pulumi.secret(pulumi.interpolate`sk-${password.result}`) },
    { parent: namespaces.ai },
  );
  return { alias, secret: { name, key: "key" }, models: [...new Set(models)], resource };
}

/** One key per enabled consumer, limited to the models its config names. */
export function createServiceKeys(config: PlatformConfig, namespaces: PlatformNamespaces): ServiceKeys {
  const { mcp, agent } = config;
  const named = (...models: (string | undefined)[]) => models.filter((m): m is string => m !== undefined);
  return {
    ...(mcp.enabled
      ? {
          mcp: consumerKey(
            "mcp-server",
            named(mcp.chatModel, mcp.embeddingModel, mcp.rerankModel),
            namespaces,
          ),
        }
      : {}),
    ...(agent.enabled
      ? { agent: consumerKey("agent-service", named(agent.defaultModel, agent.routerModel), namespaces) }
      : {}),
  };
}

/** A Secret `<client>-redis` in `ai` with the URL (key `url`) of the client's database on the platform's Redis master. */
export function redisUrlSecret(
  client: RedisClient,
  namespaces: PlatformNamespaces,
  data: DataArea,
): { resource: kubernetes.core.v1.Secret; secret: { name: string; key: string } } {
  const name = `${client}-redis`;
  const resource = secretCopy(
    name,
    namespaces.ai.name,
    {
      url: data.redis.password.apply((value) =>
        redisUrl({
          password: value,
          host: data.redis.masterHost,
          port: REDIS_MASTER_PORT,
          db: REDIS_DATABASES[client],
        }),
      ),
    },
    { parent: namespaces.ai },
  );
  return { resource, secret: { name, key: "url" } };
}

/** Where the Redis pods are, for a client's egress allow. */
export const redisServer = (namespaces: PlatformNamespaces): { peer: NamespacePeer; port: number } => ({
  peer: { namespace: namespaces.data.name },
  port: REDIS_MASTER_PORT,
});
