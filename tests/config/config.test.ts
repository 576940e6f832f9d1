import { describe, expect, it } from "vitest";
import { projectKeys, readStackFile, STACK_NAMES } from "../../policies/offline/stack-files";
import { parsePlatformConfig, StackConfigError } from "../../stacks/config";

function problemsOf(raw: Record<string, unknown>): readonly string[] {
  try {
    parsePlatformConfig(raw, "test");
  } catch (error) {
    if (error instanceof StackConfigError) return error.problems;
    throw error;
  }
  throw new Error("config was accepted");
}

const validDev = () => projectKeys(readStackFile("dev"));

describe("shipped stack files", () => {
  it.each(STACK_NAMES)("Pulumi.%s.yaml is valid", (stack) => {
    expect(() => parsePlatformConfig(projectKeys(readStackFile(stack)), stack)).not.toThrow();
  });

  it("fills dev defaults from the profile and keeps what the file says", () => {
    const config = parsePlatformConfig(validDev(), "dev");
    if (config.cloud !== "alicloud") throw new Error("dev is on Alibaba Cloud");
    expect(config.protect).toBe(false);
    expect(config.cluster.kubernetesVersion).toBe("1.34.1-aliyun.1");
    expect(config.cluster.apiServerAccessCidrs).toEqual(["203.0.113.0/24"]);
    expect(config.gpuNodePools[0]).toMatchObject({
      capacityType: "spot",
      minSize: 0,
      maxSize: 2,
      diskSizeGb: 200,
    });
    expect(config.tags).toEqual({ team: "ai-platform", env: "dev", "cost-center": "rd-ai-dev" });
    expect(config.name).toBe("aip-dev");
  });
});

describe("merging a stack file over the profile", () => {
  it("replaces a catalog model's source whole, so a Hugging Face repo can become an object storage path", () => {
    const raw = validDev() as Record<string, any>;
    const models = raw.inference.models;
    models["chatglm3-6b"] = {
      ...models["chatglm3-6b"],
      source: { objectStoragePath: "weights/chatglm3-6b" },
    };
    const config = parsePlatformConfig(raw, "dev");
    expect(config.inference.models["chatglm3-6b"]?.source).toEqual({
      objectStoragePath: "weights/chatglm3-6b",
    });
    // Other objects still merge key by key: the model keeps the catalog's GPU settings.
    expect(config.inference.models["chatglm3-6b"]?.kind).toBe("chat");
  });
});

describe("invalid configuration", () => {
  it("lists every bad key at once, by its full config path", () => {
    const problems = problemsOf({
      ...validDev(),
      environment: "staging",
      region: 42,
      tags: { team: "ai-platform" },
      network: { vpcCidr: "10.0.0.1/16", zones: ["cn-hangzhou-i", "cn-hangzhou-i"], natGatewayz: "single" },
      cluster: { apiServerAccessCidrs: ["0.0.0.0/33"] },
      systemNodePool: { instanceTypes: [], minSize: 4, maxSize: 2 },
      gpuNodePools: [
        {
          name: "GPU_A10",
          instanceTypes: ["ecs.gn7i-c8g1.2xlarge"],
          gpuType: "nvidia-a10",
          gpusPerNode: 0,
          minSize: 0,
          maxSize: 2,
        },
        {
          name: "b",
          instanceTypes: ["x"],
          gpuType: "nvidia-a10",
          gpusPerNode: 1,
          minSize: 0,
          maxSize: 2,
          desiredSize: 3,
        },
      ],
      colour: "blue",
    });
    const keys = problems.map((problem) => problem.slice(0, problem.indexOf(": ")));
    expect(keys).toEqual(
      expect.arrayContaining([
        "ai-platform:environment",
        "ai-platform:region",
        "ai-platform:tags.costCenter",
        "ai-platform:network.vpcCidr",
        "ai-platform:network.natGatewayz",
        "ai-platform:cluster.apiServerAccessCidrs[0]",
        "ai-platform:systemNodePool.instanceTypes",
        "ai-platform:gpuNodePools[0].name",
        "ai-platform:gpuNodePools[0].gpusPerNode",
        "ai-platform:colour",
      ]),
    );
    // Cross-field rules are reported only once the shapes are right, so fix the shapes and check them.
    const crossField = problemsOf({
      ...validDev(),
      network: { zones: ["cn-hangzhou-i", "cn-hangzhou-i"], serviceCidr: "10.0.16.0/20" },
      systemNodePool: { minSize: 4, maxSize: 2 },
      gpuNodePools: [
        {
          name: "a",
          instanceTypes: ["x"],
          gpuType: "nvidia-a10",
          gpusPerNode: 1,
          maxSize: 2,
          desiredSize: 3,
        },
        { name: "a", instanceTypes: ["x"], gpuType: "nvidia-a10", gpusPerNode: 1, maxSize: 2 },
      ],
    });
    expect(crossField).toEqual(
      expect.arrayContaining([
        "ai-platform:network.zones: lists a zone twice",
        "ai-platform:network.serviceCidr: overlaps vpcCidr 10.0.0.0/16",
        "ai-platform:systemNodePool.minSize: (4) exceeds maxSize (2)",
        "ai-platform:gpuNodePools[0].desiredSize: (3) must lie between minSize and maxSize",
        'ai-platform:gpuNodePools[1].name: "a" is used by another pool',
      ]),
    );
  });

  it("puts every problem into one error message", () => {
    expect(() => parsePlatformConfig({ environment: "qa", cloud: "gcp" }, "broken")).toThrow(
      /Invalid configuration for stack "broken" \(\d+ problem\(s\)\):\n {2}- ai-platform:environment: [^\n]+\n {2}- ai-platform:cloud: /,
    );
  });

  it("requires cloud settings for managed clusters", () => {
    const { region: _region, network: _network, ...rest } = validDev();
    expect(problemsOf(rest)).toEqual(
      expect.arrayContaining([
        "ai-platform:region: is required when cloud is alicloud",
        expect.stringMatching(/^ai-platform:network\.zones: /),
      ]),
    );
  });

  it("rejects settings that would silently do nothing on the chosen cloud", () => {
    const existing = problemsOf({
      environment: "local",
      cloud: "existing",
      tags: { team: "t", costCenter: "c" },
      region: "cn-hangzhou",
      gpuNodePools: [
        {
          name: "g",
          instanceTypes: ["x"],
          gpuType: "t4",
          gpusPerNode: 1,
          minSize: 0,
          maxSize: 1,
          capacityType: "spot",
          diskSizeGb: 100,
        },
      ],
    });
    expect(existing).toEqual([
      "ai-platform:region: applies only to clusters this stack creates (cloud alicloud or aws)",
      "ai-platform:gpuNodePools: cannot be created on an existing cluster; label its GPU nodes yourself",
    ]);

    const aws = problemsOf({
      ...projectKeys(readStackFile("prod-aws")),
      cluster: { clusterSpec: "ack.pro.small" },
      gpuNodePools: [
        {
          name: "g",
          instanceTypes: ["g6.xlarge"],
          gpuType: "nvidia-l4",
          gpusPerNode: 1,
          maxSize: 1,
          driverVersion: "550",
        },
      ],
      existingCluster: { context: "kind" },
    });
    expect(aws).toEqual(
      expect.arrayContaining([
        "ai-platform:cluster.clusterSpec: applies only to ACK (cloud alicloud)",
        "ai-platform:gpuNodePools[0].driverVersion: applies only to ACK; EKS GPU AMIs ship their driver",
        "ai-platform:existingCluster: applies only when cloud is existing",
      ]),
    );
  });

  it("asks prod for more than one zone and a VPC big enough for its zones", () => {
    const prod = projectKeys(readStackFile("prod"));
    expect(problemsOf({ ...prod, network: { zones: ["cn-hangzhou-h"] } })).toContain(
      "ai-platform:network.zones: prod needs at least 2 zones to survive a zone outage",
    );
    expect(
      problemsOf({ ...prod, network: { vpcCidr: "10.0.0.0/19", zones: ["a", "b", "c", "d", "e", "f"] } }),
    ).toEqual([expect.stringMatching(/^ai-platform:network\.vpcCidr: is too small for 6 zones: /)]);
    expect(problemsOf({ ...prod, network: { vpcCidr: "10.0.0.0/24", zones: ["h", "i", "j"] } })).toEqual([
      "ai-platform:network.vpcCidr: must be a /20 or larger: each zone gets pod and node subnets carved from it",
    ]);
  });

  it("asks for an ACME e-mail with the Let's Encrypt issuers", () => {
    const { platform: _platform, ...dev } = validDev();
    expect(problemsOf({ ...dev, platform: { domain: "ai.example.com" } })).toEqual([
      "ai-platform:platform.tls.acmeEmail: is required with the letsencrypt issuer",
    ]);
    expect(problemsOf({ ...dev, platform: { domain: "not a domain", tls: { acmeEmail: "x" } } })).toEqual([
      "ai-platform:platform.domain: must be a DNS name such as ai.example.com",
      "ai-platform:platform.tls.acmeEmail: must be an e-mail address",
    ]);
  });

  it("never echoes config values that could be secrets", () => {
    const problems = problemsOf({
      ...validDev(),
      tags: { team: "t", costCenter: "c", extra: { env: "s3cr3t-value" } },
    });
    expect(problems).toEqual(["ai-platform:tags.extra: must not redefine team, env, cost-center"]);
    expect(problems.join("\n")).not.toContain("s3cr3t-value");
  });
});
