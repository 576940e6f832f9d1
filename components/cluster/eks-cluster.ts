import * as aws from "@pulumi/aws";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ResourceTags, withNameTag } from "../common/tags";
import { NODE_POOL_LABEL } from "../nodepool/gpu-scheduling";
import { type NodePoolSize, validateNodePoolSize } from "../nodepool/node-pool-size";
import { irsaRole, serviceRole } from "./aws-iam-roles";
import { eksKubeconfig } from "./eks-kubeconfig";

export interface EksSystemNodePoolArgs extends NodePoolSize {
  /** EC2 instance types, most preferred first. No default. */
  readonly instanceTypes: readonly string[];
  /** Root disk size in GiB. Default `100`. */
  readonly diskSizeGb?: number;
}

export interface EksClusterArgs {
  /** Region the cluster runs in; written into the kubeconfig. */
  readonly region: string;
  /** EKS Kubernetes version, e.g. `1.34`. No default: upgrades are deliberate. */
  readonly kubernetesVersion: string;
  /** Private subnets for the control-plane ENIs and the nodes. */
  readonly subnetIds: pulumi.Input<string>[];
  /** Service CIDR; must not overlap the VPC. Default `"172.20.0.0/16"`. */
  readonly serviceCidr?: string;
  /**
   * CIDRs allowed to reach the public API endpoint. Default `[]`: the public endpoint is off and the
   * API server is reachable only inside the VPC.
   */
  readonly apiServerAccessCidrs?: readonly string[];
  /** IAM principals (role or user ARNs) granted cluster-admin through access entries. Default `[]`. */
  readonly adminPrincipalArns?: readonly string[];
  /** Turn on EKS deletion protection. Default `false`. */
  readonly deletionProtection?: boolean;
  /** Days control-plane logs are kept in CloudWatch. Default `30`. */
  readonly controlPlaneLogRetentionDays?: number;
  /** The managed node group running platform services (everything but inference). */
  readonly systemNodePool: EksSystemNodePoolArgs;
  /** Kubernetes labels put on every node of the system pool. Default `{}`. */
  readonly nodeLabels?: Readonly<Record<string, string>>;
  /** Cost-allocation tags. Default `{}`. */
  readonly tags?: ResourceTags;
}

const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
const NODE_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEKS_CNI_Policy",
  "AmazonEC2ContainerRegistryPullOnly",
  "AmazonSSMManagedInstanceCore",
];

/**
 * An EKS cluster from AWS primitives: access-entry authentication, KMS envelope encryption of Secrets,
 * control-plane logging, an OIDC provider for IAM roles for service accounts, a system managed node
 * group, the core add-ons, a kubeconfig (secret) and a Kubernetes provider.
 */
export class EksCluster extends pulumi.ComponentResource {
  public readonly clusterName: pulumi.Output<string>;
  public readonly clusterArn: pulumi.Output<string>;
  public readonly nodeRoleArn: pulumi.Output<string>;
  public readonly oidcProviderArn: pulumi.Output<string>;
  public readonly oidcIssuerUrl: pulumi.Output<string>;
  public readonly systemNodePoolName: pulumi.Output<string>;
  /** Kubeconfig using `aws eks get-token`. Always a secret. */
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly provider: kubernetes.Provider;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:cluster:EksCluster", name, {}, opts);
    validateNodePoolSize(`${name} system node pool`, args.systemNodePool);
    const tags = args.tags ?? {};
    const accessCidrs = args.apiServerAccessCidrs ?? [];
    const child = { parent: this };

    const clusterRole = serviceRole(
      `${name}-cluster`,
      "eks.amazonaws.com",
      ["AmazonEKSClusterPolicy"],
      tags,
      child,
    );
    const secretsKey = new aws.kms.Key(
      `${name}-secrets`,
      {
        description: `Envelope encryption of Kubernetes Secrets in ${name}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags: withNameTag(tags, `${name}-secrets`),
      },
      child,
    );
    // EKS writes to this exact group name; creating it first sets retention and tags.
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-control-plane`,
      { name: `/aws/eks/${name}/cluster`, retentionInDays: args.controlPlaneLogRetentionDays ?? 30, tags },
      child,
    );

    const cluster = new aws.eks.Cluster(
      `${name}-cluster`,
      {
        name,
        version: args.kubernetesVersion,
        roleArn: clusterRole.role.arn,
        vpcConfig: {
          subnetIds: args.subnetIds,
          endpointPrivateAccess: true,
          endpointPublicAccess: accessCidrs.length > 0,
          publicAccessCidrs: accessCidrs.length > 0 ? [...accessCidrs] : undefined,
        },
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
        encryptionConfig: { provider: { keyArn: secretsKey.arn }, resources: ["secrets"] },
        enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
        kubernetesNetworkConfig: { serviceIpv4Cidr: args.serviceCidr ?? "172.20.0.0/16" },
        deletionProtection: args.deletionProtection ?? false,
        tags,
      },
      { parent: this, dependsOn: [logGroup, ...clusterRole.attachments] },
    );

    const oidcIssuerUrl = cluster.identities.apply((identities) => identities[0]?.oidcs?.[0]?.issuer ?? "");
    const oidcProvider = new aws.iam.OpenIdConnectProvider(
      `${name}-oidc`,
      { url: oidcIssuerUrl, clientIdLists: ["sts.amazonaws.com"], tags },
      child,
    );

    for (const [index, principalArn] of (args.adminPrincipalArns ?? []).entries()) {
      const entry = new aws.eks.AccessEntry(
        `${name}-admin-${index}`,
        { clusterName: cluster.name, principalArn, type: "STANDARD", tags },
        child,
      );
      new aws.eks.AccessPolicyAssociation(
        `${name}-admin-${index}`,
        {
          clusterName: cluster.name,
          principalArn,
          policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
          accessScope: { type: "cluster" },
        },
        { parent: this, dependsOn: [entry] },
      );
    }

    const nodeRole = serviceRole(`${name}-node`, "ec2.amazonaws.com", NODE_POLICIES, tags, child);
    const { systemNodePool } = args;
    const systemGroup = new aws.eks.NodeGroup(
      `${name}-system`,
      {
        clusterName: cluster.name,
        nodeGroupName: "system",
        nodeRoleArn: nodeRole.role.arn,
        subnetIds: args.subnetIds,
        amiType: "AL2023_x86_64_STANDARD",
        capacityType: "ON_DEMAND",
        instanceTypes: [...systemNodePool.instanceTypes],
        diskSize: systemNodePool.diskSizeGb ?? 100,
        scalingConfig: {
          minSize: systemNodePool.minSize,
          maxSize: systemNodePool.maxSize,
          desiredSize: systemNodePool.desiredSize ?? systemNodePool.minSize,
        },
        updateConfig: { maxUnavailable: 1 },
        labels: { ...args.nodeLabels, [NODE_POOL_LABEL]: "system" },
        tags,
      },
      { parent: this, dependsOn: nodeRole.attachments, ignoreChanges: ["scalingConfig.desiredSize"] },
    );

    const ebsCsiRole = irsaRole(
      `${name}-ebs-csi`,
      {
        oidcProviderArn: oidcProvider.arn,
        oidcIssuerUrl,
        namespace: "kube-system",
        serviceAccount: "ebs-csi-controller-sa",
        managedPolicies: ["service-role/AmazonEBSCSIDriverPolicy"],
        tags,
      },
      child,
    );
    const addon = (addonName: string, extra: Partial<aws.eks.AddonArgs>, dependsOn: pulumi.Resource[]) =>
      new aws.eks.Addon(
        `${name}-${addonName}`,
        {
          clusterName: cluster.name,
          addonName,
          resolveConflictsOnCreate: "OVERWRITE",
          resolveConflictsOnUpdate: "PRESERVE",
          tags,
          ...extra,
        },
        { parent: this, dependsOn },
      );
    addon("vpc-cni", {}, []);
    addon("kube-proxy", {}, []);
    // These run as pods: without nodes they never become healthy and the add-on create times out.
    addon("coredns", {}, [systemGroup]);
    addon("aws-ebs-csi-driver", { serviceAccountRoleArn: ebsCsiRole.role.arn }, [
      systemGroup,
      ...ebsCsiRole.attachments,
    ]);

    this.kubeconfig = pulumi.secret(
      pulumi
        .all([cluster.name, cluster.endpoint, cluster.certificateAuthority])
        .apply(([clusterName, endpoint, ca]) =>
          eksKubeconfig({
            clusterName,
            endpoint,
            certificateAuthorityData: ca.data ?? "",
            region: args.region,
          }),
        ),
    );
    this.provider = new kubernetes.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig },
      { parent: this, dependsOn: [systemGroup] },
    );

    this.clusterName = cluster.name;
    this.clusterArn = cluster.arn;
    this.nodeRoleArn = nodeRole.role.arn;
    this.oidcProviderArn = oidcProvider.arn;
    this.oidcIssuerUrl = oidcIssuerUrl;
    this.systemNodePoolName = systemGroup.nodeGroupName;
    this.registerOutputs({
      clusterName: this.clusterName,
      clusterArn: this.clusterArn,
      nodeRoleArn: this.nodeRoleArn,
      oidcProviderArn: this.oidcProviderArn,
      systemNodePoolName: this.systemNodePoolName,
      kubeconfig: this.kubeconfig,
    });
  }
}
