import { createHash } from "node:crypto";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { allowEgress, allowIngress } from "../baseline/network-policy";
import { envFromSecret } from "../common/env";
import { RESTRICTED_READ_ONLY_CONTAINER, RUNTIME_DEFAULT_SECCOMP } from "../common/security-context";

/**
 * adorsys keycloak-config-cli 6.5.0 built against Keycloak 26.5.4: its tags are `<cli version>-<keycloak
 * version>`, and this is the 26.5 build of the newest release the project documents.
 */
export const KEYCLOAK_CONFIG_CLI_IMAGE = "adorsys/keycloak-config-cli:6.5.0-26.5.4";

/** The image's user (`USER 65534`). */
const CLI_UID = 65534;
const REALM_DIR = "/config";
const REALM_FILE = "realm.json";
const RESOURCES = { requests: { cpu: "100m", memory: "384Mi" }, limits: { memory: "512Mi" } };
/** How long the CLI waits for Keycloak's admin API before failing the pod (then the Job retries it). */
const AVAILABILITY_TIMEOUT = "300s";

/**
 * `import.managed.*`. With remote state on, keycloak-config-cli records in the realm the clients and roles
 * each run declared, and deletes only those a later run no longer declares: ours. Clients, roles and
 * users added by hand are never in that record, so they stay. Remote state does not cover the other
 * types (client scopes, for one, would lose Keycloak's built-in scopes in `full` mode), so they never
 * delete; the realm declares none of them today. Users are never deleted by the CLI.
 */
export const MANAGED_IMPORT: Readonly<Record<string, "full" | "no-delete">> = {
  IMPORT_MANAGED_CLIENT: "full",
  IMPORT_MANAGED_ROLE: "full",
  IMPORT_MANAGED_GROUP: "no-delete",
  IMPORT_MANAGED_REQUIREDACTION: "no-delete",
  IMPORT_MANAGED_CLIENTSCOPE: "no-delete",
  IMPORT_MANAGED_SCOPEMAPPING: "no-delete",
  IMPORT_MANAGED_CLIENTSCOPEMAPPING: "no-delete",
  IMPORT_MANAGED_COMPONENT: "no-delete",
  IMPORT_MANAGED_SUBCOMPONENT: "no-delete",
  IMPORT_MANAGED_AUTHENTICATIONFLOW: "no-delete",
  IMPORT_MANAGED_IDENTITYPROVIDER: "no-delete",
  IMPORT_MANAGED_IDENTITYPROVIDERMAPPER: "no-delete",
};

/** Fixed part of the Job name around the component name; Job names are DNS labels of at most 63. */
const JOB_NAME_SUFFIX_LENGTH = "-realm-sync-".length + 10;
export const MAX_COMPONENT_NAME_LENGTH = 63 - JOB_NAME_SUFFIX_LENGTH;

/**
 * `<name>-realm-sync-<first 10 hex of the realm JSON's SHA-256>`: a changed realm is a new Job, which
 * Pulumi creates and waits for; an unchanged realm keeps the finished Job, so nothing runs.
 */
export function realmSyncJobName(name: string, realmJson: string): string {
  return `${name}-realm-sync-${createHash("sha256").update(realmJson).digest("hex").slice(0, 10)}`;
}

export interface RealmSyncArgs {
  readonly namespace: string;
  /** keycloak-config-cli image, pinned. */
  readonly image: string;
  /** In-cluster base URL of Keycloak (its HTTP Service). */
  readonly keycloakUrl: string;
  /** Keycloak's pod labels and HTTP container port, for the NetworkPolicies. */
  readonly keycloakPods: Readonly<Record<string, string>>;
  readonly keycloakHttpPort: number;
  /** Secret with keys `username` and `password` of the master-realm admin. */
  readonly adminSecretName: string;
  /** Secret with key `realm.json`, and that JSON (a secret Output: it carries the client secrets). */
  readonly realmSecretName: string;
  readonly realmJson: pulumi.Output<string>;
}

/**
 * A Job running keycloak-config-cli once per realm version: it logs in to the master realm as the admin
 * and brings the realm to the representation in the realm Secret through the admin API, creating it on
 * a fresh install. Declares the Job and the NetworkPolicies between it and Keycloak's HTTP port. It speaks
 * plain HTTP to the Service, which the master realm's `sslRequired: external` allows only from private
 * addresses: pod addresses outside 10/8, 172.16/12 and 192.168/16 would need HTTPS inside the cluster.
 */
export function declareRealmSync(
  name: string,
  args: RealmSyncArgs,
  opts: { readonly parent: pulumi.Resource; readonly dependsOn: readonly pulumi.Resource[] },
): kubernetes.batch.v1.Job {
  const { namespace } = args;
  const pods = {
    "app.kubernetes.io/name": "keycloak-config-cli",
    "app.kubernetes.io/instance": name,
    "app.kubernetes.io/component": "realm-sync",
  };
  const policy = { parent: opts.parent };
  const egress = allowEgress(
    `${name}-realm-sync-out`,
    {
      namespace,
      podLabels: pods,
      peers: [{ namespace, podLabels: args.keycloakPods }],
      ports: [args.keycloakHttpPort],
    },
    policy,
  );
  const ingress = allowIngress(
    `${name}-from-realm-sync`,
    {
      namespace,
      podLabels: args.keycloakPods,
      peers: [{ namespace, podLabels: pods }],
      ports: [args.keycloakHttpPort],
    },
    policy,
  );

  const env = [
    { name: "KEYCLOAK_URL", value: args.keycloakUrl },
    envFromSecret("KEYCLOAK_USER", args.adminSecretName, "username"),
    envFromSecret("KEYCLOAK_PASSWORD", args.adminSecretName, "password"),
    // Retries while Keycloak starts (or restarts for an upgrade) instead of failing on the first refusal.
    { name: "KEYCLOAK_AVAILABILITYCHECK_ENABLED", value: "true" },
    { name: "KEYCLOAK_AVAILABILITYCHECK_TIMEOUT", value: AVAILABILITY_TIMEOUT },
    { name: "IMPORT_FILES_LOCATIONS", value: `file:${REALM_DIR}/${REALM_FILE}` },
    // The realm is literal JSON: a `$(` in a value must stay as it is.
    { name: "IMPORT_VARSUBSTITUTION_ENABLED", value: "false" },
    { name: "IMPORT_REMOTESTATE_ENABLED", value: "true" },
    ...Object.entries(MANAGED_IMPORT).map(([variable, value]) => ({ name: variable, value })),
    { name: "JAVA_OPTS", value: "-XX:MaxRAMPercentage=70" },
  ];

  return new kubernetes.batch.v1.Job(
    `${name}-realm-sync`,
    {
      metadata: {
        // A hash of a secret, not the secret: 40 bits of SHA-256 over the realm reveal nothing of it.
        name: pulumi.unsecret(args.realmJson.apply((json) => realmSyncJobName(name, json))),
        namespace,
        labels: pods,
      },
      spec: {
        backoffLimit: 3,
        activeDeadlineSeconds: 900,
        // No ttlSecondsAfterFinished: a Job the cluster removed would read as deleted on refresh and run
        // again on the next `pulumi up` (and show as drift every night).
        template: {
          metadata: { labels: pods },
          spec: {
            restartPolicy: "Never",
            automountServiceAccountToken: false,
            // Spring binds every KEYCLOAK_* variable to its `keycloak.*` settings and rejects unknown
            // ones: the service links of the `keycloak-http` Service would stop the CLI.
            enableServiceLinks: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: CLI_UID,
              runAsGroup: CLI_UID,
              fsGroup: CLI_UID,
              seccompProfile: RUNTIME_DEFAULT_SECCOMP,
            },
            containers: [
              {
                name: "keycloak-config-cli",
                image: args.image,
                env,
                resources: RESOURCES,
                securityContext: RESTRICTED_READ_ONLY_CONTAINER,
                volumeMounts: [
                  { name: "realm", mountPath: REALM_DIR, readOnly: true },
                  { name: "tmp", mountPath: "/tmp" },
                ],
              },
            ],
            volumes: [
              {
                name: "realm",
                secret: {
                  secretName: args.realmSecretName,
                  items: [{ key: REALM_FILE, path: REALM_FILE }],
                  defaultMode: 0o440,
                },
              },
              { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
            ],
          },
        },
      },
    },
    {
      parent: opts.parent,
      dependsOn: [...opts.dependsOn, egress, ingress],
      // Pulumi waits for the Job to complete: up to the availability wait, retries and the deadline.
      customTimeouts: { create: "20m", update: "20m" },
    },
  );
}
