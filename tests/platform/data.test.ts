import { describe, expect, it } from "vitest";
import { readStackFile } from "../../policies/offline/stack-files";
import { ofType, single } from "../harness/queries";
import { runStackFile } from "../harness/run-stack";

const PG = "kubernetes:postgresql.cnpg.io/v1:Cluster";
const KAFKA_POOL = "kubernetes:kafka.strimzi.io/v1:KafkaNodePool";
const STATEFULSET = "kubernetes:apps/v1:StatefulSet";

describe("data stores per environment", () => {
  it("are small and single in dev", async () => {
    const run = await runStackFile("dev");
    expect(single(run, PG).inputs.spec.instances).toBe(1);
    expect(single(run, KAFKA_POOL).inputs.spec.replicas).toBe(1);
    const minio = ofType(run, STATEFULSET).find((s) => s.inputs.metadata.name === "minio");
    expect(minio?.inputs.spec.replicas).toBe(1);
  });

  it("are replicated across zones and protected in prod", async () => {
    const run = await runStackFile("prod");
    const pg = single(run, PG);
    expect(pg.inputs.spec).toMatchObject({
      instances: 3,
      storage: { size: "100Gi" },
      postgresql: { synchronous: { number: 1 } },
    });
    expect(single(run, KAFKA_POOL).inputs.spec.replicas).toBe(3);
    const buckets = ofType(run, "alicloud:oss/bucket:Bucket");
    expect(buckets).toHaveLength(4);
    for (const resource of [pg, single(run, KAFKA_POOL), ...buckets])
      expect(resource.protect, resource.type).toBe(true);
  });

  it("keep prod objects in the cloud's storage, private, encrypted, versioned and expiring old versions", async () => {
    const run = await runStackFile("prod");
    expect(ofType(run, STATEFULSET).find((s) => s.inputs.metadata.name === "minio")).toBeUndefined();
    const buckets = ofType(run, "alicloud:oss/bucket:Bucket");
    expect(buckets.map((b) => b.inputs.bucket).sort()).toEqual([
      "aip-prod-loki",
      "aip-prod-milvus",
      "aip-prod-models",
      "aip-prod-postgres-backups",
    ]);
    for (const bucket of buckets) {
      expect(bucket.inputs).toMatchObject({
        acl: "private",
        serverSideEncryptionRule: { sseAlgorithm: "AES256" },
        versioning: { status: "Enabled" },
        lifecycleRules: [{ enabled: true, noncurrentVersionExpirations: [{ days: 30 }] }],
      });
    }
    const aws = await runStackFile("prod-aws");
    expect(ofType(aws, "aws:s3/bucket:Bucket")).toHaveLength(4);
    expect(ofType(aws, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")).toHaveLength(4);
  });

  it("runs MinIO erasure-coded over four pods when a prod stack chooses it", async () => {
    const platform = readStackFile("prod")["ai-platform:platform"] as Record<string, unknown>;
    const run = await runStackFile("prod", {
      "ai-platform:platform": { ...platform, data: { objectStorage: { provider: "minio" } } },
    });
    const minio = ofType(run, STATEFULSET).find((s) => s.inputs.metadata.name === "minio");
    expect(minio?.inputs.spec.replicas).toBe(4);
    expect(minio?.protect).toBe(true);
  });

  it("create the platform's databases and the application teams' from config", async () => {
    const run = await runStackFile("dev", {
      "ai-platform:platform": {
        domain: "ai-dev.example.com",
        tls: { acmeEmail: "ops@example.com" },
        data: { postgres: { appDatabases: [{ name: "search", owner: "team_search" }] } },
      },
    });
    const { initdb } = single(run, PG).inputs.spec.bootstrap;
    expect(initdb.database).toBe("keycloak");
    expect(initdb.postInitSQL).toEqual(
      expect.arrayContaining([
        'CREATE DATABASE "llm_gateway" OWNER "llm_gateway"',
        'CREATE DATABASE "search" OWNER "team_search"',
      ]),
    );
  });

  it("back PostgreSQL up to the platform's object storage", async () => {
    expect(single(await runStackFile("dev"), PG).inputs.spec.backup.barmanObjectStore).toMatchObject({
      destinationPath: "s3://postgres-backups/dev",
      endpointURL: "http://minio.data.svc.cluster.local:9000",
      s3Credentials: { accessKeyId: { name: "object-storage-credentials", key: "accessKey" } },
    });
    expect(single(await runStackFile("prod"), PG).inputs.spec.backup.barmanObjectStore).toMatchObject({
      destinationPath: "s3://aip-prod-postgres-backups/prod",
      endpointURL: "https://oss-cn-hangzhou-internal.aliyuncs.com",
    });
  });
});
