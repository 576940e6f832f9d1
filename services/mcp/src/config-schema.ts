/** The configuration file's schema: every key, its validation and its default, written once. */
import { isIP } from "node:net";
import { z } from "zod";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);
export const NAME = /^[a-z][a-z0-9_-]{0,40}$/;

/** An environment variable holding a secret; resolved by `loadConfig`. */
const secretRef = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name");

const serverSchema = z.object({
  host: z.string().default("0.0.0.0"),
  port: z.number().int().min(0).max(65535).default(8080),
  /** The resource identifier clients use (the URL of `/mcp`); tokens must carry it as audience. */
  publicUrl: z.url(),
  /** Browser origins allowed to call `/mcp`; requests without `Origin` (non-browser clients) pass. */
  allowedOrigins: z.array(z.string()).default([]),
  /** Host header values accepted; default: the host of `publicUrl` only. */
  allowedHosts: z.array(z.string()).optional(),
  /** `sse` answers POSTs with an event stream, `json` with one JSON body. */
  responseMode: z.enum(["sse", "json"]).default("sse"),
  maxBodyBytes: z.number().int().positive().default(1_000_000),
});

const authSchema = z.discriminatedUnion("mode", [
  z.object({
    mode: z.literal("oauth"),
    issuer: z.url(),
    jwksUrl: z.url(),
    /** Accepted token audiences (one must match). Default: `server.publicUrl` and `clientId` when set. */
    audience: z.array(z.string().min(1)).min(1).optional(),
    /** The Keycloak client of this server; its client roles count as scopes. */
    clientId: z.string().optional(),
    /** Scope (or Keycloak role) that may use the admin API. */
    adminScope: z.string().default("mcp:admin"),
    /** Tool name → scopes it needs, overriding the tool's own. */
    toolScopes: z.record(z.string(), z.array(z.string())).default({}),
  }),
  z.object({ mode: z.literal("none") }),
]);

/** Per-caller token buckets; `prefault` runs the defaults below through the schema, so they are written once. */
const rateLimitSchema = z
  .object({
    requestsPerMinute: z.number().int().positive().default(120),
    burst: z.number().int().positive().default(30),
    /**
     * Environment variable holding a Redis URL: the buckets live there, one limit across all replicas.
     * Default: each replica counts in its own memory.
     */
    redisUrlEnv: secretRef.optional(),
    /** Prefix of the per-caller keys in Redis. */
    redisKeyPrefix: z.string().min(1).default("mcp:ratelimit:"),
    /** Longest a request waits for Redis before `onRedisError` applies. */
    redisTimeoutMs: z.number().int().positive().max(10_000).default(250),
    /** While Redis fails: `local` counts in this replica's memory, `open` lets requests through, `closed` answers 503. */
    onRedisError: z.enum(["local", "open", "closed"]).default("local"),
  })
  .prefault({});

const kafkaAuditSchema = z
  .object({
    /** Base URL of the Strimzi Kafka Bridge HTTP API; records go to `POST {bridgeUrl}/topics/{topic}`. */
    bridgeUrl: z.url({ protocol: /^https?$/ }),
    topic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, "a Kafka topic name: letters, digits, '.', '_', '-'"),
    /** Longest a record waits before its batch is sent. */
    flushIntervalMs: z.number().int().min(10).default(1_000),
    /** A batch leaves as soon as this many records wait; the most records per request. */
    batchSize: z.number().int().min(1).max(10_000).default(200),
    /** Bound of the in-memory queue; when full the oldest record is dropped (and counted). */
    maxQueueRecords: z.number().int().min(1).default(10_000),
    /** Tries per batch on 5xx and connection errors, with exponential backoff from `retryBackoffMs`. */
    maxAttempts: z.number().int().min(1).default(8),
    retryBackoffMs: z.number().int().min(1).default(250),
    requestTimeoutMs: z.number().int().positive().default(10_000),
    /** How long shutdown keeps delivering queued records. */
    shutdownTimeoutMs: z.number().int().min(0).default(5_000),
  })
  .refine((kafka) => kafka.maxQueueRecords >= kafka.batchSize, {
    path: ["maxQueueRecords"],
    message: "must be at least batchSize",
  });

/** Every tool call is one JSON line on stdout; `kafka` adds a copy to a Kafka topic. */
const auditSchema = z.object({ kafka: kafkaAuditSchema.optional() }).prefault({});

const embeddingsSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("gateway"),
    baseUrl: z.url(),
    model: z.string().default("bge-m3"),
    dimension: z.number().int().positive().default(1024),
    apiKeyEnv: secretRef.optional(),
  }),
  /** Deterministic feature hashing: no server, for local runs and tests. */
  z.object({ kind: z.literal("hashing"), dimension: z.number().int().positive().default(256) }),
]);

const storeSchema = z.discriminatedUnion("kind", [
  /** Embedded PGlite with pgvector; `dataDir` omitted keeps it in memory. */
  z.object({ kind: z.literal("pglite"), dataDir: z.string().optional() }),
  z.object({
    kind: z.literal("milvus"),
    url: z.url(),
    collection: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .default("mcp_knowledge"),
    database: z.string().default("default"),
    tokenEnv: secretRef.optional(),
  }),
]);

const knowledgeSchema = z.object({
  store: storeSchema.default({ kind: "pglite" }),
  embeddings: embeddingsSchema.default({ kind: "hashing", dimension: 256 }),
  rerank: z.object({ baseUrl: z.url(), model: z.string(), apiKeyEnv: secretRef.optional() }).optional(),
  /** How often each replica reloads the keyword index from the store (other replicas' ingests). */
  reloadIntervalMs: z.number().int().min(1000).default(60_000),
  chunkTokens: z.number().int().min(16).default(256),
  overlapTokens: z.number().int().min(0).default(32),
});

const sqlDatabaseSchema = z.object({
  urlEnv: secretRef,
  statementTimeoutMs: z.number().int().positive().default(5_000),
  rowLimit: z.number().int().positive().default(500),
});

const connectorAuthSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("bearer"), secretEnv: secretRef }),
  z.object({ kind: z.literal("header"), header: z.string(), secretEnv: secretRef }),
]);

const connectorParameterSchema = z.object({
  type: z.enum(["string", "number", "integer", "boolean"]).default("string"),
  in: z.enum(["path", "query", "header", "body"]).default("query"),
  description: z.string().optional(),
  required: z.boolean().default(false),
});

export const connectorSchema = z.object({
  name: z.string().regex(NAME, "lower-case letters, digits, _ and -"),
  title: z.string().optional(),
  description: z.string(),
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("GET"),
  /** `{param}` placeholders are filled from path parameters, URL-encoded. */
  url: z.url(),
  auth: connectorAuthSchema.optional(),
  parameters: z.record(z.string(), connectorParameterSchema).default({}),
});

const openApiImportSchema = z.object({
  /** Prefix of the tool names, e.g. `crm` → `crm_getCustomer`. */
  name: z.string().regex(NAME),
  /** Path of the OpenAPI 3 document (JSON or YAML). */
  document: z.string(),
  /** Default: the document's first server URL. */
  baseUrl: z.url().optional(),
  operations: z.array(z.string()).min(1),
  auth: connectorAuthSchema.optional(),
});

const promptSchema = z.object({
  name: z.string().regex(NAME),
  version: z.number().int().positive().default(1),
  title: z.string().optional(),
  description: z.string().optional(),
  arguments: z
    .array(
      z.object({ name: z.string(), description: z.string().optional(), required: z.boolean().default(true) }),
    )
    .default([]),
  /** `{{argument}}` placeholders. */
  template: z.string(),
});

const federationServerSchema = z.object({
  name: z.string().regex(NAME),
  url: z.url(),
  allowedTools: z.array(z.string()).min(1),
  /** A name in `federation.credentials`. */
  credential: z.string().optional(),
});

export const configSchema = z
  .object({
    server: serverSchema,
    auth: authSchema,
    rateLimit: rateLimitSchema,
    audit: auditSchema,
    gateway: z
      .object({
        baseUrl: z.url(),
        chatModel: z.string().default("qwen2.5-7b-instruct"),
        apiKeyEnv: secretRef.optional(),
      })
      .optional(),
    knowledge: knowledgeSchema.default({
      store: { kind: "pglite" },
      embeddings: { kind: "hashing", dimension: 256 },
      reloadIntervalMs: 60_000,
      chunkTokens: 256,
      overlapTokens: 32,
    }),
    sql: z
      .object({ databases: z.record(z.string().regex(NAME), sqlDatabaseSchema).default({}) })
      .default({ databases: {} }),
    connectors: z.array(connectorSchema).default([]),
    openapi: z.array(openApiImportSchema).default([]),
    ssrf: z
      .object({
        allowHosts: z.array(z.string()).default([]),
        allowCidrs: z
          .array(
            z.string().refine((cidr) => isCidr(cidr), "a CIDR range such as 10.20.0.0/16 or fd00:1::/64"),
          )
          .default([]),
      })
      .default({ allowHosts: [], allowCidrs: [] }),
    notifications: z
      .object({
        dingtalk: z
          .record(
            z.string().regex(NAME),
            z.object({ webhookEnv: secretRef, secretEnv: secretRef.optional() }),
          )
          .default({}),
        wecom: z.record(z.string().regex(NAME), z.object({ webhookEnv: secretRef })).default({}),
      })
      .default({ dingtalk: {}, wecom: {} }),
    prompts: z.array(promptSchema).default([]),
    /** A PostgreSQL database whose `mcp_prompts` table adds versioned prompts to the configured ones. */
    promptDatabaseEnv: secretRef.optional(),
    federation: z
      .object({
        healthIntervalMs: z.number().int().positive().default(30_000),
        servers: z.array(federationServerSchema).default([]),
        /** Credentials (name → environment variable) remote servers are reached with; admins name them, never send them. */
        credentials: z.record(z.string().regex(NAME), secretRef).default({}),
        /** PostgreSQL holding registrations and approvals, shared by the replicas. Default: each replica's memory. */
        stateDatabaseEnv: secretRef.optional(),
      })
      .default({ healthIntervalMs: 30_000, servers: [], credentials: {} }),
  })
  .superRefine((config, context) => {
    if (config.auth.mode === "none" && !LOOPBACK_HOSTS.has(config.server.host)) {
      context.addIssue({
        code: "custom",
        path: ["auth", "mode"],
        message: `"none" is only allowed when server.host is a loopback address, not ${config.server.host}`,
      });
    }
    config.federation.servers.forEach((server, index) => {
      if (server.credential && !(server.credential in config.federation.credentials)) {
        context.addIssue({
          code: "custom",
          path: ["federation", "servers", index, "credential"],
          message: `no credential named ${server.credential} in federation.credentials`,
        });
      }
    });
    if (config.knowledge.overlapTokens >= config.knowledge.chunkTokens) {
      context.addIssue({
        code: "custom",
        path: ["knowledge", "overlapTokens"],
        message: "must be below chunkTokens",
      });
    }
  });

function isCidr(value: string): boolean {
  const [network, prefix, extra] = value.split("/");
  const family = isIP(network ?? "");
  return (
    family !== 0 &&
    extra === undefined &&
    /^\d{1,3}$/.test(prefix ?? "") &&
    Number(prefix) <= (family === 4 ? 32 : 128)
  );
}

export type McpConfig = z.infer<typeof configSchema>;
export type ConnectorConfig = z.infer<typeof connectorSchema>;
export type ConnectorAuth = z.infer<typeof connectorAuthSchema>;
export type PromptConfig = z.infer<typeof promptSchema>;
export type FederationServerConfig = z.infer<typeof federationServerSchema>;
