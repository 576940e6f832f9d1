import type * as kubernetes from "@pulumi/kubernetes";
import type { NamespacePeer } from "../../components/baseline/network-policy";
import { secretCopy } from "../../components/baseline/secret-copy";
import { postgresUrl } from "../../components/gateway/connection-urls";
import type { GatewayModelEndpoint } from "../../components/gateway/gateway-config";
import { LlmGateway } from "../../components/gateway/llm-gateway";
import { GATEWAY_PORT } from "../../components/gateway/llm-gateway-args";
import { httpsListenerName } from "../../components/ingress/hostnames";
import type { PlatformConfig } from "../config";
import type { DataArea } from "./data";
import type { IdentityArea } from "./identity";
import type { InferenceArea } from "./inference";
import type { IngressArea } from "./ingress";
import type { PlatformNamespaces } from "./namespaces";
import { REDIS_MASTER_PORT, redisUrlSecret, type ServiceKeys } from "./service-credentials";

const DATABASE = "llm_gateway";
/** The Keycloak client whose tokens the admin API accepts, and the realm role it requires. */
const ADMIN_CLIENT = "llm-gateway-admin";
const ADMIN_ROLE = "platform-admin";
const KEYCLOAK_POD_PORT = 8080;

export interface GatewayArea {
  readonly gateway?: LlmGateway;
  /** Where its pods listen, for its clients' egress allows. */
  readonly server?: { readonly peer: NamespacePeer; readonly port: number };
}

/** The gateway's name, which LlmGateway also puts on its pods (`app.kubernetes.io/instance`). */
const GATEWAY_NAME = "llm-gateway";

/** vLLM's endpoints (the inference `models`) get LiteLLM's `hosted_vllm` provider; the others stay generic. */
function tagEngines(config: PlatformConfig, inference: InferenceArea): GatewayModelEndpoint[] {
  const vllm = new Set(Object.keys(config.inference.models));
  return inference.endpoints.map((endpoint) =>
    vllm.has(endpoint.name) ? { ...endpoint, engine: "vllm" } : endpoint,
  );
}

/**
 * The OpenAI-compatible LLM gateway in `ai`: routes to the inference endpoints and cloud models, on the
 * platform's Redis and PostgreSQL, and accepts the platform services' own keys (`serviceKeys`).
 */
export function deployGateway(
  config: PlatformConfig,
  namespaces: PlatformNamespaces,
  ingress: IngressArea,
  identity: IdentityArea,
  data: DataArea,
  inference: InferenceArea,
  serviceKeys: ServiceKeys,
  provider: kubernetes.Provider,
): GatewayArea {
  const settings = config.gateway;
  if (!settings.enabled || !settings.image) return {};
  const namespace = namespaces.ai.name;
  const password = data.postgres.passwords[DATABASE];
  if (!password) throw new Error(`the platform PostgreSQL has no ${DATABASE} owner`);

  // Connection URLs as Secrets in the gateway's namespace; the values stay Pulumi secrets.
  const database = secretCopy(
    "llm-gateway-database",
    namespace,
    {
      url: password.apply((value) =>
        postgresUrl({
          user: DATABASE,
          password: value,
          host: data.postgres.host,
          port: data.postgres.port,
          database: DATABASE,
        }),
      ),
    },
    { parent: namespaces.ai },
  );
  const redis = redisUrlSecret("llm-gateway", namespaces, data);
  const consumerKeys = [serviceKeys.mcp, serviceKeys.agent].filter((key) => key !== undefined);
  const keycloak = identity.keycloak;
  const gateway = new LlmGateway(
    GATEWAY_NAME,
    {
      namespace,
      image: settings.image,
      replicas: settings.replicas,
      highAvailability: config.environment === "prod",
      modelEndpoints: tagEngines(config, inference),
      cloudModels: settings.cloudModels,
      routing: settings.routing,
      cache: settings.cache,
      redis: {
        secretName: redis.secret.name,
        key: redis.secret.key,
        peer: { namespace: namespaces.data.name },
        port: REDIS_MASTER_PORT,
      },
      database: {
        secretName: "llm-gateway-database",
        peer: {
          namespace: namespaces.data.name,
          podLabels: { "cnpg.io/cluster": data.postgres.clusterName },
        },
        port: data.postgres.port,
      },
      adminJwt: {
        issuer: keycloak.issuerUrl,
        audience: ADMIN_CLIENT,
        role: ADMIN_ROLE,
        jwksUrl: `${keycloak.internalUrl}/realms/${keycloak.realm}/protocol/openid-connect/certs`,
      },
      extraEgress: [
        { name: "keycloak", peers: [{ namespace: namespaces.identity.name }], ports: [KEYCLOAK_POD_PORT] },
      ],
      serviceKeys: consumerKeys.map(({ alias, secret, models }) => ({ alias, secret, models })),
      route: {
        hostname: ingress.hostnames.llm,
        gatewayName: ingress.gatewayName,
        gatewayNamespace: ingress.gatewayNamespace,
        listenerName: httpsListenerName("llm"),
      },
    },
    {
      providers: [provider],
      dependsOn: [
        namespaces.ai,
        database,
        redis.resource,
        data.postgres,
        data.redis,
        keycloak,
        ...consumerKeys.map((key) => key.resource),
      ],
    },
  );
  const pods = { "app.kubernetes.io/name": "llm-gateway", "app.kubernetes.io/instance": GATEWAY_NAME };
  return { gateway, server: { peer: { namespace, podLabels: pods }, port: GATEWAY_PORT } };
}
