import type { ResourceView } from "../../policies/lib/rule";
import { deployment, resource, withSecurityContext } from "./fixtures";
import { GPU_FIT_FIXTURES } from "./gpu-fixtures";

/** For each rule: stacks (resource lists) it must accept, and stacks it must reject with a message. */
export interface RuleFixtures {
  readonly config?: Record<string, unknown>;
  readonly pass: readonly (readonly ResourceView[])[];
  readonly fail: readonly { readonly resources: readonly ResourceView[]; readonly message: RegExp }[];
}

const ACK = "alicloud:cs/managedKubernetes:ManagedKubernetes";
const EKS = "aws:eks/cluster:Cluster";
const ns = (name: string) => resource("kubernetes:core/v1:Namespace", { metadata: { name } });
const netpol = (namespace: string, spec: Record<string, unknown>) =>
  resource("kubernetes:networking.k8s.io/v1:NetworkPolicy", { metadata: { name: "deny", namespace }, spec });
const gateway = resource("kubernetes:gateway.networking.k8s.io/v1:Gateway", {
  metadata: { name: "shared", namespace: "ingress" },
  spec: {
    listeners: [
      { name: "http", protocol: "HTTP", port: 80 },
      { name: "https", protocol: "HTTPS", port: 443 },
    ],
  },
});
const route = (
  parentRef: Record<string, unknown>,
  rules: unknown[] = [{ backendRefs: [{ name: "gateway" }] }],
) =>
  resource("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", {
    metadata: { name: "gateway", namespace: "ai" },
    spec: { parentRefs: [{ name: "shared", namespace: "ingress", ...parentRef }], rules },
  });
const ackPool = (props: Record<string, unknown>) =>
  resource(
    "alicloud:cs/nodePool:NodePool",
    {
      nodePoolName: "gpu",
      instanceTypes: ["ecs.gn7i-c8g1.2xlarge"],
      scalingConfig: { enable: true, minSize: 0, maxSize: 2 },
      spotStrategy: "SpotAsPriceGo",
      labels: [{ key: "ai-platform/gpu-type", value: "nvidia-a10" }],
      systemDiskSize: 200,
      ...props,
    },
    { region: "cn-hangzhou" },
  );
const eksGroup = (props: Record<string, unknown>) =>
  resource(
    "aws:eks/nodeGroup:NodeGroup",
    {
      nodeGroupName: "gpu",
      amiType: "AL2023_x86_64_NVIDIA",
      capacityType: "SPOT",
      instanceTypes: ["g6.xlarge"],
      scalingConfig: { minSize: 0, maxSize: 2, desiredSize: 0 },
      diskSize: 200,
      ...props,
    },
    { region: "us-west-2" },
  );
const s3 = (extra: { block?: boolean; encryption?: boolean; versioning?: string }) => [
  resource("aws:s3/bucket:Bucket", { bucket: "models" }),
  ...(extra.block === false
    ? []
    : [
        resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", {
          bucket: "models",
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        }),
      ]),
  ...(extra.encryption === false
    ? []
    : [
        resource("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", {
          bucket: "models",
        }),
      ]),
  resource("aws:s3/bucketVersioning:BucketVersioning", {
    bucket: "models",
    versioningConfiguration: { status: extra.versioning ?? "Enabled" },
  }),
];
const pvc = (storage: string) =>
  resource("kubernetes:core/v1:PersistentVolumeClaim", {
    metadata: { name: "data" },
    spec: { resources: { requests: { storage } } },
  });

export const RULE_FIXTURES: Record<string, RuleFixtures> = {
  "k8s-no-privileged-containers": {
    pass: [[deployment()]],
    fail: [
      { resources: [withSecurityContext({ privileged: true })], message: /container "app" is privileged/ },
    ],
  },
  "k8s-no-privilege-escalation": {
    pass: [[deployment()]],
    fail: [
      {
        resources: [withSecurityContext({ allowPrivilegeEscalation: undefined })],
        message: /allowPrivilegeEscalation/,
      },
    ],
  },
  "k8s-no-host-access": {
    pass: [[deployment()]],
    fail: [
      { resources: [deployment({ pod: { hostNetwork: true } })], message: /sets hostNetwork/ },
      {
        resources: [deployment({ pod: { volumes: [{ name: "root", hostPath: { path: "/" } }] } })],
        message: /"root" is a hostPath/,
      },
    ],
  },
  "k8s-run-as-non-root": {
    pass: [
      [deployment()],
      [
        deployment({
          pod: { securityContext: { runAsNonRoot: true } },
          container: { securityContext: { capabilities: { drop: ["ALL"] } } },
        }),
      ],
    ],
    fail: [
      { resources: [withSecurityContext({ runAsNonRoot: undefined })], message: /may run as root/ },
      { resources: [withSecurityContext({ runAsUser: 0 })], message: /runs as uid 0/ },
    ],
  },
  "k8s-drop-all-capabilities": {
    pass: [
      [deployment()],
      [withSecurityContext({ capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } })],
    ],
    fail: [
      {
        resources: [withSecurityContext({ capabilities: { drop: ["NET_RAW"] } })],
        message: /does not drop ALL/,
      },
      {
        resources: [withSecurityContext({ capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } })],
        message: /adds capabilities SYS_ADMIN/,
      },
    ],
  },
  "k8s-read-only-root-filesystem": {
    pass: [[deployment()], [deployment({ container: { image: "postgres:16.4", securityContext: {} } })]],
    fail: [
      {
        resources: [withSecurityContext({ readOnlyRootFilesystem: false })],
        message: /writable root filesystem/,
      },
    ],
  },
  "k8s-requests-and-limits": {
    pass: [[deployment()]],
    fail: [
      {
        resources: [deployment({ container: { resources: { requests: { cpu: "1" } } } })],
        message: /no requests.memory, limits.memory/,
      },
    ],
  },
  "k8s-pinned-images": {
    config: { requireDigestFor: ["ai-platform/"] },
    pass: [[deployment()], [deployment({ container: { image: "redis:7.4.1" } })]],
    fail: [
      { resources: [deployment({ container: { image: "redis:latest" } })], message: /mutable :latest tag/ },
      { resources: [deployment({ container: { image: "redis" } })], message: /has no tag/ },
      {
        resources: [deployment({ container: { image: "registry.example.com/ai-platform/gateway:1.2.3" } })],
        message: /pinned by digest/,
      },
    ],
  },
  "k8s-secrets-by-reference": {
    pass: [[deployment()], [deployment({ container: { env: [{ name: "LOG_LEVEL", value: "info" }] } })]],
    fail: [
      {
        resources: [deployment({ container: { env: [{ name: "DB_PASSWORD", value: "hunter2" }] } })],
        message: /sets DB_PASSWORD as a literal value$/,
      },
      {
        resources: [
          deployment({ container: { env: [{ name: "UPSTREAM", value: "sk-abcdefghijklmnopqrstuv" }] } }),
        ],
        message: /UPSTREAM/,
      },
    ],
  },
  "helm-values-pinned-images": {
    pass: [
      [resource("kubernetes:helm.sh/v4:Chart", { chart: "loki", values: { image: { tag: "3.6.12" } } })],
    ],
    fail: [
      {
        resources: [
          resource("kubernetes:helm.sh/v4:Chart", {
            chart: "loki",
            values: { gateway: { image: { tag: "latest" } } },
          }),
        ],
        message: /values.gateway.image.tag/,
      },
      {
        resources: [
          resource("kubernetes:helm.sh/v4:Chart", { chart: "x", values: { sidecar: { image: "busybox" } } }),
        ],
        message: /values.sidecar.image/,
      },
    ],
  },
  "k8s-no-loadbalancer-services": {
    pass: [
      [
        resource("kubernetes:core/v1:Service", {
          metadata: { name: "envoy", namespace: "ingress" },
          spec: { type: "LoadBalancer" },
        }),
      ],
    ],
    fail: [
      {
        resources: [
          resource("kubernetes:core/v1:Service", {
            metadata: { name: "db", namespace: "data" },
            spec: { type: "LoadBalancer" },
          }),
        ],
        message: /Service data\/db is of type LoadBalancer/,
      },
    ],
  },
  "k8s-namespace-default-deny": {
    pass: [
      [ns("ai"), netpol("ai", { podSelector: {}, policyTypes: ["Ingress", "Egress"] })],
      [ns("kube-system")],
    ],
    fail: [
      { resources: [ns("ai")], message: /namespace ai has no default-deny/ },
      {
        resources: [ns("ai"), netpol("ai", { podSelector: {}, policyTypes: ["Ingress"] })],
        message: /namespace ai/,
      },
      {
        resources: [
          ns("ai"),
          netpol("ai", { podSelector: { matchLabels: { app: "x" } }, policyTypes: ["Ingress", "Egress"] }),
        ],
        message: /namespace ai/,
      },
    ],
  },
  "gateway-routes-https-only": {
    pass: [
      [gateway, route({ sectionName: "https" })],
      [
        gateway,
        route({}, [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https" } }] }]),
      ],
    ],
    fail: [
      { resources: [gateway, route({ sectionName: "http" })], message: /attaches to HTTP listener "http"/ },
      { resources: [gateway, route({})], message: /HTTP listener "http"/ },
    ],
  },
  "ack-deletion-protection": {
    pass: [[resource(ACK, { name: "c", deletionProtection: true })]],
    fail: [
      {
        resources: [resource(ACK, { name: "c", deletionProtection: false })],
        message: /deletion protection off/,
      },
    ],
  },
  "ack-rrsa-enabled": {
    pass: [[resource(ACK, { enableRrsa: true })]],
    fail: [{ resources: [resource(ACK, {})], message: /RRSA off/ }],
  },
  "ack-api-server-access": {
    pass: [
      [resource(ACK, { slbInternetEnabled: false })],
      [
        resource(ACK, { slbInternetEnabled: true }),
        resource("alicloud:slb/acl:Acl", { entryLists: [{ entry: "203.0.113.0/24" }] }),
      ],
    ],
    fail: [
      { resources: [resource(ACK, { name: "c" })], message: /public API server and no access-control list/ },
      {
        resources: [
          resource(ACK, { slbInternetEnabled: true }),
          resource("alicloud:slb/acl:Acl", { entryLists: [{ entry: "0.0.0.0/0" }] }),
        ],
        message: /allows 0.0.0.0\/0/,
      },
    ],
  },
  "oss-bucket-private-encrypted-versioned": {
    pass: [
      [
        resource("alicloud:oss/bucket:Bucket", {
          bucket: "b",
          acl: "private",
          serverSideEncryptionRule: { sseAlgorithm: "KMS" },
          versioning: { status: "Enabled" },
        }),
      ],
    ],
    fail: [
      {
        resources: [resource("alicloud:oss/bucket:Bucket", { bucket: "b", acl: "public-read" })],
        message: /is public-read/,
      },
    ],
  },
  "alicloud-security-group-admin-ports": {
    pass: [
      [
        resource("alicloud:ecs/securityGroupRule:SecurityGroupRule", {
          type: "ingress",
          cidrIp: "0.0.0.0/0",
          portRange: "443/443",
        }),
      ],
    ],
    fail: [
      {
        resources: [
          resource("alicloud:ecs/securityGroupRule:SecurityGroupRule", {
            type: "ingress",
            cidrIp: "0.0.0.0/0",
            portRange: "22/22",
          }),
        ],
        message: /opens port\(s\) 22/,
      },
      {
        resources: [
          resource("alicloud:ecs/securityGroupRule:SecurityGroupRule", {
            type: "ingress",
            cidrIp: "0.0.0.0/0",
            portRange: "-1/-1",
          }),
        ],
        message: /6443/,
      },
    ],
  },
  "alicloud-kms-key-rotation": {
    pass: [[resource("alicloud:kms/key:Key", { automaticRotation: "Enabled" })]],
    fail: [{ resources: [resource("alicloud:kms/key:Key", {})], message: /does not rotate/ }],
  },
  "eks-secrets-encryption": {
    pass: [[resource(EKS, { encryptionConfig: { provider: { keyArn: "arn:k" }, resources: ["secrets"] } })]],
    fail: [{ resources: [resource(EKS, { name: "c" })], message: /does not encrypt Secrets/ }],
  },
  "eks-control-plane-logging": {
    pass: [[resource(EKS, { enabledClusterLogTypes: ["api", "audit", "authenticator"] })]],
    fail: [
      {
        resources: [resource(EKS, { enabledClusterLogTypes: ["api"] })],
        message: /does not log audit, authenticator/,
      },
    ],
  },
  "eks-endpoint-public-access-restricted": {
    pass: [
      [resource(EKS, { vpcConfig: { endpointPublicAccess: false } })],
      [resource(EKS, { vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["198.51.100.0/24"] } })],
    ],
    fail: [
      { resources: [resource(EKS, { vpcConfig: {} })], message: /open to 0.0.0.0\/0/ },
      {
        resources: [
          resource(EKS, { vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } }),
        ],
        message: /open to/,
      },
    ],
  },
  "s3-bucket-hardening": {
    pass: [s3({})],
    fail: [
      { resources: s3({ block: false }), message: /does not block all public access/ },
      { resources: s3({ encryption: false, versioning: "Suspended" }), message: /no server-side encryption/ },
    ],
  },
  "aws-security-group-admin-ports": {
    pass: [
      [
        resource("aws:ec2/securityGroup:SecurityGroup", {
          ingress: [{ fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
        }),
      ],
    ],
    fail: [
      {
        resources: [
          resource("aws:ec2/securityGroup:SecurityGroup", {
            ingress: [{ fromPort: 0, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] }],
          }),
        ],
        message: /22, 3389/,
      },
      {
        resources: [
          resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", {
            ipProtocol: "tcp",
            fromPort: 5432,
            toPort: 5432,
            cidrIpv4: "0.0.0.0/0",
          }),
        ],
        message: /5432/,
      },
    ],
  },
  "aws-kms-key-rotation": {
    pass: [
      [resource("aws:kms/key:Key", { enableKeyRotation: true })],
      [resource("aws:kms/key:Key", { customerMasterKeySpec: "RSA_2048" })],
    ],
    fail: [{ resources: [resource("aws:kms/key:Key", {})], message: /does not rotate/ }],
  },
  "pulumi-protect-stateful": {
    pass: [[resource(EKS, {}, { protect: true })], [resource("aws:ec2/subnet:Subnet", {})]],
    fail: [
      {
        resources: [resource(EKS, {}, { name: "c" })],
        message: /aws:eks\/cluster:Cluster c is not protected/,
      },
    ],
  },
  "pulumi-credentials-secret": {
    pass: [
      [
        resource(
          "kubernetes:core/v1:Secret",
          { stringData: { password: "x" } },
          { secretPaths: ["stringData.password"] },
        ),
      ],
      [resource("kubernetes:core/v1:Secret", { data: { a: "eA==" } }, { secretPaths: ["data"] })],
    ],
    fail: [
      {
        resources: [
          resource("kubernetes:core/v1:Secret", { metadata: { name: "db" }, stringData: { password: "x" } }),
        ],
        message: /Secret db: stringData.password is not a Pulumi secret/,
      },
    ],
  },
  "gpu-instance-types-allowed": {
    config: { allowedInstanceTypes: ["ecs.gn7i-c8g1.2xlarge"] },
    pass: [[ackPool({})], [ackPool({ labels: [], instanceTypes: ["ecs.g7.xlarge"] })]],
    fail: [
      {
        resources: [ackPool({ instanceTypes: ["ecs.gn7i-c32g1.8xlarge"] })],
        message: /not allowed here: ecs.gn7i-c32g1.8xlarge/,
      },
    ],
  },
  "gpu-node-limits": {
    config: { maxNodesPerPool: 4, maxNodesTotal: 5 },
    pass: [[ackPool({}), eksGroup({})]],
    fail: [
      {
        resources: [eksGroup({ scalingConfig: { minSize: 0, maxSize: 6 } })],
        message: /may scale to 6 nodes \(limit 4\)/,
      },
      {
        resources: [
          ackPool({ scalingConfig: { minSize: 0, maxSize: 3 } }),
          eksGroup({ scalingConfig: { maxSize: 3 } }),
        ],
        message: /6 nodes in all \(limit 5\)/,
      },
    ],
  },
  "gpu-spot-capacity": {
    pass: [[ackPool({})], [eksGroup({})]],
    fail: [
      { resources: [ackPool({ spotStrategy: undefined })], message: /on-demand/ },
      { resources: [eksGroup({ capacityType: "ON_DEMAND" })], message: /on-demand/ },
    ],
  },
  "gpu-scale-to-zero": {
    pass: [[ackPool({})]],
    fail: [
      {
        resources: [eksGroup({ scalingConfig: { minSize: 1, maxSize: 2 } })],
        message: /keeps 1 node\(s\) when idle/,
      },
    ],
  },
  ...GPU_FIT_FIXTURES,
  "cost-allocation-tags": {
    pass: [
      [resource("aws:ec2/vpc:Vpc", { tags: { team: "t", env: "dev", "cost-center": "c" } })],
      [resource("aws:ec2/route:Route", {})],
    ],
    fail: [
      {
        resources: [resource("aws:ec2/vpc:Vpc", { tags: { team: "t" } })],
        message: /lacks tag\(s\) env, cost-center/,
      },
    ],
  },
  "monthly-cost-budget": {
    config: { monthlyBudget: 1000 },
    pass: [[eksGroup({ capacityType: "ON_DEMAND", scalingConfig: { minSize: 1, maxSize: 4 } })]],
    fail: [
      {
        resources: [
          eksGroup({
            capacityType: "ON_DEMAND",
            instanceTypes: ["g6.4xlarge"],
            scalingConfig: { minSize: 2, maxSize: 4 },
          }),
        ],
        message: /exceeds the budget of 1000:\n {2}gpu: 2 × g6\.4xlarge = USD 1931\.87\/month/,
      },
      {
        resources: [eksGroup({ instanceTypes: ["p5.48xlarge"] })],
        message: /no price for gpu \(p5.48xlarge in us-west-2\)/,
      },
    ],
  },
  "storage-caps": {
    config: { maxVolumeGi: 100, maxNodeDiskGi: 300 },
    pass: [[pvc("100Gi"), ackPool({})]],
    fail: [
      { resources: [pvc("1Ti")], message: /requests 1024 GiB \(cap 100\)/ },
      { resources: [ackPool({ systemDiskSize: 500 })], message: /disks are 500 GiB \(cap 300\)/ },
    ],
  },
};
