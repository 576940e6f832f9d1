import { beforeAll, describe, expect, it } from "vitest";
import { byName, descendantsOf, ofType, single } from "../harness/queries";
import type { StackRun } from "../harness/run-stack";
import { runStackFile } from "../harness/run-stack";

const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  nat: "aws:ec2/natGateway:NatGateway",
  routeTable: "aws:ec2/routeTable:RouteTable",
  cluster: "aws:eks/cluster:Cluster",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  addon: "aws:eks/addon:Addon",
  kmsKey: "aws:kms/key:Key",
  oidc: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
  accessEntry: "aws:eks/accessEntry:AccessEntry",
  accessPolicy: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  role: "aws:iam/role:Role",
  chart: "kubernetes:helm.sh/v4:Chart",
};

describe("prod on AWS (Pulumi.prod-aws.yaml)", () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStackFile("prod-aws");
  });

  it("has public and private subnets in three AZs with the load balancer role tags", () => {
    const subnets = ofType(run, T.subnet);
    expect(subnets).toHaveLength(6);
    const byTier = (tag: string) =>
      subnets.filter((subnet) => subnet.inputs.tags[tag] === "1").map((s) => s.inputs.availabilityZone);
    expect(byTier("kubernetes.io/role/elb")).toEqual(["us-west-2a", "us-west-2b", "us-west-2c"]);
    expect(byTier("kubernetes.io/role/internal-elb")).toEqual(["us-west-2a", "us-west-2b", "us-west-2c"]);
  });

  it("routes each private subnet through the NAT gateway in its own AZ", () => {
    expect(ofType(run, T.nat)).toHaveLength(3);
    for (const zone of ["us-west-2a", "us-west-2b", "us-west-2c"]) {
      const routes = byName(run, T.routeTable, `aip-prod-aws-network-private-${zone}`).inputs.routes;
      expect(routes).toEqual([
        expect.objectContaining({
          cidrBlock: "0.0.0.0/0",
          natGatewayId: `aip-prod-aws-network-nat-${zone}-id`,
        }),
      ]);
    }
  });

  it("encrypts Secrets with a rotating KMS key, logs the control plane and keeps the endpoint private", () => {
    const key = byName(run, T.kmsKey, "aip-prod-aws-secrets");
    expect(key.inputs.enableKeyRotation).toBe(true);
    const { inputs } = single(run, T.cluster);
    expect(inputs.encryptionConfig).toEqual({
      provider: { keyArn: `arn:mock:${T.kmsKey}:${key.name}` },
      resources: ["secrets"],
    });
    expect(inputs.enabledClusterLogTypes).toEqual([
      "api",
      "audit",
      "authenticator",
      "controllerManager",
      "scheduler",
    ]);
    expect(inputs.vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false });
    expect(inputs.vpcConfig.publicAccessCidrs).toBeUndefined();
    expect(inputs.vpcConfig.subnetIds).toEqual(
      ofType(run, T.subnet)
        .filter((s) => s.name.includes("-private-"))
        .map((s) => `${s.name}-id`),
    );
    expect(inputs).toMatchObject({
      version: "1.34",
      deletionProtection: true,
      accessConfig: { authenticationMode: "API" },
    });
  });

  it("grants admins through access entries and trusts the cluster's OIDC issuer", () => {
    expect(single(run, T.accessEntry).inputs.principalArn).toBe(
      "arn:aws:iam::123456789012:role/platform-admins",
    );
    expect(single(run, T.accessPolicy).inputs).toMatchObject({
      policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      accessScope: { type: "cluster" },
    });
    expect(single(run, T.oidc).inputs).toMatchObject({
      url: "https://oidc.eks.example.amazonaws.com/id/AIP-PROD-AWS-CLUSTER",
      clientIdLists: ["sts.amazonaws.com"],
    });
  });

  it("installs the core add-ons, with an IRSA role for the EBS CSI driver", () => {
    const addons = ofType(run, T.addon).map((addon) => addon.inputs.addonName);
    expect(addons.sort()).toEqual(["aws-ebs-csi-driver", "coredns", "kube-proxy", "vpc-cni"]);
    const ebs = ofType(run, T.addon).find((addon) => addon.inputs.addonName === "aws-ebs-csi-driver");
    const role = byName(run, T.role, "aip-prod-aws-ebs-csi");
    expect(ebs?.inputs.serviceAccountRoleArn).toBe(`arn:mock:${T.role}:aip-prod-aws-ebs-csi`);
    const trust = JSON.parse(role.inputs.assumeRolePolicy);
    expect(trust.Statement[0].Condition.StringEquals).toEqual({
      "oidc.eks.example.amazonaws.com/id/AIP-PROD-AWS-CLUSTER:sub":
        "system:serviceaccount:kube-system:ebs-csi-controller-sa",
      "oidc.eks.example.amazonaws.com/id/AIP-PROD-AWS-CLUSTER:aud": "sts.amazonaws.com",
    });
  });

  it("runs an on-demand GPU node group on the NVIDIA AMI, tainted, with the device plugin", () => {
    const gpu = byName(run, T.nodeGroup, "aip-prod-aws-gpu-gpu-l4-group").inputs;
    expect(gpu).toMatchObject({
      amiType: "AL2023_x86_64_NVIDIA",
      capacityType: "ON_DEMAND",
      instanceTypes: ["g6.2xlarge", "g6.4xlarge"],
      scalingConfig: { minSize: 6, maxSize: 8, desiredSize: 6 },
      taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }],
    });
    expect(gpu.labels).toMatchObject({
      "ai-platform/gpu-type": "nvidia-l4",
      "nvidia.com/gpu.present": "true",
    });
    const plugin = byName(run, T.chart, "aip-prod-aws-nvidia-device-plugin-chart").inputs;
    expect(plugin).toMatchObject({
      chart: "nvidia-device-plugin",
      version: "0.20.0",
      namespace: "kube-system",
    });
    expect(plugin.values.tolerations).toContainEqual({
      key: "nvidia.com/gpu",
      operator: "Exists",
      effect: "NoSchedule",
    });
    expect(plugin.values.nodeSelector).toEqual({ "nvidia.com/gpu.present": "true" });
  });

  it("protects the VPC, cluster and node groups in Pulumi", () => {
    for (const resource of [
      single(run, T.vpc),
      single(run, T.cluster),
      ...ofType(run, T.kmsKey),
      ...ofType(run, T.nodeGroup),
    ]) {
      expect(resource.protect, `${resource.type} ${resource.name}`).toBe(true);
    }
  });

  it("deploys the device plugin through the cluster's own Kubernetes provider", () => {
    const plugin = single(run, "ai-platform:gpu:NvidiaDevicePlugin");
    expect(descendantsOf(run, plugin).map((resource) => resource.type)).toEqual([T.chart]);
    const [chart] = descendantsOf(run, plugin);
    const eksProvider = byName(run, "pulumi:providers:kubernetes", "aip-prod-aws-k8s");
    expect(chart?.provider.startsWith(eksProvider.urn)).toBe(true);
  });
});

describe("dev on AWS (the prod-aws file with the dev profile)", () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStackFile("prod-aws", {
      "ai-platform:environment": "dev",
      "ai-platform:cluster": { apiServerAccessCidrs: ["198.51.100.0/24"] },
      "ai-platform:gpuNodePools": [
        { name: "gpu-t4", instanceTypes: ["g4dn.xlarge"], gpuType: "nvidia-t4", gpusPerNode: 1, maxSize: 2 },
      ],
      // The prod models need 8 GPUs; two T4s take the small chat model (T4s have no bf16: it runs fp16).
      "ai-platform:inference": { models: { "chatglm3-6b": { enabled: true } } },
      // The prod file's MCP server and agents name prod models this inference section does not serve.
      "ai-platform:mcp": { enabled: false },
      "ai-platform:agent": { enabled: false },
    });
  });

  it("uses one NAT gateway for all private subnets", () => {
    const [nat] = ofType(run, T.nat);
    expect(ofType(run, T.nat)).toHaveLength(1);
    for (const table of ofType(run, T.routeTable).filter((t) => t.name.includes("-private-"))) {
      expect(table.inputs.routes[0].natGatewayId).toBe(`${nat?.name}-id`);
    }
  });

  it("opens the public endpoint to the configured CIDRs only", () => {
    expect(single(run, T.cluster).inputs.vpcConfig).toMatchObject({
      endpointPublicAccess: true,
      publicAccessCidrs: ["198.51.100.0/24"],
    });
  });

  it("makes GPU pools spot and able to scale to zero, and protects nothing", () => {
    expect(byName(run, T.nodeGroup, "aip-prod-aws-gpu-gpu-t4-group").inputs).toMatchObject({
      capacityType: "SPOT",
      scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 2 },
    });
    expect(run.resources.filter((resource) => resource.protect)).toEqual([]);
  });
});
