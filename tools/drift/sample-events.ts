import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";

/**
 * Recorded engine events, used by the tests and to render docs/drift-sample.md.
 * Engine events of `pulumi preview --refresh --diff` on the dev stack after someone, in the console,
 * raised the GPU pool's max size and changed its team tag, rotated a database password by hand and
 * deleted a vSwitch. Shapes follow the Automation API's EngineEvent types.
 */
const URN = "urn:pulumi:dev::ai-platform::";
let sequence = 0;
const event = (body: Partial<EngineEvent>): EngineEvent => ({
  sequence: sequence++,
  timestamp: 1763900000 + sequence,
  ...body,
});
const step = (
  op: StepEventMetadata["op"],
  type: string,
  name: string,
  extra: Partial<StepEventMetadata> = {},
): EngineEvent =>
  event({
    resourcePreEvent: { metadata: { op, urn: `${URN}${type}::${name}`, type, provider: "", ...extra } },
  });

const SECRET = {
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  value: "hand-rotated-pw",
};
const poolState = (maxSize: number, team: string) => ({
  type: "alicloud:cs/nodePool:NodePool",
  urn: `${URN}alicloud:cs/nodePool:NodePool::aip-dev-gpu-gpu-a10-pool`,
  id: "np-1",
  parent: "",
  provider: "",
  inputs: {
    nodePoolName: "gpu-a10",
    scalingConfig: { enable: true, minSize: 0, maxSize },
    tags: { team, env: "dev" },
  },
  outputs: {},
});

export const DRIFTED_EVENTS: EngineEvent[] = [
  event({ preludeEvent: { config: { "ai-platform:environment": "dev" } } }),
  step("same", "pulumi:pulumi:Stack", "ai-platform-dev"),
  step("refresh", "alicloud:vpc/network:Network", "aip-dev-network-vpc"),
  step("same", "alicloud:vpc/network:Network", "aip-dev-network-vpc"),
  step("update", "alicloud:cs/nodePool:NodePool", "aip-dev-gpu-gpu-a10-pool", {
    old: poolState(5, "someone-else"),
    new: poolState(2, "ai-platform"),
    diffs: ["scalingConfig", "tags"],
    detailedDiff: {
      "scalingConfig.maxSize": { diffKind: "update" as never, inputDiff: false },
      "tags.team": { diffKind: "update" as never, inputDiff: false },
    },
  }),
  step("update", "kubernetes:core/v1:Secret", "keycloak-db", {
    old: { ...poolState(0, ""), inputs: { stringData: { username: "keycloak", password: SECRET } } },
    new: { ...poolState(0, ""), inputs: { stringData: { username: "keycloak", password: "[secret]" } } },
    detailedDiff: { "stringData.password": { diffKind: "update" as never, inputDiff: false } },
  }),
  step("create", "alicloud:vpc/switch:Switch", "aip-dev-network-pods-cn-hangzhou-j"),
  event({
    summaryEvent: {
      maybeCorrupt: false,
      durationSeconds: 12,
      resourceChanges: { same: 20, update: 2, create: 1 },
      policyPacks: {},
    },
  }),
];

export const CLEAN_EVENTS: EngineEvent[] = [
  step("refresh", "alicloud:vpc/network:Network", "aip-dev-network-vpc"),
  step("same", "alicloud:vpc/network:Network", "aip-dev-network-vpc"),
  event({
    summaryEvent: { maybeCorrupt: false, durationSeconds: 9, resourceChanges: { same: 23 }, policyPacks: {} },
  }),
];

export const ERROR_EVENTS: EngineEvent[] = [
  event({
    diagnosticEvent: {
      message: "\u001b[31merror: getting credentials: InvalidAccessKeyId.NotFound\u001b[0m\n",
      color: "raw",
      severity: "error",
    },
  }),
];
