import * as alicloud from "@pulumi/alicloud";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceTags } from "../common/tags";
import { toAckLabels } from "../nodepool/ack-node-pool-fields";
import { type NodePoolSize, validateNodePoolSize } from "../nodepool/node-pool-size";

export interface AckSystemNodePoolArgs extends NodePoolSize {
  /** ECS instance types, most preferred first. No default. */
  readonly instanceTypes: readonly string[];
  /** System disk size in GiB. Default `120`. */
  readonly diskSizeGb?: number;
}

export interface AckClusterArgs {
  /** ACK Kubernetes version, e.g. `1.34.1-aliyun.1`. No default: upgrades are deliberate. */
  readonly kubernetesVersion: string;
  /** vSwitches for the control-plane ENIs and the nodes, one per zone. */
  readonly nodeVswitchIds: pulumi.Input<string>[];
  /** vSwitches Terway takes pod IPs from, one per zone. */
  readonly podVswitchIds: pulumi.Input<string>[];
  /** Service CIDR; must not overlap the VPC. Default `"172.21.0.0/20"`. */
  readonly serviceCidr?: string;
  /** Control-plane tier. Default `"ack.pro.small"` (ACK Pro: SLA-backed control plane, needed for RRSA). */
  readonly clusterSpec?: string;
  /**
   * CIDRs allowed to reach the API server from the internet. Default `[]`: no public endpoint at all,
   * the API server is reachable only inside the VPC.
   */
  readonly apiServerAccessCidrs?: readonly string[];
  /** Turn on ACK's deletion protection. Default `false`. */
  readonly deletionProtection?: boolean;
  /** Control-plane components whose logs go to Simple Log Service. Default `["apiserver", "kcm", "scheduler", "ccm"]`. */
  readonly controlPlaneLogComponents?: readonly string[];
  /** Days control-plane logs are kept. Default `30`. */
  readonly controlPlaneLogRetentionDays?: number;
  /** The pool running platform services (everything but inference). */
  readonly systemNodePool: AckSystemNodePoolArgs;
  /** Kubernetes labels put on every node of every pool. Default `{}`. */
  readonly nodeLabels?: Readonly<Record<string, string>>;
  /** Cost-allocation tags. Default `{}`. */
  readonly tags?: ResourceTags;
}

const DEFAULT_LOG_COMPONENTS = ["apiserver", "kcm", "scheduler", "ccm"];

/**
 * An ACK Pro managed cluster created without workers, a system node pool, a kubeconfig (secret) and a
 * Kubernetes provider for everything deployed on it.
 */
export class AckCluster extends pulumi.ComponentResource {
  public readonly clusterId: pulumi.Output<string>;
  public readonly clusterName: pulumi.Output<string>;
  public readonly systemNodePoolName: pulumi.Output<string>;
  /** Kubeconfig with cluster-admin rights. Always a secret. */
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly provider: kubernetes.Provider;
  /** Set when `apiServerAccessCidrs` is non-empty: attaches the whitelist to the API server's listener. */
  public readonly apiServerAclAttachCommand?: pulumi.Output<string>;

  constructor(name: string, args: AckClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:cluster:AckCluster", name, {}, opts);
    validateNodePoolSize(`${name} system node pool`, args.systemNodePool);
    const tags = args.tags ?? {};
    const accessCidrs = args.apiServerAccessCidrs ?? [];

    const cluster = new alicloud.cs.ManagedKubernetes(
      `${name}-cluster`,
      {
        name,
        clusterSpec: args.clusterSpec ?? "ack.pro.small",
        version: args.kubernetesVersion,
        vswitchIds: args.nodeVswitchIds,
        podVswitchIds: args.podVswitchIds,
        serviceCidr: args.serviceCidr ?? "172.21.0.0/20",
        proxyMode: "ipvs",
        // The network component owns the NAT gateway; ACK must not create a second one.
        newNatGateway: false,
        slbInternetEnabled: accessCidrs.length > 0,
        deletionProtection: args.deletionProtection ?? false,
        enableRrsa: true,
        isEnterpriseSecurityGroup: true,
        controlPlaneLogComponents: [...(args.controlPlaneLogComponents ?? DEFAULT_LOG_COMPONENTS)],
        controlPlaneLogTtl: String(args.controlPlaneLogRetentionDays ?? 30),
        addons: [
          // Terway with NetworkPolicy support: the platform relies on default-deny policies.
          { name: "terway-eniip", config: JSON.stringify({ NetworkPolicy: "true" }) },
          { name: "csi-plugin" },
          { name: "csi-provisioner" },
          // Cluster logging to Simple Log Service.
          { name: "logtail-ds", config: JSON.stringify({ IngressDashboardEnabled: "false" }) },
        ],
        tags,
      },
      { parent: this },
    );

    if (accessCidrs.length > 0) {
      // The provider cannot attach an ACL to the listener ACK creates for the API server
      // (terraform-provider-alicloud#8290), so the whitelist is created here and attached by the
      // one command exported as `apiServerAclAttachCommand`; see docs/alicloud.md.
      const acl = new alicloud.slb.Acl(
        `${name}-apiserver-acl`,
        {
          name: `${name}-apiserver`,
          entryLists: accessCidrs.map((entry) => ({ entry, comment: "api-server access" })),
          tags,
        },
        { parent: this },
      );
      this.apiServerAclAttachCommand = pulumi.interpolate`aliyun slb SetLoadBalancerTCPListenerAttribute --LoadBalancerId ${cluster.slbId} --ListenerPort 6443 --AclStatus on --AclType white --AclId ${acl.id}`;
    }

    const { systemNodePool } = args;
    const pool = new alicloud.cs.NodePool(
      `${name}-system`,
      {
        clusterId: cluster.id,
        nodePoolName: "system",
        vswitchIds: args.nodeVswitchIds,
        instanceTypes: [...systemNodePool.instanceTypes],
        multiAzPolicy: "BALANCE",
        systemDiskCategory: "cloud_essd",
        systemDiskSize: systemNodePool.diskSizeGb ?? 120,
        scalingConfig: { enable: true, minSize: systemNodePool.minSize, maxSize: systemNodePool.maxSize },
        labels: toAckLabels({ ...args.nodeLabels, "ai-platform/pool": "system" }),
        tags,
      },
      { parent: this },
    );

    const credential = alicloud.cs.getClusterCredentialOutput({ clusterId: cluster.id }, { parent: this });
    this.kubeconfig = pulumi.secret(credential.kubeConfig);
    this.provider = new kubernetes.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig },
      { parent: this, dependsOn: [pool] },
    );

    this.clusterId = cluster.id;
    this.clusterName = cluster.name;
    this.systemNodePoolName = pool.nodePoolName;
    this.registerOutputs({
      clusterId: this.clusterId,
      clusterName: this.clusterName,
      systemNodePoolName: this.systemNodePoolName,
      kubeconfig: this.kubeconfig,
    });
  }
}
