import { describe, expect, it } from "vitest";
import {
  type PostgresBackupArgs,
  PostgresCluster,
  postgresServiceAccountName,
} from "../../components/data/postgres-cluster";
import { referenceChartValues, unknownValuesKeys } from "../harness/chart-reference";
import { schemaProblems, securityViolations } from "../harness/component-checks";
import { ofType, single } from "../harness/queries";
import { renderComponents, type StackRun } from "../harness/run-stack";

const CLUSTER = "kubernetes:postgresql.cnpg.io/v1:Cluster";
const DATABASES = [
  { name: "keycloak", owner: "keycloak" },
  { name: "llm_gateway", owner: "gateway" },
  { name: "search", owner: "team_search" },
];
const BACKUP = {
  destinationPath: "s3://aip-postgres-backups/prod",
  endpointURL: "http://minio.data.svc.cluster.local:9000",
  credentialsSecretName: "minio-credentials",
};

const render = (instances: number, withBackup = true) =>
  renderComponents(() => {
    new PostgresCluster("postgres", {
      namespace: "data",
      instances,
      databases: DATABASES,
      clientNamespaces: ["identity", "ai"],
      ...(withBackup ? { backup: BACKUP } : {}),
    });
  });

describe("PostgresCluster", () => {
  it("runs one instance in dev and a synchronous three-instance quorum across zones in prod", async () => {
    const dev = single(await render(1, false), CLUSTER).inputs.spec;
    expect(dev).toMatchObject({
      instances: 1,
      enablePDB: false,
      imageName: "ghcr.io/cloudnative-pg/postgresql:16.10",
    });
    expect(dev.postgresql.synchronous).toBeUndefined();
    expect(dev.backup).toBeUndefined();

    const prod = single(await render(3), CLUSTER).inputs.spec;
    expect(prod).toMatchObject({
      instances: 3,
      enablePDB: true,
      affinity: { enablePodAntiAffinity: true, topologyKey: "topology.kubernetes.io/zone" },
      postgresql: { synchronous: { method: "any", number: 1 } },
    });
  });

  it("creates every database and gives each owner a login with a generated password", async () => {
    const run = await render(3);
    const spec = single(run, CLUSTER).inputs.spec;
    expect(spec.bootstrap.initdb).toMatchObject({
      database: "keycloak",
      owner: "keycloak",
      secret: { name: "postgres-keycloak-credentials" },
    });
    expect(spec.bootstrap.initdb.postInitSQL).toEqual([
      'CREATE ROLE "gateway" NOLOGIN',
      'CREATE ROLE "team_search" NOLOGIN',
      'CREATE DATABASE "llm_gateway" OWNER "gateway"',
      'CREATE DATABASE "search" OWNER "team_search"',
    ]);
    expect(spec.managed.roles.map((role: { name: string }) => role.name)).toEqual([
      "keycloak",
      "gateway",
      "team_search",
    ]);
    const secrets = ofType(run, "kubernetes:core/v1:Secret");
    expect(secrets.map((s) => s.inputs.type)).toEqual([
      "kubernetes.io/basic-auth",
      "kubernetes.io/basic-auth",
      "kubernetes.io/basic-auth",
    ]);
    for (const secret of secrets) expect(secret.secretInputs).toContain("stringData");
  });

  it("never lets a generated password out of a Secret", async () => {
    const run = await render(3);
    const passwords = ofType(run, "random:index/randomPassword:RandomPassword").map((p) => p.name);
    expect(passwords).toHaveLength(3);
    for (const resource of run.resources.filter((r) => r.type !== "kubernetes:core/v1:Secret")) {
      expect(JSON.stringify(resource.inputs)).not.toMatch(/"password":"/);
    }
  });

  it("archives WAL and takes daily backups to object storage", async () => {
    const run = await render(3);
    expect(single(run, CLUSTER).inputs.spec.backup).toMatchObject({
      retentionPolicy: "14d",
      barmanObjectStore: {
        destinationPath: BACKUP.destinationPath,
        endpointURL: BACKUP.endpointURL,
        s3Credentials: { accessKeyId: { name: "minio-credentials", key: "accessKey" } },
      },
    });
    expect(single(run, "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup").inputs.spec).toMatchObject({
      cluster: { name: "postgres" },
      schedule: "0 0 3 * * *",
    });
  });

  it("backs up through an IAM role on its service account instead of a key pair, when given one", async () => {
    const role = "arn:aws:iam::123456789012:role/aip-postgres";
    const { credentialsSecretName: _secret, ...location } = BACKUP;
    const run = await renderComponents(() => {
      new PostgresCluster("postgres", {
        namespace: "data",
        instances: 3,
        databases: DATABASES,
        backup: { ...location, serviceAccountRoleArn: role },
      });
    });
    const spec = single(run, CLUSTER).inputs.spec;
    // CloudNativePG names the instances' service account after the cluster and applies the template to it.
    expect(postgresServiceAccountName("postgres")).toBe("postgres");
    expect(spec.serviceAccountTemplate).toEqual({
      metadata: { annotations: { "eks.amazonaws.com/role-arn": role } },
    });
    expect(spec.backup.barmanObjectStore.s3Credentials).toEqual({ inheritFromIAMRole: true });
    const objects = run.resources.filter(
      (r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"),
    );
    expect(await schemaProblems(objects)).toEqual([]);
    // With a key pair, no template: the operator's service account stays as it is.
    expect(single(await render(3), CLUSTER).inputs.spec.serviceAccountTemplate).toBeUndefined();
  });

  it("refuses a backup with both a role and a key pair, or with neither", async () => {
    const { credentialsSecretName: _secret, ...location } = BACKUP;
    const attempt = (backup: PostgresBackupArgs) =>
      renderComponents(() => {
        new PostgresCluster("pg", { namespace: "data", databases: DATABASES, backup });
      });
    await expect(attempt({ ...BACKUP, serviceAccountRoleArn: "arn:aws:iam::1:role/r" })).rejects.toThrow(
      "backup has a serviceAccountRoleArn and a credentialsSecretName",
    );
    await expect(attempt(location)).rejects.toThrow(
      "backup needs serviceAccountRoleArn or credentialsSecretName",
    );
  });

  it("lets only the named namespaces connect", async () => {
    const clients = ofType(await render(1), "kubernetes:networking.k8s.io/v1:NetworkPolicy").find(
      (policy) => policy.inputs.metadata.name === "postgres-clients",
    );
    const namespaces = clients?.inputs.spec.ingress[0].from.map(
      (peer: { namespaceSelector: { matchLabels: Record<string, string> } }) =>
        peer.namespaceSelector.matchLabels["kubernetes.io/metadata.name"],
    );
    expect(namespaces).toEqual(["data", "identity", "ai"]);
    expect(clients?.inputs.spec.ingress[0].ports).toEqual([{ protocol: "TCP", port: 5432 }]);
  });

  it("is scraped by Prometheus through a PodMonitor it selects, when a metrics namespace is given", async () => {
    const run = await renderComponents(() => {
      new PostgresCluster("postgres", {
        namespace: "data",
        databases: DATABASES,
        metricsNamespace: "observability",
      });
    });
    const monitor = single(run, "kubernetes:monitoring.coreos.com/v1:PodMonitor").inputs;
    expect(monitor.metadata.labels).toEqual({ release: "kube-prometheus-stack" });
    expect(monitor.spec.selector.matchLabels).toEqual({ "cnpg.io/cluster": "postgres" });
    const allow = ofType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find(
      (p) => p.inputs.metadata.name === "postgres-metrics",
    );
    expect(allow?.inputs.spec.ingress[0].ports).toEqual([{ protocol: "TCP", port: 9187 }]);
    expect(ofType(await render(1), "kubernetes:monitoring.coreos.com/v1:PodMonitor")).toEqual([]);
  });

  it("refuses two instances and malformed retention", async () => {
    await expect(render(2)).rejects.toThrow("use 1 instance, or 3 or more");
    await expect(
      renderComponents(() => {
        new PostgresCluster("pg", {
          namespace: "data",
          databases: DATABASES,
          backup: { ...BACKUP, retention: "two weeks" },
        });
      }),
    ).rejects.toThrow("backup.retention must look like 14d");
  });

  describe.each([
    ["dev", 1],
    ["prod", 3],
  ] as const)("%s shape", (environment, instances) => {
    let run: StackRun;
    it("validates against the CRDs, kubernetes-models and the chart's values", async () => {
      run = await render(instances);
      const objects = run.resources.filter(
        (r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"),
      );
      expect(await schemaProblems(objects)).toEqual([]);
      const chart = single(run, "kubernetes:helm.sh/v4:Chart");
      expect(chart.inputs.version).toBe("0.29.0");
      expect(unknownValuesKeys(chart.inputs.values, referenceChartValues("cloudnative-pg"))).toEqual([]);
    });

    it(`passes the security pack's mandatory rules (${environment})`, async () => {
      run ??= await render(instances);
      const violations = securityViolations(run);
      // Protection is the stack's decision (prod protects), not the component's.
      const mandatory = violations.filter(
        (v) => v.enforcementLevel === "mandatory" && v.rule !== "pulumi-protect-stateful",
      );
      expect(mandatory).toEqual([]);
    });
  });
});
