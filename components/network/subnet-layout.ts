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
  const vpcPrefix = parseCidr(vpcCidr).prefixLength;
  const blocks = allocateSubnets(vpcCidr, [
    ...zones.map((zone) => ({ key: `pods:${zone}`, prefixLength: vpcPrefix + POD_OR_PRIVATE_EXTRA_BITS })),
    ...zones.map((zone) => ({ key: `nodes:${zone}`, prefixLength: vpcPrefix + ALICLOUD_NODE_EXTRA_BITS })),
  ]);
  return zones.map((zone) => ({
    zone,
    nodeCidr: required(blocks, `nodes:${zone}`),
    podCidr: required(blocks, `pods:${zone}`),
  }));
}

export function awsSubnetLayout(vpcCidr: string, zones: readonly string[]): AwsZoneSubnets[] {
  const vpcPrefix = parseCidr(vpcCidr).prefixLength;
  const blocks = allocateSubnets(vpcCidr, [
    ...zones.map((zone) => ({ key: `private:${zone}`, prefixLength: vpcPrefix + POD_OR_PRIVATE_EXTRA_BITS })),
    ...zones.map((zone) => ({ key: `public:${zone}`, prefixLength: vpcPrefix + AWS_PUBLIC_EXTRA_BITS })),
  ]);
  return zones.map((zone) => ({
    zone,
    privateCidr: required(blocks, `private:${zone}`),
    publicCidr: required(blocks, `public:${zone}`),
  }));
}

function required(blocks: Record<string, string>, key: string): string {
  const block = blocks[key];
  if (block === undefined) throw new Error(`internal: subnet ${key} was not allocated`);
  return block;
}
