import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface SecretMirrorArgs {
  /** Namespace of the Secret to mirror. No default. */
  readonly sourceNamespace: string;
  /** Name of the Secret to mirror, e.g. Strimzi's `<cluster>-cluster-ca-cert`. No default. */
  readonly sourceSecretName: string;
  /** Keys of the source Secret to copy (only those: a CA bundle, never a private key). No default. */
  readonly keys: readonly string[];
  /** Namespace the copy lives in, where the pods that mount it run. No default. */
  readonly targetNamespace: string;
  /** Name of the copy. Default: `sourceSecretName`. */
  readonly targetSecretName?: string;
  /** How often External Secrets re-reads the source (a Go duration). Default `"1h"`. */
  readonly refreshInterval?: string;
}

/** The namespace's API-server CA, which Kubernetes publishes into every namespace. */
const KUBE_ROOT_CA = { type: "ConfigMap", name: "kube-root-ca.crt", key: "ca.crt" };
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

export function secretMirrorProblems(name: string, args: SecretMirrorArgs): string[] {
  const problems: string[] = [];
  for (const [field, value] of [
    ["sourceNamespace", args.sourceNamespace],
    ["targetNamespace", args.targetNamespace],
  ] as const) {
    if (!DNS_LABEL.test(value)) problems.push(`${name}: ${field} "${value}" is not a namespace name`);
  }
  if (args.sourceNamespace === args.targetNamespace)
    problems.push(`${name}: source and target namespace are both "${args.sourceNamespace}"`);
  if (args.keys.length === 0) problems.push(`${name}: keys must name at least one key to copy`);
  for (const key of args.keys.filter((k) => !SECRET_KEY.test(k)))
    problems.push(`${name}: "${key}" is not a Secret key`);
  return problems;
}

/**
 * A Secret kept in step with one in another namespace, for pods that must mount what an operator
 * writes elsewhere (Strimzi's cluster CA, which it also renews). External Secrets' Kubernetes
 * provider does the copying: a namespaced SecretStore in the target namespace logs in as a service
 * account of its own, which a Role in the source namespace lets read that one Secret and nothing else.
 */
export class SecretMirror extends pulumi.ComponentResource {
  /** Name of the copy in `targetNamespace`. */
  public readonly secretName: string;

  constructor(name: string, args: SecretMirrorArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = secretMirrorProblems(name, args);
    if (problems.length > 0) throw new Error(problems.join("\n"));
    super("ai-platform:secrets:SecretMirror", name, {}, opts);
    this.secretName = args.targetSecretName ?? args.sourceSecretName;
    const reader = `${name}-reader`;

    const serviceAccount = new kubernetes.core.v1.ServiceAccount(
      reader,
      {
        metadata: { name: reader, namespace: args.targetNamespace },
        // External Secrets asks the API for short-lived tokens of it; no pod runs as it.
        automountServiceAccountToken: false,
      },
      { parent: this },
    );
    const role = new kubernetes.rbac.v1.Role(
      reader,
      {
        metadata: { name: reader, namespace: args.sourceNamespace },
        rules: [
          { apiGroups: [""], resources: ["secrets"], resourceNames: [args.sourceSecretName], verbs: ["get"] },
        ],
      },
      { parent: this },
    );
    const binding = new kubernetes.rbac.v1.RoleBinding(
      reader,
      {
        metadata: { name: reader, namespace: args.sourceNamespace },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: reader },
        subjects: [{ kind: "ServiceAccount", name: reader, namespace: args.targetNamespace }],
      },
      { parent: this, dependsOn: [role] },
    );
    const store = new kubernetes.apiextensions.CustomResource(
      `${name}-store`,
      {
        apiVersion: "external-secrets.io/v1",
        kind: "SecretStore",
        metadata: { name, namespace: args.targetNamespace },
        spec: {
          provider: {
            kubernetes: {
              remoteNamespace: args.sourceNamespace,
              server: { caProvider: KUBE_ROOT_CA },
              auth: { serviceAccount: { name: reader } },
            },
          },
        },
      },
      { parent: this, dependsOn: [serviceAccount, binding] },
    );
    new kubernetes.apiextensions.CustomResource(
      `${name}-copy`,
      {
        apiVersion: "external-secrets.io/v1",
        kind: "ExternalSecret",
        metadata: { name, namespace: args.targetNamespace },
        spec: {
          refreshInterval: args.refreshInterval ?? "1h",
          secretStoreRef: { kind: "SecretStore", name },
          target: { name: this.secretName, creationPolicy: "Owner" },
          data: args.keys.map((key) => ({
            secretKey: key,
            remoteRef: { key: args.sourceSecretName, property: key },
          })),
        },
      },
      { parent: this, dependsOn: [store] },
    );
    this.registerOutputs({ secretName: this.secretName });
  }
}
