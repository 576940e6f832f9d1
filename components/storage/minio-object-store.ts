import { createHash } from "node:crypto";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { allowEgress, allowIngress } from "../baseline/network-policy";
import { pinnedImage } from "../common/images";
import { prometheusMonitor } from "../common/monitoring";
import { RESTRICTED_READ_ONLY_CONTAINER } from "../common/security-context";
import { zoneSpread } from "../common/topology";

export type MinioMode = "standalone" | "distributed";

export interface MinioObjectStoreArgs {
  /** Existing namespace for MinIO, its Secret and the bucket Job. No default. */
  readonly namespace: string;
  /**
   * MinIO server image, pinned by tag or digest. No default: the community edition is source-only
   * since Oct 2025 and its Docker Hub images are gone, so operators build or mirror it.
   */
  readonly image: string;
  /** `mc` client image for the bucket Job, pinned by tag or digest. No default, for the same reason. */
  readonly clientImage: string;
  /** `"standalone"`: 1 pod, 1 volume. `"distributed"`: `replicas` pods, 1 volume each, erasure coded. Default `"standalone"`. */
  readonly mode?: MinioMode;
  /** Pods (and volumes) in distributed mode, at least 4; ignored in standalone mode. Default `4`. */
  readonly replicas?: number;
  /** Size of each volume in GiB. Default `20`. */
  readonly storageGi?: number;
  /** Buckets created idempotently by a Job, each with versioning enabled. No default. */
  readonly buckets: readonly string[];
  /** Namespaces whose pods may reach the S3 API on 9000. Default `[]`. */
  readonly clientNamespaces?: readonly string[];
  /**
   * Namespace of the Prometheus that scrapes MinIO's cluster metrics (served without a token, as
   * MINIO_PROMETHEUS_AUTH_TYPE=public allows; they carry no object data). Default: no metrics.
   */
  readonly metricsNamespace?: string;
}

const S3_PORT = 9000;
const CONSOLE_PORT = 9001;
const ROOT_USER = "platform-admin";
/** The S3 Service's name is fixed so the endpoint is too: one MinIO per namespace. */
const SERVICE_NAME = "minio";
const RESOURCES = {
  standalone: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "2Gi" } },
  distributed: { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "4Gi" } },
};
const JOB_RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } };
const RESTRICTED_POD = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  fsGroupChangePolicy: "OnRootMismatch",
  seccompProfile: { type: "RuntimeDefault" },
};

/** Throws unless `image` carries a tag other than `latest`, or a digest. */
export function assertPinnedImage(field: string, image: string): void {
  pinnedImage(field, image);
}

/** `<name>-buckets-<hash of the sorted bucket list>`: a new list is a new Job, so it runs again. */
export function bucketJobName(name: string, buckets: readonly string[]): string {
  const hash = createHash("sha256")
    .update(JSON.stringify([...buckets].sort()))
    .digest("hex");
  return `${name}-buckets-${hash.slice(0, 8)}`;
}

/** Defaults applied and every argument checked, before any resource is declared. */
function resolveArgs(name: string, args: MinioObjectStoreArgs) {
  assertPinnedImage("image", args.image);
  assertPinnedImage("clientImage", args.clientImage);
  const mode = args.mode ?? "standalone";
  const replicas = mode === "distributed" ? (args.replicas ?? 4) : 1;
  const storageGi = args.storageGi ?? 20;
  if (mode === "distributed") {
    if (!Number.isInteger(replicas) || replicas < 4)
      throw new Error(`${name}: distributed mode needs an integer of at least 4 replicas, got ${replicas}`);
    // MinIO splits the drives into erasure sets of 2 to 16 drives; a prime above 16 cannot be split.
    if (![...Array(15).keys()].some((k) => replicas % (k + 2) === 0))
      throw new Error(`${name}: ${replicas} replicas cannot form erasure sets of 2 to 16 drives`);
  }
  if (!Number.isInteger(storageGi) || storageGi < 1)
    throw new Error(`${name}: storageGi must be a positive integer`);
  for (const bucket of args.buckets) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes(".."))
      throw new Error(`${name}: "${bucket}" is not a valid S3 bucket name`);
  }
  if (new Set(args.buckets).size !== args.buckets.length)
    throw new Error(`${name}: buckets lists a bucket twice`);
  return { mode, replicas, storageGi };
}

/**
 * MinIO (S3 API) as a StatefulSet: one pod and volume, or an erasure-coded set of `replicas` pods spread
 * over zones with a PodDisruptionBudget. Root credentials are generated into a Secret; a Job creates the
 * buckets with versioning. The credentials Secret has keys `accessKey`/`secretKey` (S3 clients) and
 * `MINIO_ROOT_USER`/`MINIO_ROOT_PASSWORD` (MinIO's own names), holding the same pair.
 */
export class MinioObjectStore extends pulumi.ComponentResource {
  /** `http://minio.<namespace>.svc.cluster.local:9000`. */
  public readonly endpoint: string;
  /** Secret in `namespace` with keys accessKey, secretKey, MINIO_ROOT_USER, MINIO_ROOT_PASSWORD. */
  public readonly credentialsSecretName: string;
  public readonly buckets: readonly string[];
  /**
   * The access key pair, as Pulumi secrets: for copying into a Secret in a consumer's namespace
   * (Kubernetes Secrets cannot be referenced across namespaces).
   */
  public readonly accessKeyId: pulumi.Output<string>;
  public readonly secretAccessKey: pulumi.Output<string>;

  constructor(name: string, args: MinioObjectStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    const { mode, replicas, storageGi } = resolveArgs(name, args);
    super("ai-platform:storage:MinioObjectStore", name, {}, opts);

    const namespace = args.namespace;
    const headless = `${name}-hl`;
    this.endpoint = `http://${SERVICE_NAME}.${namespace}.svc.cluster.local:${S3_PORT}`;
    this.credentialsSecretName = `${name}-root-credentials`;
    this.buckets = args.buckets;
    const serverPods = {
      "app.kubernetes.io/name": "minio",
      "app.kubernetes.io/instance": name,
      "app.kubernetes.io/component": "server",
    };
    const jobPods = { ...serverPods, "app.kubernetes.io/component": "bucket-setup" };

    const password = new random.RandomPassword(
      `${name}-root`,
      { length: 40, special: false },
      { parent: this },
    );
    const user = pulumi.secret(ROOT_USER);
    this.accessKeyId = user;
    this.secretAccessKey = password.result;
    const secret = new kubernetes.core.v1.Secret(
      `${name}-root-credentials`,
      {
        metadata: { name: this.credentialsSecretName, namespace, labels: serverPods },
        type: "Opaque",
        stringData: {
          accessKey: user,
          secretKey: password.result,
          MINIO_ROOT_USER: user,
          MINIO_ROOT_PASSWORD: password.result,
        },
      },
      { parent: this },
    );
    const credentialEnv = ["MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"].map((key) => ({
      name: key,
      valueFrom: { secretKeyRef: { name: this.credentialsSecretName, key } },
    }));

    const s3 = { name: "s3", port: S3_PORT, targetPort: S3_PORT, protocol: "TCP" };
    const services = [
      new kubernetes.core.v1.Service(
        `${name}-headless`,
        {
          metadata: { name: headless, namespace, labels: serverPods },
          // Peers must resolve each other before they are ready, or the erasure set never forms.
          spec: { clusterIP: "None", publishNotReadyAddresses: true, selector: serverPods, ports: [s3] },
        },
        { parent: this },
      ),
      new kubernetes.core.v1.Service(
        `${name}-service`,
        {
          metadata: { name: SERVICE_NAME, namespace, labels: serverPods },
          spec: {
            type: "ClusterIP",
            selector: serverPods,
            ports: [s3, { name: "console", port: CONSOLE_PORT, targetPort: CONSOLE_PORT, protocol: "TCP" }],
          },
        },
        { parent: this },
      ),
    ];

    const volumes =
      mode === "distributed"
        ? `http://${name}-{0...${replicas - 1}}.${headless}.${namespace}.svc.cluster.local/data`
        : "/data";
    const probe = (path: string, periodSeconds: number) => ({
      httpGet: { path, port: S3_PORT, scheme: "HTTP" },
      initialDelaySeconds: 10,
      periodSeconds,
      timeoutSeconds: 5,
      failureThreshold: 3,
    });
    const statefulSet = new kubernetes.apps.v1.StatefulSet(
      `${name}-server`,
      {
        metadata: { name, namespace, labels: serverPods },
        spec: {
          serviceName: headless,
          replicas,
          // All peers must start together for the erasure set to form; OrderedReady would deadlock.
          podManagementPolicy: "Parallel",
          selector: { matchLabels: serverPods },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
          template: {
            metadata: { labels: serverPods },
            spec: {
              automountServiceAccountToken: false,
              securityContext: RESTRICTED_POD,
              topologySpreadConstraints: mode === "distributed" ? zoneSpread(serverPods) : [],
              containers: [
                {
                  name: "minio",
                  image: args.image,
                  command: ["minio"],
                  args: [
                    "server",
                    volumes,
                    "--address",
                    `:${S3_PORT}`,
                    "--console-address",
                    `:${CONSOLE_PORT}`,
                    "--certs-dir",
                    "/tmp/certs",
                  ],
                  // The root filesystem is read-only: HOME and the certs dir live on the tmp emptyDir.
                  env: [
                    ...credentialEnv,
                    { name: "HOME", value: "/tmp" },
                    ...(args.metricsNamespace
                      ? [{ name: "MINIO_PROMETHEUS_AUTH_TYPE", value: "public" }]
                      : []),
                  ],
                  ports: [
                    { name: "s3", containerPort: S3_PORT, protocol: "TCP" },
                    { name: "console", containerPort: CONSOLE_PORT, protocol: "TCP" },
                  ],
                  livenessProbe: probe("/minio/health/live", 20),
                  readinessProbe: probe("/minio/health/ready", 10),
                  resources: RESOURCES[mode],
                  securityContext: RESTRICTED_READ_ONLY_CONTAINER,
                  volumeMounts: [
                    { name: "data", mountPath: "/data" },
                    { name: "tmp", mountPath: "/tmp" },
                  ],
                },
              ],
              volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: "data", labels: serverPods },
              spec: {
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: `${storageGi}Gi` } },
              },
            },
          ],
        },
      },
      { parent: this, dependsOn: [secret] },
    );
    if (mode === "distributed") {
      new kubernetes.policy.v1.PodDisruptionBudget(
        `${name}-pdb`,
        {
          metadata: { name, namespace, labels: serverPods },
          spec: { maxUnavailable: 1, selector: { matchLabels: serverPods } },
        },
        { parent: this },
      );
    }

    const policy = { parent: this };
    const clients = args.clientNamespaces ?? [];
    // An empty `from` would allow everyone: no clients, no policy.
    if (clients.length > 0) {
      allowIngress(
        `${name}-s3-clients`,
        {
          namespace,
          podLabels: serverPods,
          peers: clients.map((ns) => ({ namespace: ns })),
          ports: [S3_PORT],
        },
        policy,
      );
    }
    allowIngress(
      `${name}-console`,
      { namespace, podLabels: serverPods, peers: [{ namespace }], ports: [CONSOLE_PORT] },
      policy,
    );
    if (mode === "distributed") {
      const peers = { namespace, podLabels: serverPods, peers: [{ namespace, podLabels: serverPods }] };
      allowIngress(`${name}-peers-in`, { ...peers, ports: [S3_PORT] }, policy);
      allowEgress(`${name}-peers-out`, { ...peers, ports: [S3_PORT] }, policy);
    }

    if (args.buckets.length > 0) {
      allowIngress(
        `${name}-bucket-job-in`,
        { namespace, podLabels: serverPods, peers: [{ namespace, podLabels: jobPods }], ports: [S3_PORT] },
        policy,
      );
      allowEgress(
        `${name}-bucket-job-out`,
        { namespace, podLabels: jobPods, peers: [{ namespace, podLabels: serverPods }], ports: [S3_PORT] },
        policy,
      );
      const script = [
        "set -eu",
        'until mc alias set platform "$MINIO_ENDPOINT" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"; do',
        '  echo "waiting for $MINIO_ENDPOINT"; sleep 5',
        "done",
        ...args.buckets.flatMap((bucket) => [
          `mc mb --ignore-existing platform/${bucket}`,
          `mc version enable platform/${bucket}`,
        ]),
      ].join("\n");
      new kubernetes.batch.v1.Job(
        `${name}-buckets`,
        {
          metadata: { name: bucketJobName(name, args.buckets), namespace, labels: jobPods },
          spec: {
            backoffLimit: 6,
            activeDeadlineSeconds: 900,
            ttlSecondsAfterFinished: 3600,
            template: {
              metadata: { labels: jobPods },
              spec: {
                restartPolicy: "Never",
                automountServiceAccountToken: false,
                securityContext: RESTRICTED_POD,
                containers: [
                  {
                    name: "mc",
                    image: args.clientImage,
                    command: ["/bin/sh", "-c", script],
                    env: [
                      ...credentialEnv,
                      { name: "MINIO_ENDPOINT", value: this.endpoint },
                      { name: "MC_CONFIG_DIR", value: "/tmp/.mc" },
                      { name: "HOME", value: "/tmp" },
                    ],
                    resources: JOB_RESOURCES,
                    securityContext: RESTRICTED_READ_ONLY_CONTAINER,
                    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                  },
                ],
                volumes: [{ name: "tmp", emptyDir: { sizeLimit: "16Mi" } }],
              },
            },
          },
        },
        { parent: this, dependsOn: [statefulSet, ...services] },
      );
    }

    if (args.metricsNamespace) {
      // Both Services carry these labels; cluster metrics are the same from any pod, so scrape one.
      const onlyTheS3Service = {
        sourceLabels: ["__meta_kubernetes_service_name"],
        regex: SERVICE_NAME,
        action: "keep",
      };
      prometheusMonitor(
        "ServiceMonitor",
        name,
        namespace,
        serverPods,
        [{ port: "s3", path: "/minio/v2/metrics/cluster", relabelings: [onlyTheS3Service] }],
        { parent: this },
      );
      allowIngress(
        `${name}-metrics`,
        { namespace, podLabels: serverPods, peers: [{ namespace: args.metricsNamespace }], ports: [S3_PORT] },
        { parent: this },
      );
    }

    this.registerOutputs({
      endpoint: this.endpoint,
      credentialsSecretName: this.credentialsSecretName,
      buckets: this.buckets,
    });
  }
}
