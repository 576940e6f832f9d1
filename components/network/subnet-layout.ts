import { allocateSubnets, parseCidr } from "./cidr";

/**
 * How each cloud's VPC is cut into per-zone subnets. Sizes are relative to the VPC prefix so a /16
 * gives /19 blocks for pods or nodes: room for thousands of pod IPs per zone with Terway or the VPC CNI,
 * which both hand pods addresses from the VPC.
 */
const POD_OR_PRIVATE_EXTRA_BITS = 3;
const ALICLOUD_NODE_EXTRA_BITS = 4;
const AWS_PUBLIC_EXTRA_BITS = 6;

export interface AlicloudZoneSubnets {
  readonly zone: string;
  /** vSwitch for nodes and the control-plane ENIs. */
  readonly nodeCidr: string;
  /** vSwitch Terway takes pod IPs from. */
  readonly podCidr: string;
}

export interface AwsZoneSubnets {
  readonly zone: string;
  /** Private subnet for nodes and pods (VPC CNI). */
  readonly privateCidr: string;
  /** Public subnet for NAT gateways and internet-facing load balancers. */
  readonly publicCidr: string;
}

export function alicloudSubnetLayout(vpcCidr: string, zones: readonly string[]): AlicloudZoneSubnets[] {
  return zoneBlocks(vpcCidr, zones, { pods: POD_OR_PRIVATE_EXTRA_BITS, nodes: ALICLOUD_NODE_EXTRA_BITS }).map(
    ({ zone, blocks }) => ({ zone, nodeCidr: blocks.nodes, podCidr: blocks.pods }),
  );
}

export function awsSubnetLayout(vpcCidr: string, zones: readonly string[]): AwsZoneSubnets[] {
  return zoneBlocks(vpcCidr, zones, {
    private: POD_OR_PRIVATE_EXTRA_BITS,
    public: AWS_PUBLIC_EXTRA_BITS,
  }).map(({ zone, blocks }) => ({ zone, privateCidr: blocks.private, publicCidr: blocks.public }));
}

/**
 * One block per tier per zone, each `extraBits` longer than the VPC prefix. Tiers are allocated in
 * the order given, all zones of a tier together, so list the largest tier first.
 */
function zoneBlocks<Tier extends string>(
  vpcCidr: string,
  zones: readonly string[],
  tiers: Record<Tier, number>,
): { zone: string; blocks: Record<Tier, string> }[] {
  const vpcPrefix = parseCidr(vpcCidr).prefixLength;
  const tierEntries = Object.entries(tiers) as [Tier, number][];
  const allocated = allocateSubnets(
    vpcCidr,
    tierEntries.flatMap(([tier, extraBits]) =>
      zones.map((zone) => ({ key: `${tier}:${zone}`, prefixLength: vpcPrefix + extraBits })),
    ),
  );
  return zones.map((zone) => ({
    zone,
    blocks: Object.fromEntries(tierEntries.map(([tier]) => [tier, allocated[`${tier}:${zone}`]])) as Record<
      Tier,
      string
    >,
  }));
}
