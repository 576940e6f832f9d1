import { createApp, type RequestHandler, type Route } from "./app";
import { type AuditSink, stdoutAuditSink, teeAudit } from "./audit";
import { type Authenticate, loopbackOnlyAuthenticator, oauthAuthenticator } from "./auth/bearer-auth";
import { resourceMetadataUrl } from "./auth/resource-metadata";
import { type McpConfig, type Secrets, secret } from "./config";
import { importOpenApi } from "./connectors/openapi-import";
import { SsrfGuard } from "./connectors/ssrf-guard";
import { federationAdminRoutes } from "./federation/admin-routes";
import { PostgresFederationStore } from "./federation/federation-store";
import { FederationRegistry } from "./federation/registry";
import { connectRemote } from "./federation/remote-client";
import { gatewayChatModel } from "./gateway/chat-model";
import { createRateLimiter } from "./http/create-rate-limiter";
import { hostsOf } from "./http/origin-guard";
import { KafkaAuditSink } from "./kafka/kafka-audit-sink";
import { type Embedder, GatewayEmbedder, HashingEmbedder } from "./knowledge/embeddings";
import { KnowledgeBase } from "./knowledge/knowledge-base";
import { MilvusVectorStore } from "./knowledge/milvus-store";
import { PgliteVectorStore } from "./knowledge/pglite-store";
import { GatewayReranker } from "./knowledge/reranker";
import type { VectorStore } from "./knowledge/vector-store";
import { createCatalog } from "./mcp/create-catalog";
import { registerKnowledgeResources } from "./mcp/knowledge-resources";
import { createMetrics } from "./metrics";
import { PromptCatalog } from "./prompts/prompt-catalog";
import { ReadOnlyDatabase } from "./sql/read-only-query";
import { documentExtractTool } from "./tools/document-extract";
import { documentSummarizeTool } from "./tools/document-summarize";
import { httpConnectorTool } from "./tools/http-connector";
import { knowledgeIngestTool } from "./tools/knowledge-ingest";
import { knowledgeSearchTool } from "./tools/knowledge-search";
import { notifyDingTalkTool } from "./tools/notify-dingtalk";
import { notifyWeComTool } from "./tools/notify-wecom";
import { sqlQueryTool } from "./tools/sql-query";
import type { ToolDefinition } from "./tools/tool";

export interface Runtime {
  readonly handler: RequestHandler;
  readonly knowledge: KnowledgeBase;
  readonly federation: FederationRegistry;
  readonly tools: readonly ToolDefinition[];
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  /** Replaces the stdout audit sink (a configured Kafka copy still gets every record). */
  readonly audit?: AuditSink;
  /** Replaces the configured embedder (tests use the deterministic one). */
  readonly embedder?: Embedder;
  readonly log?: (line: Record<string, unknown>) => void;
}

const PROMPT_REFRESH_MS = 60_000;

/** Builds every part the config asks for; `server.ts` listens with `handler`. */
export async function createRuntime(
  config: McpConfig,
  secrets: Secrets,
  overrides: RuntimeOverrides = {},
): Promise<Runtime> {
  const log = overrides.log ?? ((line) => console.error(JSON.stringify(line)));
  const metrics = createMetrics();
  const kafkaAudit = config.audit.kafka
    ? new KafkaAuditSink({ ...config.audit.kafka, metrics, log })
    : undefined;
  const audit = teeAudit(overrides.audit ?? stdoutAuditSink, ...(kafkaAudit ? [kafkaAudit.sink] : []));
  const guard = new SsrfGuard(config.ssrf);
  const optionalSecret = (name?: string) => (name ? secret(secrets, name) : undefined);

  const knowledge = await KnowledgeBase.open(
    await openStore(config, optionalSecret),
    overrides.embedder ?? embedderFor(config, optionalSecret),
    { maxTokens: config.knowledge.chunkTokens, overlapTokens: config.knowledge.overlapTokens },
    config.knowledge.rerank
      ? new GatewayReranker({
          ...config.knowledge.rerank,
          apiKey: optionalSecret(config.knowledge.rerank.apiKeyEnv),
        })
      : undefined,
  );
  const databases = new Map(
    Object.entries(config.sql.databases).map(([name, database]) => [
      name,
      new ReadOnlyDatabase({
        connectionString: secret(secrets, database.urlEnv),
        statementTimeoutMs: database.statementTimeoutMs,
        rowLimit: database.rowLimit,
      }),
    ]),
  );
  const tools: ToolDefinition[] = [
    knowledgeSearchTool(knowledge),
    knowledgeIngestTool(knowledge),
    documentExtractTool({
      maxTokens: config.knowledge.chunkTokens,
      overlapTokens: config.knowledge.overlapTokens,
    }),
  ];
  if (config.gateway) {
    const chat = gatewayChatModel({
      ...config.gateway,
      model: config.gateway.chatModel,
      apiKey: optionalSecret(config.gateway.apiKeyEnv),
    });
    tools.push(documentSummarizeTool(chat));
  }
  if (databases.size > 0) tools.push(sqlQueryTool(databases));
  const connectors = [...config.connectors, ...config.openapi.flatMap((spec) => importOpenApi(spec))];
  for (const connector of connectors)
    tools.push(httpConnectorTool(connector, guard, optionalSecret(connector.auth?.secretEnv)));
  const dingtalk = Object.entries(config.notifications.dingtalk);
  if (dingtalk.length > 0) {
    const robots = dingtalk.map(
      ([name, hook]) =>
        [
          name,
          { webhookUrl: secret(secrets, hook.webhookEnv), secret: optionalSecret(hook.secretEnv) },
        ] as const,
    );
    tools.push(notifyDingTalkTool(new Map(robots), guard));
  }
  const wecom = Object.entries(config.notifications.wecom);
  if (wecom.length > 0)
    tools.push(
      notifyWeComTool(new Map(wecom.map(([name, hook]) => [name, secret(secrets, hook.webhookEnv)])), guard),
    );

  const prompts = new PromptCatalog(config.prompts, optionalSecret(config.promptDatabaseEnv));
  await prompts.refresh();
  const credentials = new Map(
    Object.entries(config.federation.credentials).map(([name, env]) => [name, secret(secrets, env)]),
  );
  const federationDatabase = optionalSecret(config.federation.stateDatabaseEnv);
  const federation = new FederationRegistry(
    (url, credential) => connectRemote(url, guard, credential ? credentials.get(credential) : undefined),
    federationDatabase ? new PostgresFederationStore(federationDatabase) : undefined,
  );
  for (const server of config.federation.servers) {
    await federation
      .register(server, { adoptExisting: true })
      .catch((error: Error) => log({ type: "federation", server: server.name, error: error.message }));
  }
  await federation.checkHealth().catch((error: Error) => log({ type: "federation", error: error.message }));
  const timers = [
    setInterval(
      () => void prompts.refresh().catch((error: Error) => log({ type: "prompts", error: error.message })),
      PROMPT_REFRESH_MS,
    ),
    setInterval(() => void federation.checkHealth(), config.federation.healthIntervalMs),
    setInterval(
      () => void knowledge.reload().catch((error: Error) => log({ type: "knowledge", error: error.message })),
      config.knowledge.reloadIntervalMs,
    ),
  ];
  for (const timer of timers) timer.unref();

  const catalog = createCatalog({
    tools,
    toolScopes: config.auth.mode === "oauth" ? config.auth.toolScopes : {},
    federatedTools: () => federation.tools(),
    registerPrompts: (server) => prompts.register(server),
    registerResources: (server) => registerKnowledgeResources(server, knowledge),
  });
  const publicUrl = config.server.publicUrl;
  const routes: Route[] = [
    federationAdminRoutes(federation, {
      adminScope: config.auth.mode === "oauth" ? config.auth.adminScope : "mcp:admin",
      credentials: new Set(credentials.keys()),
      audit,
    }),
  ];
  const rateLimiter = await createRateLimiter(config.rateLimit, {
    redisUrl: optionalSecret(config.rateLimit.redisUrlEnv),
    metrics,
    log,
  });
  const handler = createApp({
    publicUrl,
    issuer: config.auth.mode === "oauth" ? config.auth.issuer : undefined,
    origins: {
      allowedOrigins: config.server.allowedOrigins,
      allowedHosts: config.server.allowedHosts ?? hostsOf(publicUrl),
    },
    responseMode: config.server.responseMode,
    maxBodyBytes: config.server.maxBodyBytes,
    authenticate: authenticatorFor(config),
    rateLimiter,
    audit,
    metrics,
    catalog,
    routes,
    scopes: [...new Set(tools.flatMap((tool) => tool.scopes)), "mcp:federated"],
  });
  return {
    handler,
    knowledge,
    federation,
    tools,
    async close() {
      for (const timer of timers) clearInterval(timer);
      await Promise.all([kafkaAudit?.close(), rateLimiter.close?.()]);
      await federation.close();
      await Promise.all([...databases.values()].map((database) => database.close()));
      await knowledge.close();
      await guard.dispatcher.close();
    },
  };
}

function authenticatorFor(config: McpConfig): Authenticate {
  if (config.auth.mode === "none") return loopbackOnlyAuthenticator();
  const audience = config.auth.audience ?? [
    config.server.publicUrl,
    ...(config.auth.clientId ? [config.auth.clientId] : []),
  ];
  return oauthAuthenticator({
    issuer: config.auth.issuer,
    jwksUrl: config.auth.jwksUrl,
    audience,
    resourceMetadataUrl: resourceMetadataUrl(config.server.publicUrl),
    clientId: config.auth.clientId,
  });
}

function embedderFor(config: McpConfig, optionalSecret: (name?: string) => string | undefined): Embedder {
  const embeddings = config.knowledge.embeddings;
  if (embeddings.kind === "hashing") return new HashingEmbedder(embeddings.dimension);
  return new GatewayEmbedder({ ...embeddings, apiKey: optionalSecret(embeddings.apiKeyEnv) });
}

async function openStore(
  config: McpConfig,
  optionalSecret: (name?: string) => string | undefined,
): Promise<VectorStore> {
  const store = config.knowledge.store;
  if (store.kind === "pglite") return PgliteVectorStore.open(store.dataDir);
  return new MilvusVectorStore({ ...store, token: optionalSecret(store.tokenEnv) });
}
