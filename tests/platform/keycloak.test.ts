import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  KEYCLOAK_CONFIG_CLI_IMAGE,
  KEYCLOAK_IMAGE,
  Keycloak,
  type KeycloakArgs,
  realmRepresentation,
  realmSyncJobName,
} from "../../components/identity/keycloak";
import { GENERATED_PASSWORD_PREFIX } from "../../policies/offline/mocks";
import { referenceChartValues, referenceChartVersion, unknownValuesKeys } from "../harness/chart-reference";
import { expectNotInPlainInputs, schemaProblems, securityViolations } from "../harness/component-checks";
import { byName, ofType, single } from "../harness/queries";
import { ProgramFailed, renderComponents, type StackRun } from "../harness/run-stack";

const CHART = "kubernetes:helm.sh/v4:Chart";
const SECRET = "kubernetes:core/v1:Secret";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
const JOB = "kubernetes:batch/v1:Job";

const CLIENTS = [
  { clientId: "grafana", redirectUris: ["https://grafana.ai.example.com/login/generic_oauth"] },
  { clientId: "llm-gateway-admin", redirectUris: ["https://llm.ai.example.com/admin/*"], publicClient: true },
  {
    clientId: "mcp-server",
    redirectUris: [],
    roles: { "mcp:knowledge.read": ["app-team", "platform-admin"], "mcp:admin": ["platform-admin"] },
  },
  {
    clientId: "agent-service",
    redirectUris: ["https://agent.ai.example.com/callback"],
    standardTokenExchange: true,
    audiences: ["mcp-server"],
    serviceAccountRealmRoles: ["app-team"],
  },
] satisfies KeycloakArgs["clients"];
const DEV: KeycloakArgs = {
  namespace: "identity",
  hostname: "auth.ai.example.com",
  database: {
    host: "postgres-rw.data.svc.cluster.local",
    port: 5432,
    database: "keycloak",
    credentialsSecretName: "keycloak-db",
    usernameKey: "username",
    passwordKey: "password",
  },
  clients: CLIENTS,
  clientSecretNamespaces: { grafana: "observability", "agent-service": "ai" },
  route: {
    hostname: "auth.ai.example.com",
    gatewayName: "platform",
    gatewayNamespace: "ingress",
    listenerName: "https-auth",
  },
};
const PROD: KeycloakArgs = { ...DEV, replicas: 2 };
const POD_LABELS = { "app.kubernetes.io/name": "keycloakx", "app.kubernetes.io/instance": "keycloak" };

async function render(args: KeycloakArgs): Promise<{ run: StackRun; keycloak: Keycloak }> {
  let keycloak: Keycloak | undefined;
  const run = await renderComponents(() => {
    keycloak = new Keycloak("keycloak", args);
  });
  return { run, keycloak: keycloak as Keycloak };
}

/** What the mocked RandomPassword of that resource name returns. */
const mockedPassword = (resourceName: string) => `${GENERATED_PASSWORD_PREFIX}${resourceName}`;
const values = (run: StackRun) => single(run, CHART).inputs.values;
const env = (run: StackRun): Record<string, any> =>
  Object.fromEntries(parse(values(run).extraEnv).map((v: { name: string }) => [v.name, v]));
const realmJson = (run: StackRun) =>
  JSON.parse(byName(run, SECRET, "keycloak-realm").inputs.stringData["realm.json"]);
const policy = (run: StackRun, name: string) =>
  ofType(run, NETWORK_POLICY).find((p) => p.inputs.metadata.name === name)?.inputs.spec;
const peerNamespaces = (peers: { namespaceSelector: { matchLabels: Record<string, string> } }[]) =>
  peers.map((peer) => peer.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]);
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
const job = (run: StackRun) => single(run, JOB).inputs;
const jobPod = (run: StackRun) => job(run).spec.template.spec;
const jobEnv = (run: StackRun): Record<string, any> =>
  Object.fromEntries(jobPod(run).containers[0].env.map((v: { name: string }) => [v.name, v]));
const jobName = async (args: KeycloakArgs) => job((await render(args)).run).metadata.name;
/** `import.managed.<type>` of every resource type keycloak-config-cli's docs list, as Spring reads it from the environment. */
const MANAGED_TYPES = [
  "group",
  "required-action",
  "client-scope",
  "scope-mapping",
  "client-scope-mapping",
  "role",
  "component",
  "sub-component",
  "authentication-flow",
  "identity-provider",
  "identity-provider-mapper",
  "client",
  "client-authorization-resources",
  "client-authorization-policies",
  "client-authorization-scopes",
  "message-bundles",
];
const managedVariable = (type: string) => `IMPORT_MANAGED_${type.replaceAll("-", "").toUpperCase()}`;
/** Settings the CLI documents; it rejects unknown `keycloak.*` and `import.*` ones. */
const CLI_VARIABLES = [
  "KEYCLOAK_URL",
  "KEYCLOAK_USER",
  "KEYCLOAK_PASSWORD",
  "KEYCLOAK_AVAILABILITYCHECK_ENABLED",
  "KEYCLOAK_AVAILABILITYCHECK_TIMEOUT",
  "IMPORT_FILES_LOCATIONS",
  "IMPORT_VARSUBSTITUTION_ENABLED",
  "IMPORT_REMOTESTATE_ENABLED",
  ...MANAGED_TYPES.map(managedVariable),
  "JAVA_OPTS",
];

describe("Keycloak", () => {
  it("runs one pod with a local cache and no PodDisruptionBudget or spread in dev", async () => {
    const { run } = await render(DEV);
    const chart = single(run, CHART).inputs;
    expect(chart).toMatchObject({
      chart: "keycloakx",
      version: referenceChartVersion("keycloakx"),
      repositoryOpts: { repo: "https://codecentric.github.io/helm-charts" },
      name: "keycloak",
      namespace: "identity",
    });
    expect(values(run)).toMatchObject({
      fullnameOverride: "keycloak",
      replicas: 1,
      image: { repository: "quay.io/keycloak/keycloak", tag: "26.5.6", digest: "" },
      podDisruptionBudget: {},
      topologySpreadConstraints: "",
      affinity: "",
      cache: { stack: "custom" },
    });
    // The default image is the chart's own appVersion.
    const reference = referenceChartValues("keycloakx").image as { repository: string; tag: string };
    expect(KEYCLOAK_IMAGE).toBe(`${reference.repository}:${reference.tag}`);
    expect(env(run).KC_CACHE.value).toBe("local");
    expect(env(run).KC_CACHE_STACK).toBeUndefined();
    expect(policy(run, "keycloak-cluster-in")).toBeUndefined();
    expect(policy(run, "keycloak-cluster-out")).toBeUndefined();
  });

  it("runs 2 pods spread over zones, with a PodDisruptionBudget and a jdbc-ping cluster, in prod", async () => {
    const { run } = await render(PROD);
    const prod = values(run);
    expect(prod.replicas).toBe(2);
    expect(prod.podDisruptionBudget).toEqual({ maxUnavailable: 1 });
    const spread = parse(prod.topologySpreadConstraints);
    expect(spread.map((c: { topologyKey: string }) => c.topologyKey)).toEqual([
      "topology.kubernetes.io/zone",
      "kubernetes.io/hostname",
    ]);
    for (const constraint of spread) expect(constraint.labelSelector.matchLabels).toEqual(POD_LABELS);
    expect(env(run).KC_CACHE.value).toBe("ispn");
    expect(env(run).KC_CACHE_STACK.value).toBe("jdbc-ping");
    expect(env(run).KC_CACHE_EMBEDDED_NETWORK_BIND_ADDRESS.valueFrom).toEqual({
      fieldRef: { fieldPath: "status.podIP" },
    });
    // Keycloak pods reach each other on the JGroups ports, both ways, and only each other.
    for (const [name, direction] of [
      ["keycloak-cluster-in", "ingress"],
      ["keycloak-cluster-out", "egress"],
    ] as const) {
      const spec = policy(run, name);
      expect(spec?.podSelector.matchLabels).toEqual(POD_LABELS);
      const rule = spec?.[direction][0];
      expect(rule.ports).toEqual(tcp(7800, 57800));
      expect(direction === "ingress" ? rule.from : rule.to).toEqual([
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "identity" } },
          podSelector: { matchLabels: POD_LABELS },
        },
      ]);
    }
  });

  it("trusts the Gateway's X-Forwarded headers and issues tokens for the public hostname", async () => {
    const { run, keycloak } = await render(DEV);
    expect(values(run)).toMatchObject({
      proxy: { enabled: true, mode: "xforwarded", http: { enabled: true } },
      http: { relativePath: "/" },
      health: { enabled: true },
      metrics: { enabled: true },
      serviceMonitor: { enabled: true, labels: { release: "kube-prometheus-stack" } },
    });
    expect(env(run).KC_HOSTNAME.value).toBe("https://auth.ai.example.com");
    expect(env(run).KC_HOSTNAME_BACKCHANNEL_DYNAMIC.value).toBe("true");
    expect(keycloak.issuerUrl).toBe("https://auth.ai.example.com/realms/ai-platform");
    expect(keycloak.internalUrl).toBe("http://keycloak-http.identity.svc.cluster.local");
    expect(keycloak.realm).toBe("ai-platform");
    const route = single(run, HTTP_ROUTE).inputs;
    expect(route.metadata.namespace).toBe("identity");
    expect(route.spec).toEqual({
      parentRefs: [{ name: "platform", namespace: "ingress", sectionName: "https-auth" }],
      hostnames: ["auth.ai.example.com"],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          backendRefs: [{ name: "keycloak-http", port: 80 }],
        },
      ],
    });
  });

  it("connects to PostgreSQL with credentials from the caller's Secret, by reference only", async () => {
    const { run } = await render(DEV);
    expect(values(run).database).toEqual({
      vendor: "postgres",
      hostname: "postgres-rw.data.svc.cluster.local",
      port: 5432,
      database: "keycloak",
    });
    expect(env(run).KC_DB_USERNAME.valueFrom).toEqual({
      secretKeyRef: { name: "keycloak-db", key: "username" },
    });
    expect(env(run).KC_DB_PASSWORD.valueFrom).toEqual({
      secretKeyRef: { name: "keycloak-db", key: "password" },
    });
    for (const variable of Object.values(env(run))) {
      if (/PASSWORD|USERNAME|SECRET/.test(variable.name))
        expect(variable.value, variable.name).toBeUndefined();
    }
  });

  it("bootstraps the admin from a generated Secret", async () => {
    const { run, keycloak } = await render(DEV);
    expect(keycloak.adminSecretName).toBe("keycloak-admin");
    const admin = byName(run, SECRET, "keycloak-admin").inputs;
    expect(admin.metadata).toEqual({ name: "keycloak-admin", namespace: "identity" });
    expect(admin.stringData).toEqual({ username: "admin", password: mockedPassword("keycloak-admin") });
    expect(env(run).KC_BOOTSTRAP_ADMIN_USERNAME.valueFrom).toEqual({
      secretKeyRef: { name: "keycloak-admin", key: "username" },
    });
    expect(env(run).KC_BOOTSTRAP_ADMIN_PASSWORD.valueFrom).toEqual({
      secretKeyRef: { name: "keycloak-admin", key: "password" },
    });
  });

  it("puts a realm with every client, both roles, a roles mapper and an audience mapper per client in its Secret", async () => {
    const { run } = await render(DEV);
    const realm = realmJson(run);
    expect(realm.realm).toBe("ai-platform");
    expect(realm.roles.realm.map((role: { name: string }) => role.name).sort()).toEqual([
      "app-team",
      "platform-admin",
    ]);
    expect(realm.clientScopes).toBeUndefined(); // keeps Keycloak's default scopes
    expect(realm.clients.map((c: { clientId: string }) => c.clientId)).toEqual(
      CLIENTS.map((c) => c.clientId),
    );
    for (const client of realm.clients) {
      const mappers = Object.fromEntries(client.protocolMappers.map((m: { name: string }) => [m.name, m]));
      expect(mappers["realm-roles"]).toMatchObject({
        protocolMapper: "oidc-usermodel-realm-role-mapper",
        config: { "claim.name": "roles", multivalued: "true", "access.token.claim": "true" },
      });
      expect(mappers.audience).toMatchObject({
        protocolMapper: "oidc-audience-mapper",
        config: { "included.client.audience": client.clientId, "access.token.claim": "true" },
      });
    }
    const byId = Object.fromEntries(realm.clients.map((c: { clientId: string }) => [c.clientId, c]));
    expect(byId.grafana).toMatchObject({
      publicClient: false,
      secret: mockedPassword("keycloak-client-grafana"),
      redirectUris: CLIENTS[0]?.redirectUris,
      standardFlowEnabled: true,
    });
    expect(byId["llm-gateway-admin"].publicClient).toBe(true);
    expect(byId["llm-gateway-admin"].secret).toBeUndefined();
    expect(byId["llm-gateway-admin"].attributes["pkce.code.challenge.method"]).toBe("S256");
    expect(byId["mcp-server"]).toMatchObject({ standardFlowEnabled: false, secret: expect.any(String) });
    // One generated secret per confidential client, plus the admin password.
    expect(
      ofType(run, RANDOM_PASSWORD)
        .map((p) => p.name)
        .sort(),
    ).toEqual([
      "keycloak-admin",
      "keycloak-client-agent-service",
      "keycloak-client-grafana",
      "keycloak-client-mcp-server",
    ]);
    // The realm Job applies it; Keycloak neither imports at start nor mounts the client secrets.
    expect(values(run).args).toEqual(["start"]);
    expect(values(run).extraVolumes).toBeUndefined();
    expect(values(run).extraVolumeMounts).toBeUndefined();
    expect(JSON.stringify(values(run))).not.toContain("keycloak-realm");
  });

  it("lets a confidential client exchange tokens for another client it names as audience", async () => {
    const { run } = await render(DEV);
    const byId = Object.fromEntries(realmJson(run).clients.map((c: { clientId: string }) => [c.clientId, c]));
    const agent = byId["agent-service"];
    // Keycloak 26.2+ standard token exchange is a per-client switch.
    expect(agent.attributes["standard.token.exchange.enabled"]).toBe("true");
    expect(agent.publicClient).toBe(false);
    expect(agent.serviceAccountsEnabled).toBe(true);
    // The exchanged token's audience must be available to the requester: its own mapper adds it.
    const audiences = agent.protocolMappers
      .filter((m: { protocolMapper: string }) => m.protocolMapper === "oidc-audience-mapper")
      .map((m: { name: string; config: Record<string, string> }) => [
        m.name,
        m.config["included.client.audience"],
      ]);
    expect(audiences).toEqual([
      ["audience", "agent-service"],
      ["audience-mcp-server", "mcp-server"],
    ]);
    for (const other of ["grafana", "mcp-server"]) {
      expect(byId[other].attributes["standard.token.exchange.enabled"]).toBeUndefined();
      expect(byId[other].protocolMappers).toHaveLength(2);
    }
  });

  it("grants client roles through realm roles and gives service accounts their realm roles", async () => {
    const realm = realmJson((await render(DEV)).run);
    const realmRoles = Object.fromEntries(
      realm.roles.realm.map((role: { name: string }) => [role.name, role]),
    );
    expect(realmRoles["app-team"]).toEqual({
      name: "app-team",
      composite: true,
      composites: { client: { "mcp-server": ["mcp:knowledge.read"] } },
    });
    expect(realmRoles["platform-admin"].composites.client["mcp-server"]).toEqual([
      "mcp:knowledge.read",
      "mcp:admin",
    ]);
    expect(realm.roles.client).toEqual({
      "mcp-server": [{ name: "mcp:knowledge.read" }, { name: "mcp:admin" }],
    });
    expect(realm.users).toEqual([
      {
        username: "service-account-agent-service",
        enabled: true,
        serviceAccountClientId: "agent-service",
        realmRoles: ["app-team"],
      },
    ]);
  });

  it.each([
    [
      [{ clientId: "cli", redirectUris: [], publicClient: true, standardTokenExchange: true }],
      'client "cli": token exchange needs a confidential client',
    ],
    [
      [
        {
          clientId: "cli",
          redirectUris: [],
          publicClient: true,
          serviceAccountRealmRoles: ["app-team" as const],
          roles: { "mcp:x": ["auditor" as "app-team"] },
        },
      ],
      'client "cli": a public client has no service account to give roles; client "cli": role "mcp:x" is granted to unknown realm role "auditor"',
    ],
    [
      [{ clientId: "agent", redirectUris: [], audiences: ["nobody", "agent"] }],
      'client "agent": audience "nobody" is not another client of the realm; client "agent": audience "agent"',
    ],
  ])("rejects realm clients %j before declaring anything", async (clients, message) => {
    const failure = await render({ ...DEV, clients, clientSecretNamespaces: {} }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProgramFailed);
    expect((failure as ProgramFailed).declared).toEqual([]);
    expect(String((failure as ProgramFailed).cause)).toContain(message);
  });

  it("hands each requested client secret to its namespace as client-secret", async () => {
    const { run, keycloak } = await render(DEV);
    expect(keycloak.clientSecretSecretNames).toEqual({
      grafana: "keycloak-client-grafana",
      "agent-service": "keycloak-client-agent-service",
    });
    for (const [id, namespace] of [
      ["grafana", "observability"],
      ["agent-service", "ai"],
    ]) {
      const secret = byName(run, SECRET, `keycloak-client-${id}`);
      expect(secret.inputs.metadata).toEqual({ name: `keycloak-client-${id}`, namespace });
      expect(secret.inputs.stringData).toEqual({ "client-secret": mockedPassword(`keycloak-client-${id}`) });
      expect(secret.secretInputs).toContain("stringData");
    }
    expect(ofType(run, SECRET).map((s) => s.name)).not.toContain("keycloak-client-mcp-server");
  });

  it("runs restricted with requests and a memory limit", async () => {
    const { run } = await render(PROD);
    expect(values(run).securityContext).toEqual({
      runAsUser: 1000,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(values(run).podSecurityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(values(run).resources).toEqual({
      requests: { cpu: "500m", memory: "1Gi" },
      limits: { memory: "2Gi" },
    });
    expect(values(run).serviceAccount).toEqual({ automountServiceAccountToken: false });
  });

  it("admits the Envoy proxies, the ai and observability namespaces on 8080, metrics on 9000; egress to PostgreSQL", async () => {
    const { run } = await render(DEV);
    for (const name of ["keycloak-from-gateway", "keycloak-in-cluster-clients", "keycloak-metrics"])
      expect(policy(run, name)?.podSelector.matchLabels, name).toEqual(POD_LABELS);
    const gateway = policy(run, "keycloak-from-gateway")?.ingress[0];
    expect(gateway.from).toEqual([
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress" } },
        podSelector: {
          matchLabels: {
            "app.kubernetes.io/component": "proxy",
            "app.kubernetes.io/managed-by": "envoy-gateway",
          },
        },
      },
    ]);
    expect(gateway.ports).toEqual(tcp(8080));
    const clients = policy(run, "keycloak-in-cluster-clients")?.ingress[0];
    expect(peerNamespaces(clients.from)).toEqual(["ai", "observability"]);
    expect(clients.ports).toEqual(tcp(8080));
    const metrics = policy(run, "keycloak-metrics")?.ingress[0];
    expect(peerNamespaces(metrics.from)).toEqual(["observability"]);
    expect(metrics.ports).toEqual(tcp(9000));
    const postgres = policy(run, "keycloak-postgres");
    expect(postgres?.policyTypes).toEqual(["Egress"]);
    expect(postgres?.egress[0]).toEqual({
      to: [
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "data" } },
          podSelector: { matchLabels: { "cnpg.io/cluster": "postgres" } },
        },
      ],
      ports: tcp(5432),
    });
    // No route, no HTTPRoute and no opening for the proxies.
    const internal = (await render({ ...DEV, route: undefined })).run;
    expect(ofType(internal, HTTP_ROUTE)).toEqual([]);
    expect(policy(internal, "keycloak-from-gateway")).toBeUndefined();
  });

  it("takes an image override pinned by tag or digest", async () => {
    const tagged = (await render({ ...DEV, image: "registry.example.com/keycloak/keycloak:26.5.7" })).run;
    expect(values(tagged).image).toEqual({
      repository: "registry.example.com/keycloak/keycloak",
      tag: "26.5.7",
      digest: "",
    });
    const digest = `sha256:${"a".repeat(64)}`;
    const pinned = (await render({ ...DEV, image: `quay.io/keycloak/keycloak:26.5.6@${digest}` })).run;
    expect(values(pinned).image).toEqual({ repository: "quay.io/keycloak/keycloak", tag: "26.5.6", digest });
  });

  it.each([
    [{ image: "quay.io/keycloak/keycloak" }, "has no tag"],
    [{ image: "quay.io/keycloak/keycloak:latest" }, "mutable :latest tag"],
    [
      { configCliImage: "adorsys/keycloak-config-cli" },
      'configCliImage: image "adorsys/keycloak-config-cli" has no tag',
    ],
    [{ configCliImage: "adorsys/keycloak-config-cli:latest" }, "mutable :latest tag"],
    [{ replicas: 0 }, "replicas must be a positive integer"],
    [{ hostname: "https://auth.ai.example.com" }, "must be a bare DNS name"],
    [
      { route: { ...(DEV.route as NonNullable<KeycloakArgs["route"]>), hostname: "other.example.com" } },
      "must equal",
    ],
    [{ realm: "master" }, 'other than "master"'],
    [{ clients: [...CLIENTS, { clientId: "grafana", redirectUris: [] }] }, "clientId twice"],
    [{ clients: [{ clientId: "Grafana_UI", redirectUris: [] }] }, "is not a DNS label"],
    [{ clientSecretNamespaces: { "llm-gateway-admin": "ai" } }, "not a confidential client"],
    [{ clientSecretNamespaces: { unknown: "ai" } }, "not a confidential client"],
  ] as const)("rejects %j before declaring anything", async (override, message) => {
    const failure = await render({ ...DEV, ...override } as KeycloakArgs).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProgramFailed);
    expect(String((failure as ProgramFailed).cause)).toContain(message);
    expect((failure as ProgramFailed).declared).toEqual([]);
  });

  describe("realm Job", () => {
    it("runs keycloak-config-cli, pinned to a build for the Keycloak minor release the pods run", async () => {
      const { run } = await render(DEV);
      const [cli] = jobPod(run).containers;
      expect(cli.image).toBe(KEYCLOAK_CONFIG_CLI_IMAGE);
      const tag = /^adorsys\/keycloak-config-cli:(\d+\.\d+\.\d+)-(\d+\.\d+)\.\d+$/.exec(cli.image);
      expect(tag, cli.image).not.toBeNull();
      expect(KEYCLOAK_IMAGE.split(":")[1]?.startsWith(`${tag?.[2]}.`)).toBe(true);
      // No arguments: the image's entrypoint runs the import once and exits.
      expect(cli.command).toBeUndefined();
      expect(cli.args).toBeUndefined();
      const override = "registry.example.com/keycloak-config-cli:6.5.0-26.5.4";
      expect(jobPod((await render({ ...DEV, configCliImage: override })).run).containers[0].image).toBe(
        override,
      );
    });

    it("logs in to Keycloak's Service with the admin credentials read from the admin Secret only", async () => {
      const { run, keycloak } = await render(DEV);
      const env = jobEnv(run);
      expect(env.KEYCLOAK_URL.value).toBe(keycloak.internalUrl);
      expect(env.KEYCLOAK_USER).toEqual({
        name: "KEYCLOAK_USER",
        valueFrom: { secretKeyRef: { name: keycloak.adminSecretName, key: "username" } },
      });
      expect(env.KEYCLOAK_PASSWORD).toEqual({
        name: "KEYCLOAK_PASSWORD",
        valueFrom: { secretKeyRef: { name: keycloak.adminSecretName, key: "password" } },
      });
      for (const variable of Object.values(env)) {
        if (/PASSWORD|USER|SECRET/.test(variable.name)) expect(variable.value, variable.name).toBeUndefined();
        expect(JSON.stringify(variable)).not.toContain(GENERATED_PASSWORD_PREFIX);
      }
      expect(jobPod(run).envFrom).toBeUndefined();
      // The name is a hash of the realm, not a secret, and no input of the Job is one.
      expect(single(run, JOB).secretInputs).toEqual([]);
    });

    it("reads the realm from the realm Secret, whose JSON is the realm representation", async () => {
      const { run } = await render(DEV);
      const secret = byName(run, SECRET, "keycloak-realm");
      expect(secret.secretInputs).toContain("stringData");
      const secrets = Object.fromEntries(
        ["grafana", "mcp-server", "agent-service"].map((id) => [id, mockedPassword(`keycloak-client-${id}`)]),
      );
      const expected = JSON.parse(JSON.stringify(realmRepresentation("ai-platform", CLIENTS, secrets)));
      expect(realmJson(run)).toEqual(expected);
      const pod = jobPod(run);
      const realmVolume = pod.volumes.find((v: { name: string }) => v.name === "realm");
      expect(realmVolume.secret).toEqual({
        secretName: "keycloak-realm",
        items: [{ key: "realm.json", path: "realm.json" }],
        defaultMode: 0o440,
      });
      const mount = pod.containers[0].volumeMounts.find((m: { name: string }) => m.name === "realm");
      expect(mount).toEqual({ name: "realm", mountPath: "/config", readOnly: true });
      expect(jobEnv(run).IMPORT_FILES_LOCATIONS.value).toBe(`file:${mount.mountPath}/realm.json`);
      // Literal JSON: `$(...)` in a value is not expanded (the spelling Spring binds, not IMPORT_VAR_SUBSTITUTION_*).
      expect(jobEnv(run).IMPORT_VARSUBSTITUTION_ENABLED.value).toBe("false");
    });

    it("is named after the realm: a changed realm is a new Job, an unchanged one the same Job", async () => {
      const { run } = await render(DEV);
      const name = job(run).metadata.name;
      expect(name).toMatch(/^keycloak-realm-sync-[0-9a-f]{10}$/);
      expect(name).toBe(
        realmSyncJobName("keycloak", byName(run, SECRET, "keycloak-realm").inputs.stringData["realm.json"]),
      );
      // Same realm: same name, whatever else of Keycloak changes.
      expect(await jobName(DEV)).toBe(name);
      expect(await jobName(PROD)).toBe(name);
      expect(await jobName({ ...DEV, image: "quay.io/keycloak/keycloak:26.5.7" })).toBe(name);
      expect(await jobName({ ...DEV, configCliImage: "adorsys/keycloak-config-cli:6.5.1-26.5.5" })).toBe(
        name,
      );
      // A new redirect URI, client role, client or realm name: a new Job.
      const withClient = (id: string, change: Partial<KeycloakArgs["clients"][number]>) =>
        CLIENTS.map((client) => (client.clientId === id ? { ...client, ...change } : client));
      const changed: KeycloakArgs["clients"][] = [
        withClient("grafana", {
          redirectUris: [...(CLIENTS[0]?.redirectUris ?? []), "https://grafana.example.com/cb"],
        }),
        withClient("mcp-server", { roles: { "mcp:extra": ["app-team"] } }),
        [...CLIENTS, { clientId: "notebooks", redirectUris: [] }],
      ];
      // One render at a time: the mock runtime is shared.
      const names: string[] = [];
      for (const clients of changed) names.push(await jobName({ ...DEV, clients }));
      names.push(await jobName({ ...DEV, realm: "platform" }));
      for (const other of names) expect(other).not.toBe(name);
      expect(new Set(names).size).toBe(names.length);
    });

    it("deletes only clients and roles an earlier run declared, and waits for Keycloak to answer", async () => {
      const env = jobEnv((await render(DEV)).run);
      expect(env.IMPORT_REMOTESTATE_ENABLED.value).toBe("true");
      for (const type of MANAGED_TYPES.filter(
        (t) => !t.startsWith("client-authorization") && t !== "message-bundles",
      )) {
        const expected = type === "client" || type === "role" ? "full" : "no-delete";
        expect(env[managedVariable(type)]?.value, type).toBe(expected);
      }
      expect(env.KEYCLOAK_AVAILABILITYCHECK_ENABLED.value).toBe("true");
      expect(env.KEYCLOAK_AVAILABILITYCHECK_TIMEOUT.value).toMatch(/^\d+s$/);
      // Every variable is one the CLI knows: it fails on unknown keycloak.* and import.* settings.
      expect(Object.keys(env).filter((name) => !CLI_VARIABLES.includes(name))).toEqual([]);
    });

    it("runs restricted, without an API token or service links, with requests and a memory limit, and is kept", async () => {
      const spec = job((await render(PROD)).run).spec;
      expect(spec.ttlSecondsAfterFinished).toBeUndefined();
      expect(spec.backoffLimit).toBeGreaterThan(0);
      expect(spec.activeDeadlineSeconds).toBeGreaterThanOrEqual(600);
      const pod = spec.template.spec;
      expect(pod).toMatchObject({
        restartPolicy: "Never",
        automountServiceAccountToken: false,
        enableServiceLinks: false,
      });
      expect(pod.serviceAccountName).toBeUndefined();
      expect(pod.securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 65534,
        runAsGroup: 65534,
        fsGroup: 65534,
        seccompProfile: { type: "RuntimeDefault" },
      });
      const [cli] = pod.containers;
      expect(cli.securityContext).toEqual({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
        readOnlyRootFilesystem: true,
      });
      expect(cli.resources).toEqual({
        requests: { cpu: "100m", memory: "384Mi" },
        limits: { memory: "512Mi" },
      });
      // The read-only root leaves the JVM a small scratch /tmp.
      expect(cli.volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
      expect(pod.volumes).toContainEqual({ name: "tmp", emptyDir: { sizeLimit: "64Mi" } });
    });

    it("rejects a component name that leaves no room for the Job's name, before declaring anything", async () => {
      const failure = await renderComponents(() => {
        new Keycloak("k".repeat(42), DEV);
      }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ProgramFailed);
      expect(String((failure as ProgramFailed).cause)).toContain("at most 41 characters");
      expect((failure as ProgramFailed).declared).toEqual([]);
      // 41 fits: the Job's name stays a 63-character DNS label.
      const run = await renderComponents(() => {
        new Keycloak("k".repeat(41), DEV);
      });
      expect(job(run).metadata.name).toHaveLength(63);
    });

    it("may reach Keycloak's HTTP port, and Keycloak admits it there, and nothing else", async () => {
      const { run } = await render(DEV);
      const jobPods = job(run).spec.template.metadata.labels;
      expect(job(run).metadata.labels).toEqual(jobPods);
      // Keycloak's Service and PodDisruptionBudget do not select the Job's pod.
      expect(Object.entries(POD_LABELS).every(([k, v]) => jobPods[k] === v)).toBe(false);
      const out = policy(run, "keycloak-realm-sync-out");
      expect(out?.podSelector.matchLabels).toEqual(jobPods);
      expect(out?.policyTypes).toEqual(["Egress"]);
      expect(out?.egress).toEqual([
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "identity" } },
              podSelector: { matchLabels: POD_LABELS },
            },
          ],
          ports: tcp(8080),
        },
      ]);
      const into = policy(run, "keycloak-from-realm-sync");
      expect(into?.podSelector.matchLabels).toEqual(POD_LABELS);
      expect(into?.ingress).toEqual([
        {
          from: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "identity" } },
              podSelector: { matchLabels: jobPods },
            },
          ],
          ports: tcp(8080),
        },
      ]);
      // No other policy selects the Job's pods.
      const selectingJob = ofType(run, NETWORK_POLICY).filter(
        (p) => JSON.stringify(p.inputs.spec.podSelector) === JSON.stringify({ matchLabels: jobPods }),
      );
      expect(selectingJob.map((p) => p.inputs.metadata.name)).toEqual(["keycloak-realm-sync-out"]);
    });
  });

  describe.each([
    ["dev", DEV],
    ["prod", PROD],
  ] as const)("%s shape", (_environment, args) => {
    it("declares only valid Kubernetes objects and chart values the chart has", async () => {
      const { run } = await render(args);
      const objects = run.resources.filter(
        (r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"),
      );
      expect(objects.map((o) => o.type)).toContain(JOB);
      expect(await schemaProblems(objects)).toEqual([]);
      // Security contexts are Kubernetes objects the chart passes through as they are.
      const freeForm = ["nodeSelector", "podAnnotations", "podLabels", "extraEnv", "resources"];
      expect(
        unknownValuesKeys(values(run), referenceChartValues("keycloakx"), [
          ...freeForm,
          "securityContext",
          "podSecurityContext",
        ]),
      ).toEqual([]);
    });

    it("never lets a client secret or the admin password out of Secrets in plain text", async () => {
      const { run, keycloak } = await render(args);
      const holders = run.resources.filter((r) =>
        JSON.stringify(r.inputs).includes(GENERATED_PASSWORD_PREFIX),
      );
      expect(holders.map((r) => r.name).sort()).toEqual([
        "keycloak-admin",
        "keycloak-client-agent-service",
        "keycloak-client-grafana",
        "keycloak-realm",
      ]);
      for (const holder of holders) {
        expect(holder.type, holder.name).toBe(SECRET);
        expect(holder.secretInputs, holder.name).toContain("stringData");
      }
      expectNotInPlainInputs(run, GENERATED_PASSWORD_PREFIX);
      const fields = {
        issuerUrl: keycloak.issuerUrl,
        internalUrl: keycloak.internalUrl,
        realm: keycloak.realm,
        clientSecretSecretNames: keycloak.clientSecretSecretNames,
        adminSecretName: keycloak.adminSecretName,
      };
      expect(JSON.stringify(fields)).not.toContain(GENERATED_PASSWORD_PREFIX);
    });

    it("passes the security pack's mandatory rules with the prod config", async () => {
      const { run } = await render(args);
      const violations = securityViolations(run);
      // No Namespace is declared, so k8s-namespace-default-deny has nothing to flag either.
      expect(violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
    });
  });
});
