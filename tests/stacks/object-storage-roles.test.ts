import { beforeAll, describe, expect, it } from "vitest";
import { bucketAccessPolicy } from "../../components/cluster/aws-iam-roles";
import { AwsObjectStorage, consumerProblems } from "../../components/storage/aws-object-storage";
import { readStackFile } from "../../policies/offline/stack-files";
import { byName, ofType, single } from "../harness/queries";
import {
  type DeclaredResource,
  ProgramFailed,
  renderComponents,
  runStackFile,
  type StackRun,
} from "../harness/run-stack";

const T = {
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  user: "aws:iam/user:User",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  accessKey: "aws:iam/accessKey:AccessKey",
  oidc: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
  bucket: "aws:s3/bucket:Bucket",
  kmsKey: "aws:kms/key:Key",
  chart: "kubernetes:helm.sh/v4:Chart",
  pgCluster: "kubernetes:postgresql.cnpg.io/v1:Cluster",
  secret: "kubernetes:core/v1:Secret",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
};
const STORAGE = "aip-prod-aws-object-storage";
const ISSUER = "oidc.eks.example.amazonaws.com/id/AIP-PROD-AWS-CLUSTER";
const ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";
/** The mocks' ARN of a declared resource. */
const arnOf = (resource: DeclaredResource) => `arn:mock:${resource.type}:${resource.name}`;

/** Each consumer: its role's name, its bucket, and where its service account lives. */
const CONSUMERS = {
  loki: { bucket: "aip-prod-aws-loki", namespace: "observability", serviceAccount: "logging-loki" },
  postgres: { bucket: "aip-prod-aws-postgres-backups", namespace: "data", serviceAccount: "postgres" },
  milvus: { bucket: "aip-prod-aws-milvus", namespace: "ai", serviceAccount: "milvus" },
} as const;
type Consumer = keyof typeof CONSUMERS;

const chartNamed = (run: StackRun, chart: string) => {
  const found = ofType(run, T.chart).filter((c) => c.inputs.chart === chart);
  if (found.length !== 1) throw new Error(`expected one ${chart} chart, found ${found.length}`);
  return (found[0] as DeclaredResource).inputs;
};
const roleOf = (run: StackRun, consumer: Consumer) => byName(run, T.role, `${STORAGE}-${consumer}`);
const policyOf = (run: StackRun, consumer: Consumer) =>
  JSON.parse(byName(run, T.rolePolicy, `${STORAGE}-${consumer}`).inputs.policy);
const bucketArn = (run: StackRun, bucket: string) => {
  const found = ofType(run, T.bucket).find((b) => b.inputs.bucket === bucket);
  if (!found) throw new Error(`no bucket ${bucket}`);
  return arnOf(found);
};
/** The service account each consumer's pods run as, read from what the stack declares. */
function declaredServiceAccount(run: StackRun, consumer: Consumer) {
  if (consumer === "postgres") {
    const cluster = single(run, T.pgCluster).inputs;
    return {
      namespace: cluster.metadata.namespace,
      name: cluster.metadata.name,
      roleArn: cluster.spec.serviceAccountTemplate?.metadata.annotations[ROLE_ANNOTATION],
    };
  }
  const chart = chartNamed(run, consumer);
  return {
    namespace: chart.namespace,
    name: chart.values.serviceAccount?.name,
    roleArn: chart.values.serviceAccount?.annotations?.[ROLE_ANNOTATION],
  };
}
/** Secrets declared with the IAM user's access key id in them. */
const keyHolders = (run: StackRun) =>
  ofType(run, T.secret)
    .filter((s) => JSON.stringify(s.inputs.stringData ?? {}).includes(`${STORAGE}-user-id`))
    .map((s) => `${s.inputs.metadata.namespace}/${s.inputs.metadata.name}`);

describe("object storage through IAM roles for service accounts on EKS (prod-aws)", () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStackFile("prod-aws");
  });

  it.each(Object.keys(CONSUMERS) as Consumer[])(
    "gives %s's service account its own role, which only that service account can assume",
    (consumer) => {
      const role = roleOf(run, consumer);
      const account = declaredServiceAccount(run, consumer);
      expect(account).toEqual({
        namespace: CONSUMERS[consumer].namespace,
        name: CONSUMERS[consumer].serviceAccount,
        roleArn: arnOf(role),
      });
      const trust = JSON.parse(role.inputs.assumeRolePolicy);
      expect(trust.Statement).toEqual([
        {
          Effect: "Allow",
          Principal: { Federated: arnOf(single(run, T.oidc)) },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${ISSUER}:sub`]: `system:serviceaccount:${account.namespace}:${account.name}`,
              [`${ISSUER}:aud`]: "sts.amazonaws.com",
            },
          },
        },
      ]);
    },
  );

  it.each(Object.keys(CONSUMERS) as Consumer[])(
    "allows %s its own bucket and the buckets' KMS key, nothing else",
    (consumer) => {
      const own = bucketArn(run, CONSUMERS[consumer].bucket);
      const key = arnOf(byName(run, T.kmsKey, `${STORAGE}-key`));
      const statements = policyOf(run, consumer).Statement;
      expect(statements.map((s: { Resource: unknown }) => s.Resource)).toEqual([[own], [`${own}/*`], key]);
      expect(statements.flatMap((s: { Action: string[] }) => s.Action)).toEqual([
        "s3:ListBucket",
        "s3:GetBucketLocation",
        "s3:ListBucketMultipartUploads",
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:AbortMultipartUpload",
        "s3:ListMultipartUploadParts",
        "kms:Decrypt",
        "kms:GenerateDataKey",
      ]);
      expect(statements.every((s: { Effect: string }) => s.Effect === "Allow")).toBe(true);
      const policy = byName(run, T.rolePolicy, `${STORAGE}-${consumer}`).inputs;
      expect(policy.role).toBe(`${STORAGE}-${consumer}`);
    },
  );

  it("copies no access key into the namespaces of the consumers that assume a role", () => {
    const names = ofType(run, T.secret).map((s) => s.inputs.metadata.name);
    expect(names).not.toContain("loki-object-storage");
    expect(names).not.toContain("milvus-object-storage");
    // The published Secret stays (the outputs contract names it for application teams), and is the only one.
    expect(keyHolders(run)).toEqual(["data/object-storage-credentials"]);

    const loki = chartNamed(run, "loki").values;
    expect(JSON.stringify(loki)).not.toMatch(/secretKeyRef|accessKeyId|secretAccessKey/);
    const milvus = chartNamed(run, "milvus").values;
    expect(milvus.externalS3).toMatchObject({ useIAM: true, accessKey: "", secretKey: "" });
    expect(JSON.stringify(milvus)).not.toContain("MINIO_ACCESS_KEY_ID");
    const backup = single(run, T.pgCluster).inputs.spec.backup.barmanObjectStore;
    expect(backup.s3Credentials).toEqual({ inheritFromIAMRole: true });
  });

  it("keeps the IAM user's key pair for the Secret the outputs contract publishes", () => {
    expect(single(run, T.user).inputs.name).toBe(`${STORAGE}-platform-storage`);
    expect(single(run, T.accessKey).inputs.user).toBe(`${STORAGE}-platform-storage`);
    const userPolicy = JSON.parse(single(run, T.userPolicy).inputs.policy);
    const buckets = Object.values(CONSUMERS).map((c) => bucketArn(run, c.bucket));
    expect(userPolicy.Statement[0].Resource).toEqual(expect.arrayContaining(buckets));
    const dataStores = run.outputs.dataStores as { objectStorage: { credentialsSecret: string } };
    expect(dataStores.objectStorage.credentialsSecret).toBe("data/object-storage-credentials");
  });

  it("still fetches model weights with the key pair: mc cannot assume a role", async () => {
    const inference = readStackFile("prod-aws")["ai-platform:inference"] as { cpuModels: object };
    const withUpload = await runStackFile("prod-aws", {
      "ai-platform:inference": {
        ...inference,
        cpuModels: {
          ...inference.cpuModels,
          "uploaded-reranker": {
            enabled: true,
            kind: "rerank",
            source: { objectStoragePath: "rerankers/uploaded.gguf" },
            contextLength: 8192,
            threads: 4,
            parallel: 2,
            replicas: { min: 1, max: 1 },
            cpu: "4",
            memory: "8Gi",
            cacheGi: 10,
          },
        },
      },
    });
    expect(keyHolders(withUpload).sort()).toEqual([
      "ai/inference-object-storage",
      "data/object-storage-credentials",
    ]);
    const server = ofType(withUpload, T.statefulSet).find(
      (s) => s.inputs.metadata.name === "uploaded-reranker",
    );
    const fetch = server?.inputs.spec.template.spec.initContainers.find(
      (c: { name: string }) => c.name === "fetch-weights",
    );
    expect(fetch.env).toContainEqual({
      name: "S3_ACCESS_KEY",
      valueFrom: { secretKeyRef: { name: "inference-object-storage", key: "accessKey" } },
    });
  });
});

describe.each([
  ["prod", "Alibaba Cloud OSS"],
  ["dev", "MinIO"],
  ["local", "MinIO on an existing cluster"],
])("%s (%s) stays on key pairs", (stack) => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStackFile(stack);
  });

  it("declares no IAM role for object storage and annotates no service account", () => {
    expect(ofType(run, T.role).filter((r) => r.name.includes("object-storage"))).toEqual([]);
    expect(JSON.stringify(run.resources.map((r) => r.inputs))).not.toContain(ROLE_ANNOTATION);
  });

  it("hands Loki, PostgreSQL and Milvus the key pair through their own Secrets", () => {
    const names = ofType(run, T.secret).map(
      (s) => `${s.inputs.metadata.namespace}/${s.inputs.metadata.name}`,
    );
    expect(names).toEqual(
      expect.arrayContaining([
        "data/object-storage-credentials",
        "observability/loki-object-storage",
        "ai/milvus-object-storage",
      ]),
    );
    const loki = chartNamed(run, "loki").values;
    expect(loki.singleBinary.extraEnv[0].valueFrom.secretKeyRef.name).toBe("loki-object-storage");
    expect(loki.serviceAccount.annotations).toBeUndefined();
    const milvus = chartNamed(run, "milvus").values;
    expect(milvus.externalS3.useIAM).toBe(false);
    expect(milvus.serviceAccount).toBeUndefined();
    const spec = single(run, T.pgCluster).inputs.spec;
    expect(spec.serviceAccountTemplate).toBeUndefined();
    expect(spec.backup.barmanObjectStore.s3Credentials.accessKeyId).toEqual({
      name: "object-storage-credentials",
      key: "accessKey",
    });
  });
});

describe("AwsObjectStorage roles", () => {
  const BUCKETS = { postgresBackups: "b-pg", loki: "b-loki", milvus: "b-milvus", models: "b-models" };

  it("grants a read-only consumer reads and decryption, never writes or deletes", async () => {
    const document = await new Promise<string>((done) =>
      bucketAccessPolicy(["arn:aws:s3:::b-models"], "arn:aws:kms:key", "read-only").apply(done),
    );
    expect(JSON.parse(document).Statement).toEqual([
      {
        Effect: "Allow",
        Action: ["s3:ListBucket", "s3:GetBucketLocation"],
        Resource: ["arn:aws:s3:::b-models"],
      },
      { Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b-models/*"] },
      { Effect: "Allow", Action: ["kms:Decrypt"], Resource: "arn:aws:kms:key" },
    ]);
    expect(() => bucketAccessPolicy([], "arn:aws:kms:key", "read-only")).toThrow("no buckets to grant");
  });

  it("reports every bad consumer at once", () => {
    expect(
      consumerProblems(BUCKETS, {
        Loki: { namespace: "o", serviceAccount: "loki", buckets: ["loki"], access: "read-write" },
        empty: { namespace: "o", serviceAccount: "e", buckets: [], access: "read-only" },
        typo: {
          namespace: "o",
          serviceAccount: "t",
          buckets: ["modles" as "models"],
          access: "read-only",
        },
        again: { namespace: "o", serviceAccount: "loki", buckets: ["loki"], access: "read-only" },
      }),
    ).toEqual([
      'consumer "Loki" must be letters, digits and dashes',
      'consumer "empty" names no bucket',
      'consumer "typo" names bucket "modles", which is not one of the buckets',
      'consumers "Loki" and "again" share the service account o/loki',
    ]);
  });

  it("rejects bad consumers before declaring anything", async () => {
    const failure = await renderComponents(() => {
      new AwsObjectStorage("store", {
        region: "us-west-2",
        buckets: BUCKETS,
        serviceAccountRoles: {
          oidcProviderArn: "arn:aws:iam::1:oidc-provider/x",
          oidcIssuerUrl: "https://x",
          consumers: { loki: { namespace: "o", serviceAccount: "l", buckets: [], access: "read-write" } },
        },
      });
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProgramFailed);
    expect(String((failure as ProgramFailed).cause)).toContain('store: consumer "loki" names no bucket');
    expect((failure as ProgramFailed).declared).toEqual([]);
  });

  it("creates no role without serviceAccountRoles", async () => {
    const run = await renderComponents(() => {
      new AwsObjectStorage("store", { region: "us-west-2", buckets: BUCKETS });
    });
    expect(ofType(run, T.role)).toEqual([]);
    expect(ofType(run, T.rolePolicy)).toEqual([]);
    expect(ofType(run, T.bucket)).toHaveLength(4);
  });
});
