import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { allowEgress, allowIngress } from "../baseline/network-policy";
import { PINNED_CHARTS } from "../charts/pinned-charts";
import { IRSA_ROLE_ANNOTATION } from "../cluster/aws-iam-roles";
import { prometheusMonitor } from "../common/monitoring";

export interface PostgresDatabase {
  /** Database name. */
  readonly name: string;
  /** Role that owns it; gets a generated password in the Secret `<cluster>-<owner>-credentials`. */
  readonly owner: string;
}

export interface PostgresBackupArgs {
  /** Where base backups and WAL go, e.g. `s3://platform-postgres-backups/prod`. */
  readonly destinationPath: string;
  /** S3-compatible endpoint (MinIO, OSS); omit for AWS S3. */
  readonly endpointURL?: string;
  /**
   * IAM role (IRSA) for the instances' service account, which CloudNativePG names after the cluster
   * (`postgresServiceAccountName`): Barman inherits it and no key pair is used. EKS only; OSS and MinIO
   * stay on key pairs, since RRSA support varies between the clients that read them.
   * Default: unset, the key pair from `credentialsSecretName`.
   */
  readonly serviceAccountRoleArn?: pulumi.Input<string>;
  /** Secret in the cluster's namespace holding the object-store access key pair; required without a role. */
  readonly credentialsSecretName?: string;
  /** Key of the access key id in that Secret. Default `"accessKey"`. */
  readonly accessKeyIdKey?: string;
  /** Key of the secret access key in that Secret. Default `"secretKey"`. */
  readonly secretAccessKeyKey?: string;
  /** How long backups are kept. Default `"14d"`. */
  readonly retention?: string;
  /** Six-field cron (seconds first) of the base backup. Default `"0 0 3 * * *"` (03:00 daily). */
  readonly schedule?: string;
}

export interface PostgresClusterArgs {
  /** Existing namespace for the operator and the cluster. No default. */
  readonly namespace: string;
  /** PostgreSQL instances: 1, or 3 and more for synchronous replication across zones. Default `1`. */
  readonly instances?: number;
  /** Volume size per instance in GiB. Default `20`. */
  readonly storageGi?: number;
  /** PostgreSQL 16 image, pinned. Default `"ghcr.io/cloudnative-pg/postgresql:16.10"`. */
  readonly imageName?: string;
  /** Databases and their owners; the first is created at bootstrap, the rest right after. At least one. */
  readonly databases: readonly PostgresDatabase[];
  /** Continuous WAL archiving and scheduled base backups to object storage. Default: none. */
  readonly backup?: PostgresBackupArgs;
  /** Namespaces whose pods may connect on 5432. Default `[]`. */
  readonly clientNamespaces?: readonly string[];
  /**
   * Namespace of the Prometheus that scrapes the instances' exporter (9187); a PodMonitor labelled
   * `release: kube-prometheus-stack` is declared. Default: no metrics.
   */
  readonly metricsNamespace?: string;
}

/** CloudNativePG runs a cluster's instances as a service account named after the cluster. */
export function postgresServiceAccountName(cluster: string): string {
  return cluster;
}

/** Barman's S3 credentials: inherited from the pods' IAM role, or read from the key pair Secret. */
function s3Credentials(name: string, backup: PostgresBackupArgs) {
  if (backup.serviceAccountRoleArn !== undefined) {
    if (backup.credentialsSecretName !== undefined)
      throw new Error(`${name}: backup has a serviceAccountRoleArn and a credentialsSecretName; give one`);
    return { inheritFromIAMRole: true };
  }
  if (backup.credentialsSecretName === undefined)
    throw new Error(`${name}: backup needs serviceAccountRoleArn or credentialsSecretName`);
  return {
    accessKeyId: { name: backup.credentialsSecretName, key: backup.accessKeyIdKey ?? "accessKey" },
    secretAccessKey: { name: backup.credentialsSecretName, key: backup.secretAccessKeyKey ?? "secretKey" },
  };
}

/** SQL role names may hold underscores; Kubernetes object names may not. */
function credentialsSecretName(cluster: string, owner: string): string {
  return `${cluster}-${owner.replace(/_/g, "-")}-credentials`;
}

const DEFAULT_IMAGE = "ghcr.io/cloudnative-pg/postgresql:16.10";
const OPERATOR_PODS = { "app.kubernetes.io/name": "cloudnative-pg" };

/**
 * PostgreSQL 16 through the CloudNativePG operator (pinned chart): one instance, or a synchronous
 * quorum spread over zones; owners with generated passwords (Pulumi secrets); WAL archiving and
 * scheduled backups to object storage; network allows for clients, the operator and replication.
 */
export class PostgresCluster extends pulumi.ComponentResource {
  public readonly clusterName: string;
  /** Read-write service (the primary). */
  public readonly host: string;
  /** Read-only service (replicas; the primary when there are none). */
  public readonly readOnlyHost: string;
  public readonly port = 5432;
  /** Secret name per owner role, each of type kubernetes.io/basic-auth. */
  public readonly credentialsSecretNames: Readonly<Record<string, string>>;
  /**
   * Password per owner role, as Pulumi secrets: for copying into a Secret in the consumer's namespace
   * (Kubernetes Secrets cannot be referenced across namespaces).
   */
  public readonly passwords: Readonly<Record<string, pulumi.Output<string>>>;
  public readonly databases: readonly PostgresDatabase[];

  constructor(name: string, args: PostgresClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:data:PostgresCluster", name, {}, opts);
    const [first, ...rest] = args.databases;
    if (!first) throw new Error(`${name}: at least one database is required`);
    const instances = args.instances ?? 1;
    if (instances === 2) throw new Error(`${name}: use 1 instance, or 3 or more for a synchronous quorum`);
    if (args.backup?.retention !== undefined && !/^[1-9][0-9]*[dwm]$/.test(args.backup.retention)) {
      throw new Error(`${name}: backup.retention must look like 14d, 4w or 3m`);
    }
    const backupCredentials = args.backup ? s3Credentials(name, args.backup) : undefined;
    const namespace = args.namespace;
    this.clusterName = name;
    this.databases = args.databases;
    this.host = `${name}-rw.${namespace}.svc.cluster.local`;
    this.readOnlyHost = `${name}-${instances > 1 ? "ro" : "rw"}.${namespace}.svc.cluster.local`;

    const pinned = PINNED_CHARTS.cloudnativePg;
    const operator = new kubernetes.helm.v4.Chart(
      `${name}-operator`,
      {
        chart: pinned.chart,
        version: pinned.version,
        repositoryOpts: { repo: pinned.repo },
        namespace,
        values: {
          resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
          monitoring: { podMonitorEnabled: false },
        },
      },
      { parent: this },
    );

    const owners = [...new Set(args.databases.map((database) => database.owner))];
    const passwords: Record<string, pulumi.Output<string>> = {};
    const secrets = owners.map((owner) => {
      const password = new random.RandomPassword(
        `${name}-${owner}`,
        { length: 32, special: false },
        { parent: this },
      );
      passwords[owner] = password.result;
      return new kubernetes.core.v1.Secret(
        `${name}-${owner}`,
        {
          metadata: {
            name: credentialsSecretName(name, owner),
            namespace,
            labels: { "cnpg.io/reload": "true" },
          },
          type: "kubernetes.io/basic-auth",
          stringData: { username: owner, password: password.result },
        },
        { parent: this },
      );
    });
    this.passwords = passwords;
    this.credentialsSecretNames = Object.fromEntries(
      owners.map((owner) => [owner, credentialsSecretName(name, owner)]),
    );

    const backup = args.backup;
    const cluster = new kubernetes.apiextensions.CustomResource(
      `${name}-cluster`,
      {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "Cluster",
        metadata: { name, namespace },
        spec: {
          instances,
          imageName: args.imageName ?? DEFAULT_IMAGE,
          storage: { size: `${args.storageGi ?? 20}Gi` },
          resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "2Gi" } },
          enablePDB: instances > 1,
          affinity: {
            enablePodAntiAffinity: true,
            topologyKey: "topology.kubernetes.io/zone",
            podAntiAffinityType: "preferred",
          },
          postgresql: {
            parameters: { max_connections: "200", shared_buffers: "128MB" },
            ...(instances > 1
              ? { synchronous: { method: "any", number: 1, dataDurability: "required" } }
              : {}),
          },
          bootstrap: {
            initdb: {
              database: first.name,
              owner: first.owner,
              secret: { name: this.credentialsSecretNames[first.owner] },
              // Roles are created without login here; managed.roles below gives them login and passwords.
              postInitSQL: [
                ...owners
                  .filter((owner) => owner !== first.owner)
                  .map((owner) => `CREATE ROLE "${owner}" NOLOGIN`),
                ...rest.map((database) => `CREATE DATABASE "${database.name}" OWNER "${database.owner}"`),
              ],
            },
          },
          managed: {
            roles: owners.map((owner) => ({
              name: owner,
              ensure: "present",
              login: true,
              passwordSecret: { name: this.credentialsSecretNames[owner] },
            })),
          },
          // Our own PodMonitor below: the operator's cannot carry the label Prometheus selects by.
          monitoring: { enablePodMonitor: false },
          // The annotation EKS's pod identity webhook reads, on the service account the operator creates.
          ...(backup?.serviceAccountRoleArn !== undefined
            ? {
                serviceAccountTemplate: {
                  metadata: { annotations: { [IRSA_ROLE_ANNOTATION]: backup.serviceAccountRoleArn } },
                },
              }
            : {}),
          ...(backup
            ? {
                backup: {
                  retentionPolicy: backup.retention ?? "14d",
                  barmanObjectStore: {
                    destinationPath: backup.destinationPath,
                    ...(backup.endpointURL ? { endpointURL: backup.endpointURL } : {}),
                    s3Credentials: backupCredentials,
                    wal: { compression: "gzip" },
                    data: { compression: "gzip" },
                  },
                },
              }
            : {}),
        },
      },
      { parent: this, dependsOn: [operator, ...secrets] },
    );
    if (backup) {
      new kubernetes.apiextensions.CustomResource(
        `${name}-backup`,
        {
          apiVersion: "postgresql.cnpg.io/v1",
          kind: "ScheduledBackup",
          metadata: { name: `${name}-daily`, namespace },
          spec: {
            cluster: { name },
            schedule: backup.schedule ?? "0 0 3 * * *",
            backupOwnerReference: "self",
            method: "barmanObjectStore",
          },
        },
        { parent: this, dependsOn: [cluster] },
      );
    }

    const instancePods = { "cnpg.io/cluster": name };
    const policy = { parent: this };
    allowIngress(
      `${name}-clients`,
      {
        namespace,
        podLabels: instancePods,
        peers: [namespace, ...(args.clientNamespaces ?? [])].map((ns) => ({ namespace: ns })),
        ports: [5432],
      },
      policy,
    );
    allowIngress(
      `${name}-operator-to-instances`,
      {
        namespace,
        podLabels: instancePods,
        peers: [{ namespace, podLabels: OPERATOR_PODS }],
        ports: [8000, 5432],
      },
      policy,
    );
    allowEgress(
      `${name}-operator-egress`,
      {
        namespace,
        podLabels: OPERATOR_PODS,
        peers: [{ namespace, podLabels: instancePods }],
        ports: [8000, 5432],
      },
      policy,
    );
    allowEgress(
      `${name}-replication`,
      {
        namespace,
        podLabels: instancePods,
        peers: [{ namespace, podLabels: instancePods }],
        ports: [5432, 8000],
      },
      policy,
    );
    // The operator and the instance manager in each pod talk to the Kubernetes API; instances also ship
    // WAL to object storage, which may be a cloud endpoint (443) or in-cluster MinIO (9000).
    allowEgress(
      `${name}-kube-api`,
      { namespace, podLabels: OPERATOR_PODS, peers: "anywhere", ports: [443, 6443] },
      policy,
    );
    allowEgress(
      `${name}-instance-egress`,
      { namespace, podLabels: instancePods, peers: "anywhere", ports: [443, 6443, 9000] },
      policy,
    );
    allowIngress(
      `${name}-operator-webhook`,
      { namespace, podLabels: OPERATOR_PODS, peers: "anywhere", ports: [9443] },
      policy,
    );

    if (args.metricsNamespace) {
      prometheusMonitor("PodMonitor", name, namespace, instancePods, [{ port: "metrics" }], {
        parent: this,
        dependsOn: [cluster],
      });
      allowIngress(
        `${name}-metrics`,
        { namespace, podLabels: instancePods, peers: [{ namespace: args.metricsNamespace }], ports: [9187] },
        policy,
      );
    }

    this.registerOutputs({
      clusterName: this.clusterName,
      host: this.host,
      credentialsSecretNames: this.credentialsSecretNames,
    });
  }
}
