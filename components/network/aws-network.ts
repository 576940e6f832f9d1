import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type ResourceTags, withNameTag } from "../common/tags";
import { awsSubnetLayout } from "./subnet-layout";

export type NatGatewayMode = "single" | "perZone";

export interface AwsNetworkArgs {
  /** CIDR of the VPC. No default: it must not collide with networks you peer with. */
  readonly vpcCidr: string;
  /** Availability zones to spread subnets across, e.g. `["us-west-2a", "us-west-2b"]`. No default. */
  readonly zones: readonly string[];
  /** One NAT gateway for the whole VPC (cheap) or one per zone (survives a zone outage). Default `"single"`. */
  readonly natGateways?: NatGatewayMode;
  /** Cost-allocation tags put on every resource. Default `{}`. */
  readonly tags?: ResourceTags;
}

export interface AwsZoneSubnetIds {
  readonly zone: string;
  readonly privateSubnetId: pulumi.Output<string>;
  readonly publicSubnetId: pulumi.Output<string>;
}

/**
 * An AWS VPC for EKS: public and private subnets in every zone carrying the tags the AWS Load Balancer
 * Controller looks for, an internet gateway, NAT gateways and route tables.
 */
export class AwsNetwork extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly zones: readonly AwsZoneSubnetIds[];
  public readonly privateSubnetIds: pulumi.Output<string>[];
  public readonly publicSubnetIds: pulumi.Output<string>[];

  constructor(name: string, args: AwsNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:network:AwsNetwork", name, {}, opts);
    const tags = args.tags ?? {};
    const natGateways = args.natGateways ?? "single";
    const child = { parent: this };

    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: args.vpcCidr,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: withNameTag(tags, name),
      },
      child,
    );
    const igw = new aws.ec2.InternetGateway(
      `${name}-igw`,
      { vpcId: vpc.id, tags: withNameTag(tags, `${name}-igw`) },
      child,
    );
    const publicRoutes = new aws.ec2.RouteTable(
      `${name}-public`,
      {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
        tags: withNameTag(tags, `${name}-public`),
      },
      child,
    );

    const subnets = awsSubnetLayout(args.vpcCidr, args.zones).map(({ zone, privateCidr, publicCidr }) => {
      const subnet = (tier: "public" | "private", cidrBlock: string, roleTag: string) =>
        new aws.ec2.Subnet(
          `${name}-${tier}-${zone}`,
          {
            vpcId: vpc.id,
            availabilityZone: zone,
            cidrBlock,
            mapPublicIpOnLaunch: false,
            tags: { ...withNameTag(tags, `${name}-${tier}-${zone}`), [roleTag]: "1" },
          },
          child,
        );
      const publicSubnet = subnet("public", publicCidr, "kubernetes.io/role/elb");
      const privateSubnet = subnet("private", privateCidr, "kubernetes.io/role/internal-elb");
      new aws.ec2.RouteTableAssociation(
        `${name}-public-${zone}`,
        { subnetId: publicSubnet.id, routeTableId: publicRoutes.id },
        child,
      );
      return { zone, publicSubnet, privateSubnet };
    });

    const natZones = natGateways === "perZone" ? subnets : subnets.slice(0, 1);
    const natByZone = new Map(
      natZones.map(({ zone, publicSubnet }) => {
        const eip = new aws.ec2.Eip(
          `${name}-nat-${zone}`,
          { domain: "vpc", tags: withNameTag(tags, `${name}-nat-${zone}`) },
          child,
        );
        const nat = new aws.ec2.NatGateway(
          `${name}-nat-${zone}`,
          { allocationId: eip.id, subnetId: publicSubnet.id, tags: withNameTag(tags, `${name}-nat-${zone}`) },
          { parent: this, dependsOn: [igw] },
        );
        return [zone, nat] as const;
      }),
    );
    const [firstNat] = natByZone.values();
    if (!firstNat) throw new Error(`${name}: at least one zone is required`);

    for (const { zone, privateSubnet } of subnets) {
      const nat = natByZone.get(zone) ?? firstNat;
      const routes = new aws.ec2.RouteTable(
        `${name}-private-${zone}`,
        {
          vpcId: vpc.id,
          routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
          tags: withNameTag(tags, `${name}-private-${zone}`),
        },
        child,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-private-${zone}`,
        { subnetId: privateSubnet.id, routeTableId: routes.id },
        child,
      );
    }

    this.vpcId = vpc.id;
    this.zones = subnets.map(({ zone, publicSubnet, privateSubnet }) => ({
      zone,
      privateSubnetId: privateSubnet.id,
      publicSubnetId: publicSubnet.id,
    }));
    this.privateSubnetIds = this.zones.map((z) => z.privateSubnetId);
    this.publicSubnetIds = this.zones.map((z) => z.publicSubnetId);
    this.registerOutputs({
      vpcId: this.vpcId,
      privateSubnetIds: this.privateSubnetIds,
      publicSubnetIds: this.publicSubnetIds,
    });
  }
}
