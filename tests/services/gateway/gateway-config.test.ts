import { describe, expect, it } from "vitest";
import { GatewayConfigError, parseGatewayConfig } from "../../../services/gateway/src/config/load-config";

const problemsOf = (document: unknown, env: NodeJS.ProcessEnv = {}) => {
  try {
    parseGatewayConfig(document, env);
  } catch (error) {
    if (error instanceof GatewayConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe("LiteLLM-shaped gateway config", () => {
  it("reads a LiteLLM config.yaml: model_list, router, litellm and general settings, os.environ secrets", () => {
    const config = parseGatewayConfig(
      {
        model_list: [
          {
            model_name: "gpt-4o",
            litellm_params: { model: "openai/gpt-4o", api_key: "os.environ/OPENAI_API_KEY", rpm: 100 },
          },
          {
            model_name: "qwen",
            litellm_params: {
              model: "hosted_vllm/Qwen/Qwen2.5-7B-Instruct",
              api_base: "http://qwen.ai:8000/v1/",
              weight: 2,
            },
            model_info: { max_input_tokens: 32768, id: "qwen-a" },
          },
          {
            model_name: "qwen",
            litellm_params: { model: "dashscope/qwen-plus", api_key: "os.environ/DASHSCOPE_API_KEY" },
          },
        ],
        router_settings: {
          routing_strategy: "least-busy",
          num_retries: 3,
          fallbacks: [{ qwen: ["gpt-4o"] }],
          redis_host: "redis",
          redis_port: 6380,
          redis_password: "os.environ/REDIS_PASSWORD",
        },
        litellm_settings: { cache: true, cache_params: { type: "redis", ttl: 120 } },
        general_settings: { master_key: "os.environ/MASTER", database_url: "os.environ/DATABASE_URL" },
      },
      {
        OPENAI_API_KEY: "sk-o",
        DASHSCOPE_API_KEY: "sk-d",
        REDIS_PASSWORD: "p@ss",
        MASTER: "sk-master-123",
        DATABASE_URL: "postgres://db/gw",
      },
    );
    expect(config.deployments.map((d) => [d.id, d.group, d.provider, d.baseUrl, d.upstreamModel])).toEqual([
      ["gpt-4o#0", "gpt-4o", "openai", "https://api.openai.com/v1", "gpt-4o"],
      ["qwen-a", "qwen", "hosted_vllm", "http://qwen.ai:8000/v1", "Qwen/Qwen2.5-7B-Instruct"],
      ["qwen#2", "qwen", "dashscope", "https://dashscope.aliyuncs.com/compatible-mode/v1", "qwen-plus"],
    ]);
    expect(config.deployments[0]?.apiKey).toBe("sk-o");
    expect(config.router).toMatchObject({
      strategy: "least-busy",
      numRetries: 3,
      fallbacks: { qwen: ["gpt-4o"] },
    });
    expect(config.redisUrl).toBe("redis://:p%40ss@redis:6380");
    expect(config.cache).toMatchObject({ enabledByDefault: true, ttlSeconds: 120 });
    expect(config.masterKey).toBe("sk-master-123");
  });

  it("lists every problem at once, by path: unknown keys, wrong types, missing secrets and bad references", () => {
    const problems = problemsOf({
      model_list: [
        {
          model_name: "a",
          litellm_params: { model: "openai/gpt-4o", api_key: "os.environ/MISSING_KEY", tmeout: 3 },
        },
        { model_name: "b", litellm_params: { model: "nowhere/model", rpm: "many" } },
      ],
      router_settings: { routing_strategy: "round-robin" },
      success_callback: ["langfuse"],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          "model_list.0.litellm_params.api_key: environment variable MISSING_KEY is not set",
        ),
        expect.stringMatching(/model_list\.0\.litellm_params: .*tmeout/),
        expect.stringMatching(/model_list\.1\.litellm_params\.rpm: /),
        expect.stringMatching(/router_settings\.routing_strategy: /),
        expect.stringMatching(/\(root\): .*success_callback/),
      ]),
    );
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });

  it("rejects an unknown provider, a self-hosted model without api_base, a cloud model without a key, dangling fallbacks", () => {
    const problems = problemsOf({
      model_list: [
        { model_name: "a", litellm_params: { model: "nowhere/x" } },
        { model_name: "b", litellm_params: { model: "hosted_vllm/x" } },
        { model_name: "c", litellm_params: { model: "anthropic/claude-sonnet-4-5" } },
      ],
      router_settings: { fallbacks: [{ b: ["ghost"] }] },
    });
    expect(problems).toEqual([
      expect.stringContaining('model_list.0.litellm_params.model: unknown provider "nowhere"'),
      expect.stringContaining("model_list.1.litellm_params.api_base: required"),
      expect.stringContaining("model_list.2.litellm_params.api_key: required"),
      expect.stringContaining('"ghost" is not a model_name'),
    ]);
  });

  it("never puts a secret's value into an error message", () => {
    const error = (() => {
      try {
        parseGatewayConfig(
          {
            model_list: [
              { model_name: "a", litellm_params: { model: "openai/x", api_key: "os.environ/K", rpm: -1 } },
            ],
          },
          { K: "sk-very-secret" },
        );
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toContain("rpm");
    expect(error?.message).not.toContain("sk-very-secret");
  });
});

describe("the example config shipped with the service", () => {
  it("is valid once its secrets are set, and names every secret it needs", async () => {
    const { readFileSync } = await import("node:fs");
    const { parse } = await import("yaml");
    const document = parse(
      readFileSync(`${__dirname}/../../../services/gateway/config.example.yaml`, "utf8"),
    );
    const needed = [
      "DASHSCOPE_API_KEY",
      "ANTHROPIC_API_KEY",
      "ZAI_API_KEY",
      "REDIS_URL",
      "GATEWAY_MASTER_KEY",
      "DATABASE_URL",
    ];
    const missing = problemsOf(document);
    expect(missing.map((problem) => /variable (\w+)/.exec(problem)?.[1]).sort()).toEqual([...needed].sort());
    const env = Object.fromEntries(
      needed.map((name) => [name, name === "REDIS_URL" ? "redis://localhost:6379" : `value-of-${name}`]),
    );
    const config = parseGatewayConfig(document, env);
    expect(new Set(config.deployments.map((deployment) => deployment.group)).size).toBe(7);
  });
});
