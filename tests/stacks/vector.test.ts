import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SecretMirror, secretMirrorProblems } from "../../components/secrets/secret-mirror";
import { MILVUS_KAFKA_TOPICS } from "../../components/vector/milvus-wal";
import { readStackFile } from "../../policies/offline/stack-files";
import { schemaProblems } from "../harness/component-checks";
import { byName, descendantsOf, ofType, single } from "../harness/queries";
import {
  type DeclaredResource,
  ProgramFailed,
  renderComponents,
  runProgram,
  runStackFile,
  type StackRun,
} from "../harness/run-stack";

const TOPIC = "kubernetes:kafka.strimzi.io/v1:KafkaTopic";
const STORE = "kubernetes:external-secrets.io/v1:SecretStore";
const EXTERNAL_SECRET = "kubernetes:external-secrets.io/v1:ExternalSecret";
const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const MIRROR = "ai-platform:secrets:SecretMirror";

function milvusValues(run: StackRun) {
  const chart = ofType(run, "kubernetes:helm.sh/v4:Chart").find((c) => c.name === "milvus-chart");
  if (!chart) throw new Error("no Milvus chart");
  return chart.inputs.values;
}

/** The inputs of the one resource of `type` under `parent`. */
function onlyChild(run: StackRun, parent: DeclaredResource, type: string) {
  const found = descendantsOf(run, parent).filter((resource) => resource.type === type);
  if (found.length !== 1) throw new Error(`expected one ${type} under ${parent.name}, found ${found.length}`);
  return (found[0] as DeclaredResource).inputs;
}

const userConfig = (run: StackRun) => parse(milvusValues(run).extraConfigFiles["user.yaml"]);
const milvusTopics = (run: StackRun) =>
  ofType(run, TOPIC)
    .map((topic) => topic.inputs.spec)
    .filter((spec) => spec.topicName.includes("rootcoord-dml"));

describe("Milvus's write-ahead log per environment", () => {
  it("goes to the platform's Kafka in prod, on topics declared for it, trusting Strimzi's CA", async () => {
    const run = await runStackFile("prod");
    expect(userConfig(run).mq).toEqual({ type: "kafka" });
    expect(milvusValues(run).externalKafka).toMatchObject({
      enabled: true,
      brokerList: "kafka-kafka-bootstrap.data.svc:9093",
    });
    const topics = milvusTopics(run);
    expect(topics.map((spec) => spec.topicName)).toEqual(MILVUS_KAFKA_TOPICS.map((topic) => topic.name));
    for (const spec of topics)
      expect(spec).toMatchObject({
        partitions: 1,
        replicas: 3,
        config: { "min.insync.replicas": 2, "retention.ms": 168 * 3_600_000, "max.message.bytes": 10485760 },
      });

    // The CA Milvus mounts is the copy the ExternalSecret keeps of Strimzi's cluster CA, ca.crt only.
    const copy = single(run, EXTERNAL_SECRET).inputs;
    const volume = milvusValues(run).volumes.find((v: { name: string }) => v.name === "kafka-ca");
    expect(volume.secret.secretName).toBe(copy.spec.target.name);
    expect(copy.metadata.namespace).toBe("ai");
    expect(copy.spec.data).toEqual([
      { secretKey: "ca.crt", remoteRef: { key: "kafka-cluster-ca-cert", property: "ca.crt" } },
    ]);
    const store = single(run, STORE).inputs;
    expect(copy.spec.secretStoreRef).toEqual({ kind: "SecretStore", name: store.metadata.name });
    expect(store.spec.provider.kubernetes).toMatchObject({
      remoteNamespace: "data",
      auth: { serviceAccount: { name: "milvus-kafka-ca-reader" } },
    });
  });

  it("lets the copier read Strimzi's CA certificate and nothing else", async () => {
    const run = await runStackFile("prod");
    const mirror = single(run, MIRROR);
    const role = onlyChild(run, mirror, ROLE);
    expect(role.metadata.namespace).toBe("data");
    expect(role.rules).toEqual([
      { apiGroups: [""], resources: ["secrets"], resourceNames: ["kafka-cluster-ca-cert"], verbs: ["get"] },
    ]);
    const binding = onlyChild(run, mirror, BINDING);
    expect(binding.roleRef.name).toBe(role.metadata.name);
    expect(binding.subjects).toEqual([
      { kind: "ServiceAccount", name: "milvus-kafka-ca-reader", namespace: "ai" },
    ]);
    const account = byName(run, SERVICE_ACCOUNT, "milvus-kafka-ca-reader").inputs;
    expect(account.automountServiceAccountToken).toBe(false);
    expect(await schemaProblems(descendantsOf(run, mirror).filter((r) => r.custom))).toEqual([]);
  });

  it.each(["dev", "local"])(
    "stays in object storage in %s, with no topics or CA copy for it",
    async (stack) => {
      const run = await runStackFile(stack);
      expect(userConfig(run).mq).toEqual({ type: "woodpecker" });
      expect(userConfig(run).msgChannel).toBeUndefined();
      expect(milvusTopics(run)).toEqual([]);
      expect(ofType(run, MIRROR)).toEqual([]);
    },
  );

  it("rejects a team topic that takes a Milvus WAL topic's name, before declaring anything", async () => {
    const platform = readStackFile("prod")["ai-platform:platform"] as Record<string, unknown>;
    const failure = (await runProgram("prod", {
      ...readStackFile("prod"),
      "ai-platform:platform": {
        ...platform,
        vector: { messageQueue: "kafka", mode: "cluster" },
        data: { kafka: { topics: [{ name: "orders" }, { name: "by-dev-rootcoord-dml_3" }] } },
      },
    }).catch((error: unknown) => error)) as ProgramFailed;
    expect(failure).toBeInstanceOf(ProgramFailed);
    expect(failure.declared).toEqual([]);
    expect(String(failure.cause)).toContain(
      'ai-platform:platform.data.kafka.topics[1].name: "by-dev-rootcoord-dml_3" is one of Milvus\'s WAL topics',
    );
  });
});

describe("SecretMirror", () => {
  const valid = {
    sourceNamespace: "data",
    sourceSecretName: "kafka-cluster-ca-cert",
    keys: ["ca.crt"],
    targetNamespace: "ai",
  };

  it("names every problem with its arguments at once", () => {
    expect(secretMirrorProblems("m", valid)).toEqual([]);
    expect(
      secretMirrorProblems("m", { ...valid, targetNamespace: "Data_NS", keys: ["ca.crt", "a b"] }),
    ).toEqual(['m: targetNamespace "Data_NS" is not a namespace name', 'm: "a b" is not a Secret key']);
    expect(secretMirrorProblems("m", { ...valid, targetNamespace: "data", keys: [] })).toEqual([
      'm: source and target namespace are both "data"',
      "m: keys must name at least one key to copy",
    ]);
  });

  it("refuses bad arguments before declaring anything", async () => {
    const failure = (await renderComponents(() => {
      new SecretMirror("m", { ...valid, keys: [] });
    }).catch((error: unknown) => error)) as ProgramFailed;
    expect(failure).toBeInstanceOf(ProgramFailed);
    expect(String(failure.cause)).toContain("keys must name at least one key");
    expect(failure.declared).toEqual([]);
  });
});
