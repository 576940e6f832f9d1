/**
 * The server's configuration: one YAML file (path in `MCP_CONFIG_FILE`) parsed once, here, with every
 * problem reported at once by key. Secrets are never in the file: it names environment variables, and
 * `loadConfig` resolves them so nothing else reads the environment.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { configSchema, type McpConfig } from "./config-schema";

export type {
  ConnectorAuth,
  ConnectorConfig,
  FederationServerConfig,
  McpConfig,
  PromptConfig,
} from "./config-schema";
export { configSchema };

/** Secret values by environment variable name; only the names the config references. */
export type Secrets = ReadonlyMap<string, string>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid MCP server configuration:\n  ${problems.join("\n  ")}`);
  }
}

/** Validates `raw`, listing every bad key; throws `ConfigError`. */
export function parseConfig(raw: unknown): McpConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    );
  }
  return result.data;
}

/** Every environment variable name the config references for a secret. */
export function secretNames(config: McpConfig): string[] {
  const names = new Set<string>();
  const add = (name: string | undefined) => name && names.add(name);
  add(config.rateLimit.redisUrlEnv);
  if (config.gateway) add(config.gateway.apiKeyEnv);
  if (config.knowledge.embeddings.kind === "gateway") add(config.knowledge.embeddings.apiKeyEnv);
  if (config.knowledge.store.kind === "milvus") add(config.knowledge.store.tokenEnv);
  add(config.knowledge.rerank?.apiKeyEnv);
  for (const database of Object.values(config.sql.databases)) add(database.urlEnv);
  for (const connector of [...config.connectors, ...config.openapi]) add(connector.auth?.secretEnv);
  for (const hook of Object.values(config.notifications.dingtalk)) {
    add(hook.webhookEnv);
    add(hook.secretEnv);
  }
  for (const hook of Object.values(config.notifications.wecom)) add(hook.webhookEnv);
  add(config.promptDatabaseEnv);
  add(config.federation.stateDatabaseEnv);
  for (const name of Object.values(config.federation.credentials)) add(name);
  return [...names];
}

/** Resolves the referenced secrets from `env`, failing with every missing name at once. */
export function resolveSecrets(config: McpConfig, env: NodeJS.ProcessEnv): Secrets {
  const names = secretNames(config);
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0)
    throw new ConfigError(missing.map((name) => `environment variable ${name} is not set`));
  return new Map(names.map((name) => [name, env[name] as string]));
}

/** Reads `MCP_CONFIG_FILE` and the secrets it references. The one place the environment is read. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): { config: McpConfig; secrets: Secrets } {
  const path = env.MCP_CONFIG_FILE;
  if (!path) throw new ConfigError(["MCP_CONFIG_FILE is not set (path of the YAML configuration)"]);
  const config = parseConfig(parseYaml(readFileSync(path, "utf8")));
  return { config, secrets: resolveSecrets(config, env) };
}

/** A secret the config references; `resolveSecrets` guarantees it is present. */
export function secret(secrets: Secrets, name: string): string {
  const value = secrets.get(name);
  if (value === undefined) throw new Error(`secret ${name} was not resolved`);
  return value;
}
