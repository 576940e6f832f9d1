import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GatewayConfigError,
  parseGatewayConfig,
} from "../../../services/gateway/src/config/load-config";
import { type FakeUpstream, startFakeUpstream } from "./fakes/openai-upstream";
import { deployment, MASTER_KEY, type RunningGateway, readJson, startGateway } from "./start-gateway";

const MCP_KEY = "sk-svc-mcp-0123456789abcdef";

let upstream: FakeUpstream;
let running: RunningGateway;

const documentWith = (serviceKeys: unknown, baseUrl = "http://127.0.0.1:9/v1") => ({
  model_list: [deployment("qwen", baseUrl), deployment("bge", baseUrl)],
  general_settings: { master_key: MASTER_KEY, service_keys: serviceKeys },
});

beforeAll(async () => {
  upstream = await startFakeUpstream("qwen");
  running = await startGateway(
    documentWith(
      [{ alias: "mcp-server", key: "os.environ/MCP_GATEWAY_KEY", models: ["qwen"] }],
      upstream.baseUrl,
    ),
    { env: { MCP_GATEWAY_KEY: MCP_KEY } },
  );
});

afterAll(async () => {
  await running?.close();
  await upstream?.close();
});

describe("service keys declared in config", () => {
  it("authenticate the platform's services with the models they are given, and their spend is theirs", async () => {
    const client = running.client(MCP_KEY);
    const completion = await client.chat.completions.create({
      model: "qwen",
      messages: [{ role: "user", content: "hello" }],
    });
    expect(completion.choices[0]?.message.content).toContain(upstream.reply);
    expect((await client.models.list()).data.map((model) => model.id)).toEqual(["qwen"]);
    const refused = await running.fetch("/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${MCP_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "bge", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(refused.status).toBe(403);
    const spend = await readJson(running.admin("/spend/logs?key_id=svc_mcp-server"));
    expect(spend.data).toHaveLength(1);
    expect(spend.data[0]).toMatchObject({ key_id: "svc_mcp-server", model: "qwen", status: 200 });
  });

  it("do not open the gateway to keys that merely look like them", async () => {
    const response = await running.fetch("/v1/models", {
      headers: { authorization: `Bearer ${MCP_KEY.slice(0, -1)}x` },
    });
    expect(response.status).toBe(401);
  });

  it("are checked with the rest of the config: short keys, unknown models, duplicates, the master key", () => {
    const short = documentWith([{ alias: "agent", key: "short" }]);
    expect(() => parseGatewayConfig(short, {})).toThrow(
      "general_settings.service_keys.0.key: must be at least 20 characters",
    );
    const clashing = documentWith([
      { alias: "mcp-server", key: MCP_KEY, models: ["nope"] },
      { alias: "mcp-server", key: MCP_KEY },
      { alias: "admin", key: MASTER_KEY },
    ]);
    try {
      parseGatewayConfig(clashing, {});
      expect.unreachable("the config has four problems");
    } catch (error) {
      const problems = (error as GatewayConfigError).problems;
      expect(problems).toEqual([
        'general_settings.service_keys.0.models: "nope" is not a model_name in model_list',
        'general_settings.service_keys.1.alias: "mcp-server" is used twice',
        "general_settings.service_keys.1.key: the same key is given to two services",
        "general_settings.service_keys: a service key must not equal the master key",
      ]);
      expect(problems.join("\n")).not.toContain(MCP_KEY);
    }
  });
});
