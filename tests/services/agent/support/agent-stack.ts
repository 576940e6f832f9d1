/**
 * The whole chain on loopback: a scripted model behind the real LLM gateway, the real MCP server,
 * and the agent service configured for both, called with a gateway virtual key.
 */

import type { Logger } from "../../../../services/agent/src/observability/log";
import {
  createKey,
  deployment,
  MASTER_KEY,
  type RunningGateway,
  startGateway,
} from "../../gateway/start-gateway";
import { type ScriptedModel, startScriptedModel } from "../fakes/scripted-model";
import { type RunningAgent, startAgent } from "./start-agent";
import { type McpOptions, type RunningMcp, startMcp } from "./start-mcp";

export interface AgentStack {
  readonly model: ScriptedModel;
  readonly gateway: RunningGateway;
  readonly mcp: RunningMcp;
  readonly agent: RunningAgent;
  /** A virtual key of the gateway, and its id. */
  readonly key: string;
  readonly keyId: string;
  /** Another agent app on the same gateway and MCP server, with changes to the config. */
  startAgent(changes?: ConfigChange, env?: NodeJS.ProcessEnv, logger?: Logger): Promise<RunningAgent>;
  close(): Promise<void>;
}

type ConfigChange = (config: Record<string, any>) => void;

export async function startStack(
  changes?: ConfigChange,
  options: { mcp?: McpOptions } = {},
): Promise<AgentStack> {
  const model = await startScriptedModel();
  const gateway = await startGateway({
    model_list: [deployment("qwen2.5-7b-instruct", model.baseUrl), deployment("router-small", model.baseUrl)],
    general_settings: { master_key: MASTER_KEY },
  });
  const { key, key_id: keyId } = await createKey(gateway);
  const mcp = await startMcp(options.mcp);
  const extra: RunningAgent[] = [];
  const launch = async (change?: ConfigChange, env: NodeJS.ProcessEnv = {}, logger?: Logger) => {
    const config: Record<string, any> = {
      server: { host: "127.0.0.1" },
      auth: { virtualKeys: true },
      gateway: { baseUrl: `${gateway.url}/v1` },
      defaultModel: "qwen2.5-7b-instruct",
      router: { model: "router-small" },
      mcpServers: [{ name: "platform", url: mcp.mcpUrl }],
      limits: { toolTimeoutMs: 500 },
    };
    change?.(config);
    return startAgent(config, env, logger);
  };
  const agent = await launch(changes);
  return {
    model,
    gateway,
    mcp,
    agent,
    key,
    keyId,
    async startAgent(change, env, logger) {
      const started = await launch(change, env, logger);
      extra.push(started);
      return started;
    },
    async close() {
      await Promise.all([agent, ...extra].map((running) => running.close()));
      await Promise.all([gateway.close(), mcp.close(), model.close()]);
    },
  };
}
