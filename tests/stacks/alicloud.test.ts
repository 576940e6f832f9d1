import { beforeAll, describe, expect, it } from "vitest";
import { byName, ofType, single } from "../harness/queries";
import type { StackRun } from "../harness/run-stack";
import { runStackFile } from "../harness/run-stack";

const T = {
  vpc: "alicloud:vpc/network:Network",
  vswitch: "alicloud:vpc/switch:Switch",
  nat: "alicloud:vpc/natGateway:NatGateway",
  eip: "alicloud:ecs/eipAddress:EipAddress",
  snat: "alicloud:vpc/snatEntry:SnatEntry",
  cluster: "alicloud:cs/managedKubernetes:ManagedKubernetes",
  nodePool: "alicloud:cs/nodePool:NodePool",
  acl: "alicloud:slb/acl:Acl",
};
const GPU_TAINT = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" };

describe("dev on Alibaba Cloud", () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStackFile("dev");
  });

  it("spreads node and pod vSwitches over both zones, carved from the VPC CIDR", () => {
    expect(single(run, T.vpc).inputs.cidrBlock).toBe("10.10.0.0/16");
    const vswitches = ofType(run, T.vswitch).map(({ inputs }) => [inputs.zoneId, inputs.cidrBlock]);
    expect(vswitches).toEqual(
      expect.arrayContaining([
        ["cn-hangzhou-i", "10.10.0.0/19"],
        ["cn-hangzhou-j", "10.10.32.0/19"],
        ["cn-hangzhou-i", "10.10.64.0/20"],
        ["cn-hangzhou-j", "10.10.80.0/20"],
      ]),
    );
    expect(vswitches).toHaveLength(4);
  });

  it("gives every vSwitch egress through one NAT gateway and its EIP", () => {
    const nat = single(run, T.nat);
    expect(nat.inputs).toMatchObject({
      natType: "Enhanced",
      vpcId: "aip-dev-network-vpc-id",
      deletionProtection: false,
    });
    const snat = ofType(run, T.snat);
    expect(snat.map((entry) => entry.inputs.sourceVswitchId).sort()).toEqual(
      ofType(run, T.vswitch)
        .map((vswitch) => `${vswitch.name}-id`)
        .sort(),
    );
    for (const entry of snat)
      expect(entry.inputs).toMatchObject({ snatTableId: "stb-aip-dev-network-nat", snatIp: "198.51.100.10" });
  });

  it("creates an ACK Pro cluster without workers, RRSA on, logging on, no second NAT", () => {
    const { inputs } = single(run, T.cluster);
    expect(inputs).toMatchObject({
      clusterSpec: "ack.pro.small",
      version: "1.34.1-aliyun.1",
      enableRrsa: true,
      deletionProtection: false,
      newNatGateway: false,
      serviceCidr: "172.21.0.0/20",
      controlPlaneLogComponents: ["apiserver", "kcm", "scheduler", "ccm"],
      controlPlaneLogTtl: "7",
    });
    expect(inputs.vswitchIds).toEqual([
      "aip-dev-network-nodes-cn-hangzhou-i-id",
      "aip-dev-network-nodes-cn-hangzhou-j-id",
    ]);
    expect(inputs.podVswitchIds).toEqual([
      "aip-dev-network-pods-cn-hangzhou-i-id",
      "aip-dev-network-pods-cn-hangzhou-j-id",
    ]);
    expect(inputs.addons.map((addon: { name: string }) => addon.name)).toEqual(
      expect.arrayContaining(["terway-eniip", "logtail-ds"]),
    );
    expect(inputs).not.toHaveProperty("workerInstanceTypes");
  });

  it("opens the API server only to the configured CIDRs", () => {
    expect(single(run, T.cluster).inputs.slbInternetEnabled).toBe(true);
    expect(single(run, T.acl).inputs.entryLists).toEqual([
      { entry: "203.0.113.0/24", comment: "api-server access" },
    ]);
    expect(run.outputs.apiServerAclAttachCommand).toContain("--AclId aip-dev-apiserver-acl-id");
  });

  it("runs a system pool and a spot GPU pool that scales to zero, tainted and labelled", () => {
    expect(byName(run, T.nodePool, "aip-dev-system").inputs.scalingConfig).toMatchObject({
      enable: true,
      minSize: 1,
      maxSize: 3,
    });
    const gpu = byName(run, T.nodePool, "aip-dev-gpu-gpu-a10-pool").inputs;
    expect(gpu).toMatchObject({
      nodePoolName: "gpu-a10",
      instanceTypes: ["ecs.gn7i-c8g1.2xlarge", "ecs.gn7i-c16g1.4xlarge"],
      spotStrategy: "SpotAsPriceGo",
      scalingConfig: { enable: true, minSize: 0, maxSize: 2 },
      taints: [GPU_TAINT],
    });
    expect(gpu.labels).toEqual(
      expect.arrayContaining([
        { key: "ai-platform/gpu-type", value: "nvidia-a10" },
        { key: "ack.aliyun.com/nvidia-driver-version", value: "550.144.03" },
        { key: "cost-center", value: "rd-ai-dev" },
      ]),
    );
  });

  it("protects nothing in dev, so throwaway stacks can be destroyed", () => {
    expect(run.resources.filter((resource) => resource.protect)).toEqual([]);
  });
});

describe("prod on Alibaba Cloud", () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStackFile("prod");
  });

  it("spans three zones", () => {
    expect(new Set(ofType(run, T.vswitch).map((vswitch) => vswitch.inputs.zoneId))).toEqual(
      new Set(["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"]),
    );
    expect(ofType(run, T.snat)).toHaveLength(6);
  });

  it("turns on deletion protection and keeps the API server private", () => {
    expect(single(run, T.cluster).inputs).toMatchObject({
      deletionProtection: true,
      slbInternetEnabled: false,
      controlPlaneLogTtl: "90",
    });
    expect(single(run, T.nat).inputs.deletionProtection).toBe(true);
    expect(single(run, T.eip).inputs.deletionProtection).toBe(true);
    expect(ofType(run, T.acl)).toEqual([]);
    expect(run.outputs.apiServerAclAttachCommand).toBeUndefined();
  });

  it("protects the VPC, cluster and node pools in Pulumi", () => {
    for (const resource of [
      single(run, T.vpc),
      single(run, T.cluster),
      ...ofType(run, T.nodePool),
      ...ofType(run, T.vswitch),
    ]) {
      expect(resource.protect, `${resource.type} ${resource.name}`).toBe(true);
    }
  });

  it("runs an HA system pool and an on-demand GPU pool", () => {
    expect(byName(run, T.nodePool, "aip-prod-system").inputs.scalingConfig).toMatchObject({
      minSize: 3,
      maxSize: 9,
    });
    const gpu = byName(run, T.nodePool, "aip-prod-gpu-gpu-a10-pool").inputs;
    expect(gpu).not.toHaveProperty("spotStrategy");
    expect(gpu).toMatchObject({
      multiAzPolicy: "PRIORITY",
      // Six GPUs for the models' minimum replicas, two more for autoscaling.
      scalingConfig: { minSize: 6, maxSize: 8 },
      taints: [GPU_TAINT],
    });
  });
});
