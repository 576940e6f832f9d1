import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { allowEgress, allowIngress } from "../baseline/network-policy";
import { PINNED_CHARTS } from "../charts/pinned-charts";
import { envFromSecret } from "../common/env";
import { pinnedImage } from "../common/images";
import { MONITOR_LABELS } from "../common/monitoring";
import { zoneSpread } from "../common/topology";
import { ENVOY_PROXY_PODS } from "../ingress/envoy-gateway";
import { type KeycloakClient, realmClientProblems, realmRepresentation } from "./keycloak-realm";
import {
  declareRealmSync,
  KEYCLOAK_CONFIG_CLI_IMAGE,
  MAX_COMPONENT_NAME_LENGTH,
} from "./keycloak-realm-sync";

export { type KeycloakClient, REALM_ROLES, type RealmRole, realmRepresentation } from "./keycloak-realm";
export { KEYCLOAK_CONFIG_CLI_IMAGE, MANAGED_IMPORT, realmSyncJobName } from "./keycloak-realm-sync";

export interface KeycloakArgs {
  /** Existing restricted namespace for Keycloak and its Secrets. No default. */
  readonly namespace: string;
  /** Keycloak pods; above 1 adds a PodDisruptionBudget, a zone spread and an Infinispan cluster. Default `1`. */
  readonly replicas?: number;
  /** Public hostname behind the Gateway's TLS termination, e.g. `"auth.ai.example.com"`. No default. */
  readonly hostname: string;
  /** The platform PostgreSQL; `credentialsSecretName` is a Secret in `namespace` the caller creates. No default. */
  readonly database: {
    readonly host: string;
    readonly port: number;
    readonly database: string;
    readonly credentialsSecretName: string;
    readonly usernameKey: string;
    readonly passwordKey: string;
  };
  /** Realm kept in step with `clients` by the realm Job. Default `"ai-platform"`. */
  readonly realm?: string;
  /** OIDC clients of the realm. No default. */
  readonly clients: readonly KeycloakClient[];
  /** clientId → namespace that gets a Secret `<name>-client-<clientId>` with key `client-secret`. Default `{}`. */
  readonly clientSecretNamespaces?: Readonly<Record<string, string>>;
  /** HTTPRoute on the shared Gateway; its hostname must equal `hostname`. Default: no route. */
  readonly route?: {
    readonly hostname: string;
    readonly gatewayName: string;
    readonly gatewayNamespace: string;
    readonly listenerName: string;
  };
  /** Keycloak image, pinned by tag or digest. Default `"quay.io/keycloak/keycloak:26.5.6"` (the chart's appVersion). */
  readonly image?: string;
  /**
   * keycloak-config-cli image of the realm Job, pinned by tag or digest; take the build for the Keycloak
   * minor release `image` runs. Default `"adorsys/keycloak-config-cli:6.5.0-26.5.4"`.
   */
  readonly configCliImage?: string;
}

export const KEYCLOAK_IMAGE = "quay.io/keycloak/keycloak:26.5.6";

const HTTP_PORT = 8080;
/** Keycloak's management interface: /health and /metrics. */
const MANAGEMENT_PORT = 9000;
/** JGroups unicast (7800) and FD_SOCK2 failure detection (7800 + 50000) of the jdbc-ping stack. */
const JGROUPS_PORTS = [7800, 57800];
const POSTGRES = { namespace: "data", podLabels: { "cnpg.io/cluster": "postgres" } };
/** The PostgreSQL pods' port (NetworkPolicies match pod ports, whatever port the Service maps). */
const POSTGRES_PORT = 5432;
const IN_CLUSTER_CLIENTS = ["ai", "observability"];
const METRICS_NAMESPACE = "observability";
const ADMIN_USER = "admin";
const RESOURCES = { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } };
const RUNTIME_DEFAULT = { type: "RuntimeDefault" };

/** `image` as the chart takes it; throws unless pinned by a tag other than `latest`, or a digest. */
export function chartImage(image: string): { repository: string; tag: string; digest: string } {
  const { repository, tag, digest } = pinnedImage("image", image);
  return { repository, tag, digest: digest ?? "" };
}

/** Chart values such as `extraEnv` are YAML list templates: one flow-style item per line. */
const yamlList = (items: readonly object[]) => items.map((item) => `- ${JSON.stringify(item)}`).join("\n");

function checkArgs(name: string, args: KeycloakArgs, replicas: number, realm: string) {
  if (name.length > MAX_COMPONENT_NAME_LENGTH)
    throw new Error(
      `${name}: the name must be at most ${MAX_COMPONENT_NAME_LENGTH} characters (it names the realm Job)`,
    );
  pinnedImage("configCliImage", args.configCliImage ?? KEYCLOAK_CONFIG_CLI_IMAGE);
  if (!Number.isInteger(replicas) || replicas < 1)
    throw new Error(`${name}: replicas must be a positive integer`);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/.test(args.hostname))
    throw new Error(`${name}: hostname "${args.hostname}" must be a bare DNS name (no scheme, port or path)`);
  if (args.route && args.route.hostname !== args.hostname)
    throw new Error(
      `${name}: route.hostname "${args.route.hostname}" must equal hostname "${args.hostname}"`,
    );
  if (!/^[A-Za-z0-9_-]+$/.test(realm) || realm === "master")
    throw new Error(`${name}: realm "${realm}" must be a simple name other than "master"`);
  const clientProblems = realmClientProblems(args.clients);
  if (clientProblems.length > 0) throw new Error(`${name}: ${clientProblems.join("; ")}`);
  for (const id of Object.keys(args.clientSecretNamespaces ?? {})) {
    const client = args.clients.find((c) => c.clientId === id);
    if (!client || client.publicClient)
      throw new Error(`${name}: clientSecretNamespaces names "${id}", which is not a confidential client`);
  }
}

/**
 * Keycloak (codecentric keycloakx chart, official image) on the platform PostgreSQL, behind the shared
 * Gateway. Admin bootstrap credentials are generated into a Secret. The realm, its roles and OIDC clients
 * live in a Secret (the JSON carries the generated client secrets) that a keycloak-config-cli Job applies
 * through the admin API once Keycloak is up, on every `pulumi up` that changes it: it creates the realm on
 * a fresh install and brings an existing one in step, deleting only clients and roles an earlier run
 * declared (see `MANAGED_IMPORT`). Keycloak itself no longer imports at start (`--import-realm` only
 * creates a missing realm, and the Job does that too): one writer, and the pods never mount client
 * secrets.
 */
export class Keycloak extends pulumi.ComponentResource {
  /** `https://<hostname>/realms/<realm>`: what tokens carry as `iss`. */
  public readonly issuerUrl: string;
  /** `http://<name>-http.<namespace>.svc.cluster.local`, for JWKS and introspection inside the cluster. */
  public readonly internalUrl: string;
  public readonly realm: string;
  /** clientId → Secret (key `client-secret`) in the namespace `clientSecretNamespaces` gave. */
  public readonly clientSecretSecretNames: Readonly<Record<string, string>>;
  /** Secret in `namespace` with keys `username` and `password` of the bootstrap admin. */
  public readonly adminSecretName: string;

  constructor(name: string, args: KeycloakArgs, opts?: pulumi.ComponentResourceOptions) {
    const replicas = args.replicas ?? 1;
    const realm = args.realm ?? "ai-platform";
    const image = chartImage(args.image ?? KEYCLOAK_IMAGE);
    checkArgs(name, args, replicas, realm);
    super("ai-platform:identity:Keycloak", name, {}, opts);

    const namespace = args.namespace;
    const secretNamespaces = args.clientSecretNamespaces ?? {};
    this.realm = realm;
    this.issuerUrl = `https://${args.hostname}/realms/${realm}`;
    this.internalUrl = `http://${name}-http.${namespace}.svc.cluster.local`;
    this.adminSecretName = `${name}-admin`;
    this.clientSecretSecretNames = Object.fromEntries(
      Object.keys(secretNamespaces).map((id) => [id, `${name}-client-${id}`]),
    );
    /** The chart's selector labels, with the release named after the component. */
    const pods = { "app.kubernetes.io/name": "keycloakx", "app.kubernetes.io/instance": name };

    const adminPassword = new random.RandomPassword(
      `${name}-admin`,
      { length: 32, special: false },
      { parent: this },
    );
    const adminSecret = new kubernetes.core.v1.Secret(
      `${name}-admin`,
      {
        metadata: { name: this.adminSecretName, namespace },
        type: "Opaque",
        stringData: { username: pulumi.secret(ADMIN_USER), password: adminPassword.result },
      },
      { parent: this },
    );

    const clientSecrets: Record<string, pulumi.Output<string>> = {};
    for (const client of args.clients.filter((c) => !c.publicClient)) {
      clientSecrets[client.clientId] = new random.RandomPassword(
        `${name}-client-${client.clientId}`,
        { length: 40, special: false },
        { parent: this },
      ).result;
    }
    for (const [id, clientNamespace] of Object.entries(secretNamespaces)) {
      const secretName = `${name}-client-${id}`;
      new kubernetes.core.v1.Secret(
        secretName,
        {
          metadata: { name: secretName, namespace: clientNamespace },
          type: "Opaque",
          stringData: { "client-secret": clientSecrets[id] as pulumi.Output<string> },
        },
        { parent: this },
      );
    }
    const realmJson = pulumi.secret(
      pulumi.jsonStringify(realmRepresentation(realm, args.clients, clientSecrets)),
    );
    const realmSecret = new kubernetes.core.v1.Secret(
      `${name}-realm`,
      {
        metadata: { name: `${name}-realm`, namespace },
        type: "Opaque",
        stringData: { "realm.json": realmJson },
      },
      { parent: this },
    );

    // One pod caches locally; several form an Infinispan cluster, discovering each other through the
    // database (jdbc-ping; the chart's own "kubernetes" stack is deprecated in Keycloak 26).
    const cache =
      replicas > 1
        ? [
            { name: "KC_CACHE", value: "ispn" },
            { name: "KC_CACHE_STACK", value: "jdbc-ping" },
            {
              name: "KC_CACHE_EMBEDDED_NETWORK_BIND_ADDRESS",
              valueFrom: { fieldRef: { fieldPath: "status.podIP" } },
            },
          ]
        : [{ name: "KC_CACHE", value: "local" }];
    const env = [
      // A full URL fixes the issuer's scheme and host; back-channel URLs follow the request (in-cluster).
      { name: "KC_HOSTNAME", value: `https://${args.hostname}` },
      { name: "KC_HOSTNAME_BACKCHANNEL_DYNAMIC", value: "true" },
      envFromSecret("KC_DB_USERNAME", args.database.credentialsSecretName, args.database.usernameKey),
      envFromSecret("KC_DB_PASSWORD", args.database.credentialsSecretName, args.database.passwordKey),
      envFromSecret("KC_BOOTSTRAP_ADMIN_USERNAME", this.adminSecretName, "username"),
      envFromSecret("KC_BOOTSTRAP_ADMIN_PASSWORD", this.adminSecretName, "password"),
      ...cache,
    ];

    const chart = new kubernetes.helm.v4.Chart(
      `${name}-chart`,
      {
        chart: PINNED_CHARTS.keycloakx.chart,
        version: PINNED_CHARTS.keycloakx.version,
        repositoryOpts: { repo: PINNED_CHARTS.keycloakx.repo },
        name,
        namespace,
        values: {
          fullnameOverride: name,
          replicas,
          image,
          args: ["start"],
          enableServiceLinks: false,
          serviceAccount: { automountServiceAccountToken: false },
          podSecurityContext: { fsGroup: 1000, runAsNonRoot: true, seccompProfile: RUNTIME_DEFAULT },
          securityContext: {
            runAsUser: 1000,
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            seccompProfile: RUNTIME_DEFAULT,
          },
          resources: RESOURCES,
          // The chart's default affinity requires one node per pod; the zone spread below replaces it.
          affinity: "",
          topologySpreadConstraints: replicas > 1 ? yamlList(zoneSpread(pods)) : "",
          podDisruptionBudget: replicas > 1 ? { maxUnavailable: 1 } : {},
          database: {
            vendor: "postgres",
            hostname: args.database.host,
            port: args.database.port,
            database: args.database.database,
          },
          cache: { stack: "custom" },
          // KC_PROXY_HEADERS: Envoy sets X-Forwarded-For/-Proto/-Host; plain HTTP behind the Gateway.
          proxy: { enabled: true, mode: "xforwarded", http: { enabled: true } },
          // Served at the root, so the issuer is https://<hostname>/realms/<realm>.
          http: { relativePath: "/" },
          health: { enabled: true },
          metrics: { enabled: true },
          serviceMonitor: { enabled: true, labels: MONITOR_LABELS },
          extraEnv: yamlList(env),
        },
      },
      { parent: this, dependsOn: [adminSecret] },
    );

    declareRealmSync(
      name,
      {
        namespace,
        image: args.configCliImage ?? KEYCLOAK_CONFIG_CLI_IMAGE,
        keycloakUrl: this.internalUrl,
        keycloakPods: pods,
        keycloakHttpPort: HTTP_PORT,
        adminSecretName: this.adminSecretName,
        realmSecretName: `${name}-realm`,
        realmJson,
      },
      { parent: this, dependsOn: [chart, adminSecret, realmSecret] },
    );

    if (args.route) {
      new kubernetes.apiextensions.CustomResource(
        `${name}-route`,
        {
          apiVersion: "gateway.networking.k8s.io/v1",
          kind: "HTTPRoute",
          metadata: { name, namespace },
          spec: {
            parentRefs: [
              {
                name: args.route.gatewayName,
                namespace: args.route.gatewayNamespace,
                sectionName: args.route.listenerName,
              },
            ],
            hostnames: [args.route.hostname],
            rules: [
              {
                matches: [{ path: { type: "PathPrefix", value: "/" } }],
                backendRefs: [{ name: `${name}-http`, port: 80 }],
              },
            ],
          },
        },
        { parent: this, dependsOn: [chart] },
      );
      allowIngress(
        `${name}-from-gateway`,
        {
          namespace,
          podLabels: pods,
          peers: [{ namespace: args.route.gatewayNamespace, podLabels: ENVOY_PROXY_PODS }],
          ports: [HTTP_PORT],
        },
        { parent: this },
      );
    }
    const policy = { parent: this };
    allowIngress(
      `${name}-in-cluster-clients`,
      {
        namespace,
        podLabels: pods,
        peers: IN_CLUSTER_CLIENTS.map((ns) => ({ namespace: ns })),
        ports: [HTTP_PORT],
      },
      policy,
    );
    allowIngress(
      `${name}-metrics`,
      { namespace, podLabels: pods, peers: [{ namespace: METRICS_NAMESPACE }], ports: [MANAGEMENT_PORT] },
      policy,
    );
    allowEgress(
      `${name}-postgres`,
      { namespace, podLabels: pods, peers: [POSTGRES], ports: [POSTGRES_PORT] },
      policy,
    );
    if (replicas > 1) {
      const peers = {
        namespace,
        podLabels: pods,
        peers: [{ namespace, podLabels: pods }],
        ports: JGROUPS_PORTS,
      };
      allowIngress(`${name}-cluster-in`, peers, policy);
      allowEgress(`${name}-cluster-out`, peers, policy);
    }

    this.registerOutputs({
      issuerUrl: this.issuerUrl,
      internalUrl: this.internalUrl,
      realm: this.realm,
      clientSecretSecretNames: this.clientSecretSecretNames,
      adminSecretName: this.adminSecretName,
    });
  }
}
