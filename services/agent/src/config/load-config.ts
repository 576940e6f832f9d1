/**
 * The service's configuration: one YAML file (path in `AGENT_CONFIG_FILE`) parsed once, here, with
 * every problem reported at once by key. Secrets are never in the file: it names environment
 * variables, and `loadConfig` resolves them so nothing else reads the environment.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { Profile } from "./profile-schema";
import { resolveProfiles } from "./resolve-profiles";
import { configSchema, crossKeyProblems, type RawAgentConfig } from "./schema";

export interface AgentConfig extends RawAgentConfig {
  /** Every profile, defaults applied. */
  readonly profiles: ReadonlyMap<string, Profile>;
  readonly routerModel: string;
}

/** Secret values the config references, resolved from the environment once. */
export interface Secrets {
  readonly gatewayApiKey?: string;
  readonly clientSecret?: string;
  readonly redisUrl?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid agent service configuration (${problems.length} problem(s)):\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/** Validates `raw`, listing every bad key; throws `ConfigError`. */
export function parseConfig(raw: unknown): AgentConfig {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    );
  }
  const config = result.data;
  const { profiles, problems } = resolveProfiles(
    config.agents,
    config.defaultModel,
    config.mcpServers.map((server) => server.name),
  );
  const all = [...crossKeyProblems(config), ...problems];
  if (!profiles.has(config.router.defaultAgent))
    all.push(`router.defaultAgent: no agent profile named ${config.router.defaultAgent}`);
  if (all.length > 0) throw new ConfigError(all);
  return { ...config, profiles, routerModel: config.router.model ?? config.defaultModel };
}

/** Reads the secrets the config names from `env`, failing with every missing one at once. */
export function resolveSecrets(config: AgentConfig, env: NodeJS.ProcessEnv): Secrets {
  const missing: string[] = [];
  const required = (name: string | undefined) => {
    if (!name) return undefined;
    const value = env[name];
    if (!value) missing.push(`environment variable ${name} is not set`);
    return value;
  };
  const secrets: Secrets = {
    gatewayApiKey: required(config.gateway.apiKeyEnv),
    clientSecret: required(config.auth.client?.clientSecretEnv),
    // Optional by design: without it sessions stay in memory.
    redisUrl: env[config.sessions.redisUrlEnv] || undefined,
  };
  if (missing.length > 0) throw new ConfigError(missing);
  return secrets;
}

/** Reads `AGENT_CONFIG_FILE` and the secrets it references. The one place the environment is read. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): { config: AgentConfig; secrets: Secrets } {
  const path = env.AGENT_CONFIG_FILE;
  if (!path) throw new ConfigError(["AGENT_CONFIG_FILE is not set (path of the YAML configuration)"]);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError([`${path}: ${(error as Error).message}`]);
  }
  const config = parseConfig(raw);
  return { config, secrets: resolveSecrets(config, env) };
}
