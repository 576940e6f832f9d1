import type * as pulumi from "@pulumi/pulumi";

/**
 * Outputs the clouds compute and the program reads. Anything not listed echoes the inputs, plus a
 * name and a fake ARN, which is what most resources return.
 */
const COMPUTED_OUTPUTS: Record<
  string,
  (name: string, inputs: Record<string, unknown>) => Record<string, unknown>
> = {
  "alicloud:cs/managedKubernetes:ManagedKubernetes": (name) => ({ slbId: `lb-${name}` }),
  "alicloud:vpc/natGateway:NatGateway": (name) => ({ snatTableIds: `stb-${name}` }),
  "alicloud:ecs/eipAddress:EipAddress": () => ({ ipAddress: "198.51.100.10" }),
  // A recognisable value, so tests can prove no generated password leaves a Secret in plain text.
  "random:index/randomPassword:RandomPassword": (name) => ({ result: `${GENERATED_PASSWORD_PREFIX}${name}` }),
  "aws:eks/cluster:Cluster": (name, inputs) => ({
    endpoint: `https://${String(inputs.name ?? name)}.gr7.example.eks.amazonaws.com`,
    certificateAuthority: { data: "LS0tLS1CRUdJTi1DQS0tLS0t" },
    identities: [{ oidcs: [{ issuer: `https://oidc.eks.example.amazonaws.com/id/${name.toUpperCase()}` }] }],
  }),
};

/** Every generated password under the mocks starts with this. */
export const GENERATED_PASSWORD_PREFIX = "mock-generated-password-";

/** The fake ACK credential; tests look for it to prove it never leaves the program in plain text. */
export const MOCK_ACK_KUBECONFIG =
  "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-key-data: MOCK-PRIVATE-KEY\n";

/** Invokes the program may make. Any other invoke is a bug (or an untested dependency) and fails the run. */
const INVOKES: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>> = {
  "alicloud:cs/getClusterCredential:getClusterCredential": (inputs) => ({
    clusterId: inputs.clusterId,
    kubeConfig: MOCK_ACK_KUBECONFIG,
    certificateAuthority: {},
  }),
};

export function platformMocks(onUnexpectedInvoke: (token: string) => void): pulumi.runtime.Mocks {
  return {
    newResource({ type, name, inputs }) {
      const computed = COMPUTED_OUTPUTS[type]?.(name, inputs) ?? {};
      return {
        id: `${name}-id`,
        state: { name: inputs.name ?? name, arn: `arn:mock:${type}:${name}`, ...inputs, ...computed },
      };
    },
    call({ token, inputs }) {
      const invoke = INVOKES[token];
      if (!invoke) {
        onUnexpectedInvoke(token);
        throw new Error(`the test mocks do not implement invoke ${token}`);
      }
      return invoke(inputs);
    },
  };
}
