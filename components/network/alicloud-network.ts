import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { type ResourceTags, withNameTag } from "../common/tags";
import { alicloudSubnetLayout } from "./subnet-layout";

export interface AlicloudNetworkArgs {
  /** CIDR of the VPC. No default: it must not collide with networks you peer with. */
  readonly vpcCidr: string;
  /** Zones to spread vSwitches across, e.g. `["cn-hangzhou-h", "cn-hangzhou-i"]`. No default. */
  readonly zones: readonly string[];
  /** Peak bandwidth of the NAT gateway's EIP in Mbit/s (billed by traffic). Default `100`. */
  readonly natBandwidthMbps?: number;
  /** Turn on the cloud's own deletion protection for the NAT gateway and EIP. Default `false`. */
  readonly deletionProtection?: boolean;
  /** Cost-allocation tags put on every resource. Default `{}`. */
  readonly tags?: ResourceTags;
}

export interface AlicloudZoneSwitches {
  readonly zone: string;
  readonly nodeVswitchId: pulumi.Output<string>;
  readonly podVswitchId: pulumi.Output<string>;
}

/**
 * An Alibaba Cloud VPC: node and pod (Terway) vSwitches in every zone, and one enhanced NAT gateway with an
 * EIP and an SNAT entry per vSwitch so private nodes and pods can pull images and reach cloud APIs.
 */
export class AlicloudNetwork extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly zones: readonly AlicloudZoneSwitches[];
  public readonly natGatewayId: pulumi.Output<string>;
  public readonly natPublicIp: pulumi.Output<string>;

  constructor(name: string, args: AlicloudNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:network:AlicloudNetwork", name, {}, opts);
    const tags = args.tags ?? {};
    const deletionProtection = args.deletionProtection ?? false;
    const layout = alicloudSubnetLayout(args.vpcCidr, args.zones);

    const vpc = new alicloud.vpc.Network(
      `${name}-vpc`,
      { vpcName: name, cidrBlock: args.vpcCidr, tags: withNameTag(tags, name) },
      { parent: this },
    );

    this.zones = layout.map(({ zone, nodeCidr, podCidr }) => {
      const vswitch = (role: string, cidrBlock: string) =>
        new alicloud.vpc.Switch(
          `${name}-${role}-${zone}`,
          {
            vswitchName: `${name}-${role}-${zone}`,
            vpcId: vpc.id,
            zoneId: zone,
            cidrBlock,
            tags: withNameTag(tags, `${name}-${role}-${zone}`),
          },
          { parent: this },
        );
      return {
        zone,
        nodeVswitchId: vswitch("nodes", nodeCidr).id,
        podVswitchId: vswitch("pods", podCidr).id,
      };
    });

    const [firstZone] = this.zones;
    if (!firstZone) throw new Error(`${name}: at least one zone is required`);

    const nat = new alicloud.vpc.NatGateway(
      `${name}-nat`,
      {
        natGatewayName: `${name}-nat`,
        vpcId: vpc.id,
        vswitchId: firstZone.nodeVswitchId,
        natType: "Enhanced",
        networkType: "internet",
        paymentType: "PayAsYouGo",
        deletionProtection,
        tags: withNameTag(tags, `${name}-nat`),
      },
      { parent: this },
    );
    const eip = new alicloud.ecs.EipAddress(
      `${name}-nat-eip`,
      {
        addressName: `${name}-nat-eip`,
        bandwidth: String(args.natBandwidthMbps ?? 100),
        internetChargeType: "PayByTraffic",
        paymentType: "PayAsYouGo",
        deletionProtection,
        tags: withNameTag(tags, `${name}-nat-eip`),
      },
      { parent: this },
    );
    const association = new alicloud.ecs.EipAssociation(
      `${name}-nat-eip`,
      { allocationId: eip.id, instanceId: nat.id, instanceType: "Nat" },
      { parent: this },
    );
    // Pods get VPC addresses from their own vSwitches (Terway), so they need SNAT as much as the nodes do.
    for (const { zone, nodeVswitchId, podVswitchId } of this.zones) {
      for (const [role, sourceVswitchId] of [
        ["nodes", nodeVswitchId],
        ["pods", podVswitchId],
      ] as const) {
        new alicloud.vpc.SnatEntry(
          `${name}-snat-${role}-${zone}`,
          {
            snatEntryName: `${name}-snat-${role}-${zone}`,
            snatTableId: nat.snatTableIds,
            sourceVswitchId,
            snatIp: eip.ipAddress,
          },
          { parent: this, dependsOn: [association] },
        );
      }
    }

    this.vpcId = vpc.id;
    this.natGatewayId = nat.id;
    this.natPublicIp = eip.ipAddress;
    this.registerOutputs({
      vpcId: this.vpcId,
      natGatewayId: this.natGatewayId,
      natPublicIp: this.natPublicIp,
    });
  }
}
