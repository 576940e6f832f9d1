import { z } from "zod";

/**
 * The outputs contract of the ai-platform stack, version 1. Minor versions only add fields; a field is
 * never renamed, retyped or removed without a new major version (and a new schema beside this one).
 */
export const CONTRACT_VERSION = "1.6";

/** `namespace/name` of a Kubernetes Secret holding credentials (the credentials themselves are never outputs). */
const secretRef = z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, "must be namespace/name");

const dataStoresSchema = z.object({
  postgres: z.object({
    host: z.string(),
    readOnlyHost: z.string(),
    port: z.number().int(),
    databases: z.array(z.object({ name: z.string(), owner: z.string(), credentialsSecret: secretRef })),
  }),
  redis: z.object({
    mode: z.enum(["standalone", "sentinel"]),
    host: z.string(),
    port: z.number().int(),
    sentinelMasterName: z.string().optional(),
    passwordSecret: secretRef,
  }),
  kafka: z.object({ bootstrapServers: z.string(), clusterCaSecret: secretRef, topics: z.array(z.string()) }),
  objectStorage: z.object({
    endpoint: z.string(),
    buckets: z.record(z.string(), z.string()),
    credentialsSecret: secretRef,
  }),
});

/** One self-hosted model endpoint, as the LLM gateway routes to it. */
const modelEndpointSchema = z.object({
  /** The model name clients send. */
  name: z.string().min(1),
  /** In-cluster base URL (`…/v1` for OpenAI-compatible servers). */
  url: z.string().regex(/^http:\/\/[a-z0-9.-]+:\d+(\/v1)?$/, "must be an in-cluster http URL"),
  kind: z.enum(["chat", "completion", "embeddings", "rerank", "audio-transcription", "audio-speech"]),
  /** Context length in tokens, for text models. */
  contextLength: z.number().int().positive().optional(),
  /** `openai`, or `chattts` (ChatTTS's own API, which the gateway translates). */
  api: z.enum(["openai", "chattts"]),
  upstreamModel: z.string().optional(),
  requestDefaults: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

/** One of the platform's own HTTP services: through the shared Gateway (HTTPS), and inside the cluster. */
const serviceEndpointSchema = z.object({
  publicUrl: z.string().regex(/^https:\/\/[a-z0-9.-]+(\/\S*)?$/, "must be an https URL"),
  internalUrl: z
    .string()
    .regex(/^http:\/\/[a-z0-9.-]+\.svc\.cluster\.local:\d+(\/\S*)?$/, "must be an in-cluster http URL"),
});

const servicesSchema = z.object({
  /** Issuer of the platform realm's tokens (Keycloak), `https://auth.<domain>/realms/ai-platform`. */
  oidcIssuerUrl: z.string(),
  /** Vault's in-cluster address. */
  vaultAddress: z.string(),
  /** ClusterSecretStore name for ExternalSecrets reading Vault paths. */
  clusterSecretStore: z.string(),
  /** Milvus gRPC endpoint (host:port) in the cluster. */
  milvusEndpoint: z.string(),
  grafanaUrl: z.string(),
  prometheusUrl: z.string(),
  lokiUrl: z.string(),
  /** Since 1.4: every self-hosted model endpoint (vLLM, llama.cpp, Whisper, ChatTTS). */
  modelEndpoints: z.array(modelEndpointSchema).optional(),
  /** Since 1.5: the OpenAI-compatible LLM gateway; its master key only as a `namespace/name` Secret reference. */
  llmGateway: z
    .object({
      publicUrl: z.string(),
      internalUrl: z.string(),
      masterKeySecret: z.string(),
      models: z.array(z.string()),
    })
    .optional(),
  /** Since 1.6: the MCP server; `publicUrl` is its Streamable HTTP endpoint (`https://mcp.<domain>/mcp`), the OAuth resource. */
  mcp: serviceEndpointSchema.optional(),
  /** Since 1.6: the agent service; its API is under `publicUrl` (`/v1/runs`, `/v1/agents/{name}/runs`). */
  agent: serviceEndpointSchema.optional(),
});

export const platformOutputsSchema = z.object({
  /** `major.minor` of this contract the stack was deployed with. */
  contractVersion: z.string().regex(/^1\.\d+$/, "must be a 1.x contract version"),
  environment: z.enum(["dev", "prod", "local"]),
  cloud: z.enum(["alicloud", "aws", "existing"]),
  /** Cloud region; absent for existing clusters. */
  region: z.string().optional(),
  clusterName: z.string().min(1),
  /** ACK cluster id, EKS cluster ARN, or the kubeconfig context of an existing cluster. */
  clusterId: z.string().min(1),
  /** Admin kubeconfig; a secret. Absent for existing clusters. */
  kubeconfig: z.string().optional(),
  vpcId: z.string().optional(),
  /** Node pool names as the `ai-platform/pool` node label carries them. */
  nodePools: z.object({ system: z.string().optional(), gpu: z.array(z.string()) }),
  /** ACK with a public API server only: the command attaching its CIDR whitelist. */
  apiServerAclAttachCommand: z.string().optional(),
  /** Since 1.1: public hostname per service (llm, mcp, agent, grafana, auth), HTTPS on the shared Gateway. */
  publicHostnames: z.record(z.string(), z.string()).optional(),
  /** Since 1.2: coordinates of the data stores; credentials as references to Secrets. */
  dataStores: dataStoresSchema.optional(),
  /** Since 1.3: identity, secrets, vector search and observability endpoints. */
  services: servicesSchema.optional(),
});

export type PlatformOutputs = z.infer<typeof platformOutputsSchema>;

/** Outputs held as Pulumi secrets; consumers get them back as secrets. */
export const SECRET_OUTPUTS: readonly (keyof PlatformOutputs)[] = ["kubeconfig"];
