import { describe, expect, it } from "vitest";
import { deepMerge, profileFor } from "../../stacks/profiles";

describe("deepMerge", () => {
  it("merges objects key by key and lets arrays and scalars replace", () => {
    const merged = deepMerge(
      { cluster: { version: "1", cidrs: ["a", "b"], nested: { x: 1, y: 2 } }, keep: true },
      { cluster: { cidrs: ["c"], nested: { y: 3 } } },
    );
    expect(merged).toEqual({ cluster: { version: "1", cidrs: ["c"], nested: { x: 1, y: 3 } }, keep: true });
  });

  it("does not mutate the defaults", () => {
    const defaults = { a: { b: 1 } };
    deepMerge(defaults, { a: { b: 2 } });
    expect(defaults).toEqual({ a: { b: 1 } });
  });
});

describe("profileFor", () => {
  it("makes prod protected, HA and on-demand", () => {
    const { stackDefaults, gpuNodePoolDefaults } = profileFor("prod", "alicloud");
    expect(stackDefaults).toMatchObject({
      protect: true,
      network: { natGateways: "perZone" },
      cluster: { deletionProtection: true, apiServerAccessCidrs: [] },
      systemNodePool: { minSize: 3 },
    });
    expect(gpuNodePoolDefaults).toMatchObject({ capacityType: "onDemand", driverVersion: "550.144.03" });
  });

  it("makes dev cheap: spot GPU pools that scale to zero, one NAT gateway", () => {
    const { stackDefaults, gpuNodePoolDefaults } = profileFor("dev", "aws");
    expect(stackDefaults).toMatchObject({
      protect: false,
      network: { natGateways: "single" },
      cluster: { kubernetesVersion: "1.34" },
    });
    expect(gpuNodePoolDefaults).toEqual({ capacityType: "spot", minSize: 0, diskSizeGb: 200 });
  });

  it("gives an existing cluster no cloud defaults at all", () => {
    const { stackDefaults, gpuNodePoolDefaults } = profileFor("local", "existing");
    expect(Object.keys(stackDefaults).sort()).toEqual([
      "agent",
      "existingCluster",
      "gateway",
      "mcp",
      "platform",
      "protect",
    ]);
    expect(stackDefaults.platform).toMatchObject({ domain: "ai.localhost", tls: { issuer: "self-signed" } });
    expect(gpuNodePoolDefaults).toEqual({});
  });
});
