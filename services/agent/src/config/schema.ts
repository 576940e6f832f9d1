/**
 * The configuration file's schema: every key, its check and its default, written once. The keys of
 * docs (agent-config-contract) are what the Pulumi component generates; the others have defaults.
 */
import { z } from "zod";
import { NAME, profileOverrideSchema } from "./profile-schema";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

/** An environment variable holding a secret; resolved by `loadConfig`. */
const secretRef = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name");
const httpUrl = z.url({ protocol: /^https?$/ });

const serverSchema = z.strictObject({
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(8080),
  publicUrl: httpUrl.optional(),
  /** Request bodies larger than this are refused with 413. */
  maxBodyBytes: z.number().int().positive().default(1_048_576),
  /** A run's `input` longer than this is refused with 400. */
  maxInputChars: z.number().int().positive().default(32_000),
});

const authSchema = z.strictObject({
  /** `none`: no authentication, development only (loopback hosts). */
  mode: z.literal("none").optional(),
  /** Accept LLM-gateway virtual keys, checked against the gateway. */
  virtualKeys: z.boolean().default(true),
  jwt: z
    .strictObject({
      issuer: httpUrl,
      audience: z.string().min(1),
      /** Default: `<issuer>/protocol/openid-connect/certs`. */
      jwksUrl: httpUrl.optional(),
    })
    .optional(),
  /** The service's OAuth client: tokens for MCP servers by token exchange or client credentials. */
  client: z
    .strictObject({ tokenUrl: httpUrl, clientId: z.string().min(1), clientSecretEnv: secretRef })
    .optional(),
});

const gatewaySchema = z.strictObject({
  baseUrl: httpUrl,
  /** The service's own key: model calls of JWT callers and of the development mode. */
  apiKeyEnv: secretRef.optional(),
  /** Stream model answers from the gateway (deltas reach the client as they come). */
  streaming: z.boolean().default(true),
  /** Per model call. */
  timeoutMs: z.number().int().positive().default(120_000),
  /** How long a virtual key the gateway accepted stays accepted without asking again. */
  keyCacheSeconds: z.number().int().min(0).default(30),
});

const routerSchema = z.strictObject({
  /** Small model classifying requests without an agent. Default: `defaultModel`. */
  model: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().default(5_000),
  /** Answers below this confidence fall back to the keyword rules. */
  minConfidence: z.number().min(0).max(1).default(0.5),
  /** The profile for requests neither the model nor a keyword places. */
  defaultAgent: z.string().regex(NAME).default("general"),
});

const mcpServerSchema = z.strictObject({
  name: z.string().regex(NAME, "lower-case letters, digits, _ and - (no double underscore)"),
  url: httpUrl,
  /** Audience of the token obtained for this server; required when `auth.client` is set. */
  audience: z.string().min(1).optional(),
  /** How long a server's tool list is reused. */
  toolsCacheSeconds: z.number().int().min(0).default(30),
});

const sessionsSchema = z.strictObject({
  /** When this environment variable is set, sessions live in Redis; otherwise in memory. */
  redisUrlEnv: secretRef.default("REDIS_URL"),
  ttlSeconds: z.number().int().positive().default(86_400),
  keyPrefix: z.string().default("agent:"),
});

const telemetrySchema = z.strictObject({
  /** OTLP/HTTP traces endpoint (…/v1/traces); no traces when absent. */
  otlpEndpoint: httpUrl.optional(),
  serviceName: z.string().min(1).default("agent-service"),
  logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** Put message and tool content in logs (never by default). */
  logContent: z.boolean().default(false),
});

const limitsSchema = z.strictObject({
  maxToolCallsPerRun: z.number().int().positive().default(16),
  maxRunSeconds: z.number().int().positive().default(300),
  toolTimeoutMs: z.number().int().positive().default(30_000),
  /** Tool calls of one turn running at once. */
  toolConcurrency: z.number().int().positive().default(4),
  /** Longer tool results are cut, with a marker saying how much was cut. */
  maxToolResultChars: z.number().int().min(100).default(16_000),
  maxHandoffs: z.number().int().min(0).default(3),
});

export const configSchema = z.strictObject({
  server: serverSchema.default(serverSchema.parse({})),
  auth: authSchema,
  gateway: gatewaySchema,
  defaultModel: z.string().min(1),
  router: routerSchema.default(routerSchema.parse({})),
  mcpServers: z.array(mcpServerSchema).default([]),
  sessions: sessionsSchema.default(sessionsSchema.parse({})),
  telemetry: telemetrySchema.default(telemetrySchema.parse({})),
  limits: limitsSchema.default(limitsSchema.parse({})),
  agents: z
    .record(z.string().regex(NAME, "lower-case letters, digits, _ and -"), profileOverrideSchema)
    .default({}),
});

export type RawAgentConfig = z.infer<typeof configSchema>;

/** Rules across keys; each problem as `path: message`. */
export function crossKeyProblems(config: RawAgentConfig): string[] {
  const problems: string[] = [];
  const { auth } = config;
  if (auth.mode === "none") {
    if (!LOOPBACK_HOSTS.has(config.server.host))
      problems.push(
        `auth.mode: "none" is only allowed when server.host is a loopback address, not ${config.server.host}`,
      );
    if (auth.jwt) problems.push('auth.jwt: not allowed with auth.mode "none"');
  } else if (!auth.virtualKeys && !auth.jwt) {
    problems.push("auth: accept virtual keys or JWTs (virtualKeys: true or a jwt block), or set mode: none");
  }
  if (auth.jwt && !config.gateway.apiKeyEnv)
    problems.push(
      "gateway.apiKeyEnv: required with auth.jwt (model calls of JWT callers use the service's key)",
    );
  const names = new Set<string>();
  config.mcpServers.forEach((server, index) => {
    if (names.has(server.name)) problems.push(`mcpServers.${index}.name: ${server.name} is listed twice`);
    names.add(server.name);
    if (server.name.includes("__"))
      problems.push(`mcpServers.${index}.name: must not contain "__" (it separates server and tool)`);
    if (auth.client && !server.audience)
      problems.push(
        `mcpServers.${index}.audience: required with auth.client (tokens are issued per audience)`,
      );
  });
  for (const [name, profile] of Object.entries(config.agents)) {
    for (const server of profile.mcpServers ?? [])
      if (!names.has(server)) problems.push(`agents.${name}.mcpServers: no MCP server named ${server}`);
  }
  return problems;
}
