import { describe, expect, it } from "vitest";
import { expectNotInPlainInputs, plainInputs } from "../harness/component-checks";
import { byName, ofType, single } from "../harness/queries";
import { runStackFile } from "../harness/run-stack";

const GATEWAY = "ai-platform:gateway:LlmGateway";

describe("the LLM gateway in the stacks", () => {
  it("routes prod's gateway to every enabled model endpoint, highly available, with its URLs in Secrets", async () => {
    const run = await runStackFile("prod");
    const gateway = single(run, GATEWAY);
    expect(gateway.name).toBe("llm-gateway");
    const outputs = run.outputs.services as {
      llmGateway?: { models: string[]; masterKeySecret: string };
      modelEndpoints: { name: string }[];
    };
    expect(outputs.llmGateway?.models.sort()).toEqual(
      outputs.modelEndpoints.map((endpoint) => endpoint.name).sort(),
    );
    expect(outputs.llmGateway?.masterKeySecret).toBe("ai/llm-gateway-master-key");
    expect(
      ofType(run, "kubernetes:policy/v1:PodDisruptionBudget").some((pdb) =>
        pdb.name.startsWith("llm-gateway"),
      ),
    ).toBe(true);
    // The connection URLs carry generated passwords: they live only in secret inputs.
    for (const name of ["llm-gateway-database", "llm-gateway-redis"]) {
      expect(plainInputs(byName(run, "kubernetes:core/v1:Secret", name))).not.toMatch(
        /(postgresql|redis):\/\//,
      );
    }
  });

  it("points the gateway at the platform's Redis and PostgreSQL and never puts a password in a plain input", async () => {
    const run = await runStackFile("dev");
    const config = ofType(run, "kubernetes:core/v1:ConfigMap").find((resource) =>
      resource.name.startsWith("llm-gateway"),
    );
    const yaml = String((config?.inputs.data as Record<string, string> | undefined)?.["config.yaml"]);
    expect(yaml).toContain("redis_url: os.environ/REDIS_URL");
    expect(yaml).toContain("database_url: os.environ/DATABASE_URL");
    expect(yaml).toContain("master_key: os.environ/GATEWAY_MASTER_KEY");
    const redis = single(run, "ai-platform:data:RedisStore");
    expect(redis).toBeDefined();
    expectNotInPlainInputs(run, "postgresql://llm_gateway:");
  });

  it("leaves the gateway out when the stack disables it (and the services that need it)", async () => {
    const run = await runStackFile("dev", {
      "ai-platform:gateway": { enabled: false },
      "ai-platform:mcp": { enabled: false },
    });
    expect(ofType(run, GATEWAY)).toEqual([]);
    expect((run.outputs.services as Record<string, unknown>).llmGateway).toBeUndefined();
  });
});
