import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import {
  CONTRACT_VERSION,
  platformOutputs,
  platformOutputsSchema,
  SECRET_OUTPUTS,
} from "../../packages/platform-outputs/src/index";
import { STACK_NAMES } from "../../policies/offline/stack-files";
import { runStackFile } from "../harness/run-stack";

describe("the program's exports", () => {
  it.each(STACK_NAMES)("of %s meet the outputs contract", async (stack) => {
    const run = await runStackFile(stack);
    const parsed = platformOutputsSchema.strict().safeParse(run.outputs);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(run.outputs.contractVersion).toBe(CONTRACT_VERSION);
    for (const secret of SECRET_OUTPUTS) {
      if (run.outputs[secret] !== undefined) expect(run.secretOutputs).toContain(secret);
    }
  });

  it("export every field the contract requires", async () => {
    const run = await runStackFile("local");
    const required = Object.entries(platformOutputsSchema.shape)
      .filter(([, schema]) => !schema.safeParse(undefined).success)
      .map(([key]) => key);
    for (const key of required) expect(run.outputs).toHaveProperty(key);
  });
});

describe("the platform's own services in the contract", () => {
  it("since 1.6 publish the MCP server and the agent service where the stack runs them", async () => {
    expect(CONTRACT_VERSION).toBe("1.6");
    const prod = (await runStackFile("prod")).outputs.services as Record<string, any>;
    expect(prod.mcp).toEqual({
      publicUrl: "https://mcp.ai.example.com/mcp",
      internalUrl: "http://mcp-server.ai.svc.cluster.local:8080/mcp",
    });
    expect(prod.agent).toEqual({
      publicUrl: "https://agent.ai.example.com",
      internalUrl: "http://agent-service.ai.svc.cluster.local:8080",
    });
    // dev runs no agents (no served model calls tools): the field is absent, which 1.6 allows.
    const dev = (await runStackFile("dev")).outputs.services as Record<string, any>;
    expect(dev.mcp.publicUrl).toBe("https://mcp.ai-dev.example.com/mcp");
    expect(dev.agent).toBeUndefined();
  });

  it("rejects a service published over plain HTTP or an internal URL outside the cluster", async () => {
    const services = platformOutputsSchema.shape.services.unwrap();
    const prod = (await runStackFile("prod")).outputs.services as Record<string, any>;
    const bad = services.safeParse({
      ...prod,
      mcp: { publicUrl: "http://mcp.ai.example.com/mcp", internalUrl: prod.mcp.internalUrl },
      agent: { publicUrl: prod.agent.publicUrl, internalUrl: "http://agents.example.com:8080" },
    });
    expect(bad.error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`)).toEqual([
      "mcp.publicUrl: must be an https URL",
      "agent.internalUrl: must be an in-cluster http URL",
    ]);
  });
});

/** What a StackReference to a deployed platform stack returns under mocks. */
function platformStackMocks(
  outputs: Record<string, unknown>,
  declared: { type: string; name: string; inputs: any }[],
) {
  return {
    newResource(args: pulumi.runtime.MockResourceArgs) {
      declared.push({ type: args.type, name: args.name, inputs: args.inputs });
      if (args.type === "pulumi:pulumi:StackReference") {
        return {
          id: args.inputs.name,
          state: { name: args.inputs.name, outputs, secretOutputNames: ["kubeconfig"] },
        };
      }
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
      throw new Error(`unexpected invoke ${args.token}`);
    },
  };
}

const resolvedValue = <T>(output: pulumi.Output<T>): Promise<T> => (output as any).promise();

/** Every field settles: a broken contract rejects them all, as it would fail a consumer's preview. */
async function settleAll(platform: Record<string, pulumi.Output<unknown>>) {
  const entries = Object.entries(platform);
  const results = await Promise.allSettled(entries.map(([, output]) => resolvedValue(output)));
  return Object.fromEntries(entries.map(([key], index) => [key, results[index]]));
}

const reasonOf = (result: PromiseSettledResult<unknown> | undefined) =>
  result?.status === "rejected" ? String(result.reason) : `fulfilled: ${JSON.stringify(result)}`;

describe("platformOutputs, as an application team uses it", () => {
  it("runs the example consumer project against a platform stack's outputs", async () => {
    const dev = await runStackFile("dev");
    const declared: { type: string; name: string; inputs: any }[] = [];
    await pulumi.runtime.setMocks(platformStackMocks(dev.outputs, declared), "team-search", "dev", false);
    pulumi.runtime.setAllConfig({ "team-search:platformStack": "acme/ai-platform/dev" });
    vi.resetModules();
    const consumer = await import("../../docs/examples/consumer/index.js");
    expect(await resolvedValue(consumer.gpuPools)).toEqual(["gpu-a10"]);
    expect(await resolvedValue(consumer.namespaceName)).toBe("team-search");

    const namespace = declared.find((resource) => resource.type === "kubernetes:core/v1:Namespace");
    expect(namespace?.inputs.metadata.labels).toMatchObject({ env: "dev" });
    const reference = declared.find((resource) => resource.type === "pulumi:pulumi:StackReference");
    expect(reference?.inputs.name).toBe("acme/ai-platform/dev");
  });

  it("keeps the kubeconfig secret and other fields plain", async () => {
    const dev = await runStackFile("dev");
    await pulumi.runtime.setMocks(platformStackMocks(dev.outputs, []), "team-search", "dev", false);
    const platform = platformOutputs(new pulumi.StackReference("acme/ai-platform/dev"));
    expect(await pulumi.isSecret(platform.kubeconfig)).toBe(true);
    expect(await pulumi.isSecret(platform.clusterName)).toBe(false);
    expect(await resolvedValue(platform.clusterName)).toBe("aip-dev");
  });

  it("fails with a clear message against a stack of another contract version", async () => {
    const dev = await runStackFile("dev");
    await pulumi.runtime.setMocks(
      platformStackMocks({ ...dev.outputs, contractVersion: "2.0" }, []),
      "team-search",
      "dev",
      false,
    );
    const results = await settleAll(platformOutputs(new pulumi.StackReference("acme/ai-platform/dev")));
    expect(reasonOf(results.clusterName)).toContain(
      'stack acme/ai-platform/dev does not publish an ai-platform outputs contract v1 (contractVersion: "2.0")',
    );
  });

  it("names the field that breaks the contract", async () => {
    const dev = await runStackFile("dev");
    await pulumi.runtime.setMocks(
      platformStackMocks({ ...dev.outputs, nodePools: "gpu-a10" }, []),
      "team-search",
      "dev",
      false,
    );
    const platform = platformOutputs(new pulumi.StackReference("acme/ai-platform/dev"));
    await expect(resolvedValue(platform.nodePools)).rejects.toThrow(
      "stack acme/ai-platform/dev: output nodePools does not meet the contract",
    );
  });
});
