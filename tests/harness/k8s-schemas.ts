import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { parse } from "yaml";
import { REFERENCE_ROOT } from "./chart-reference";

export interface SchemaCheck {
  /**
   * What validated the object: a CRD of the reference data, kubernetes-models for core APIs, or (for
   * the few kinds the reference data lacks) the parts they embed from the core API.
   */
  readonly validatedBy: "crd" | "kubernetes-models" | "embedded-core-types" | undefined;
  readonly errors: readonly string[];
}

/**
 * CRD patterns are Go regular expressions: `(?i)` becomes the `i` flag; a pattern JavaScript cannot
 * compile at all is not checked, rather than failing every object of that kind.
 */
const goRegExp = Object.assign(
  (pattern: string, flags: string) => {
    const caseless = pattern.startsWith("(?i)");
    try {
      return new RegExp(caseless ? pattern.slice(4) : pattern, caseless ? `${flags}i` : flags);
    } catch {
      return { test: () => true };
    }
  },
  { code: "goRegExp" },
);

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: goRegExp } });
let crdValidators: Map<string, ValidateFunction> | undefined;

/** `group/version/Kind` → validator for every served version of every CRD in the reference data. */
function crdIndex(): Map<string, ValidateFunction> {
  if (crdValidators) return crdValidators;
  crdValidators = new Map();
  const dir = join(REFERENCE_ROOT, "crds");
  for (const file of readdirSync(dir)) {
    const crd = parse(readFileSync(join(dir, file), "utf8"));
    for (const version of crd.spec.versions) {
      if (!version.served) continue;
      crdValidators.set(
        `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`,
        ajv.compile(version.schema.openAPIV3Schema),
      );
    }
  }
  return crdValidators;
}

/**
 * Kinds whose CRD the reference data does not hold. Their core-API parts are validated as the pod
 * they end up in (kubernetes-models), and their envelope against the fields the platform sets.
 */
const EMBEDDED_CORE_CHECKS: Record<string, (object: any) => Promise<string[]>> = {
  "gateway.envoyproxy.io/v1alpha1/EnvoyProxy": async (object) => {
    const errors: string[] = [];
    const kubernetes = object.spec?.provider?.kubernetes;
    if (object.spec?.provider?.type !== "Kubernetes") errors.push("/spec/provider/type must be Kubernetes");
    const known = {
      spec: ["provider"],
      provider: ["type", "kubernetes"],
      kubernetes: ["envoyDeployment", "envoyPDB"],
    };
    for (const [where, value] of [
      ["spec", object.spec],
      ["provider", object.spec?.provider],
      ["kubernetes", kubernetes],
    ] as const) {
      for (const key of Object.keys(value ?? {}))
        if (!known[where].includes(key)) errors.push(`/${where}/${key} is not a field the platform checks`);
    }
    const deployment = kubernetes?.envoyDeployment ?? {};
    for (const key of Object.keys(deployment))
      if (!["replicas", "container", "pod", "patch"].includes(key))
        errors.push(`/envoyDeployment/${key} is not a field the platform checks`);
    if (!Number.isInteger(deployment.replicas) || deployment.replicas < 1)
      errors.push("/envoyDeployment/replicas must be a positive integer");
    const patched = deployment.patch?.value?.spec?.template?.spec?.containers ?? [];
    if (deployment.patch && deployment.patch.type !== "StrategicMerge")
      errors.push("/envoyDeployment/patch/type must be StrategicMerge");
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "envoy" },
      spec: {
        ...deployment.pod,
        containers: [
          { name: "envoy", image: "envoy", ...deployment.container },
          ...patched.map((c: object) => ({ image: "x", ...c })),
        ],
      },
    };
    const podCheck = await checkKubernetesObject("kubernetes:core/v1:Pod", pod);
    errors.push(...podCheck.errors);
    const pdb = kubernetes?.envoyPDB;
    if (pdb !== undefined) {
      const pdbCheck = await checkKubernetesObject("kubernetes:policy/v1:PodDisruptionBudget", {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: "envoy" },
        spec: pdb,
      });
      errors.push(...pdbCheck.errors);
    }
    return errors;
  },
};

/** Validates a Kubernetes object by its Pulumi type token, e.g. `kubernetes:cert-manager.io/v1:ClusterIssuer`. */
export async function checkKubernetesObject(
  type: string,
  object: Record<string, unknown>,
): Promise<SchemaCheck> {
  const match = /^kubernetes:([^/]+)\/([^:]+):(\w+)$/.exec(type);
  if (!match) return { validatedBy: undefined, errors: [`${type} is not a Kubernetes object type`] };
  const [, group, version, kind] = match as unknown as [string, string, string, string];

  const partial = EMBEDDED_CORE_CHECKS[`${group}/${version}/${kind}`];
  if (partial) return { validatedBy: "embedded-core-types", errors: await partial(object) };

  const crd = crdIndex().get(`${group}/${version}/${kind}`);
  if (crd) {
    const valid = crd(object);
    const errors = valid
      ? []
      : (crd.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message}`);
    return { validatedBy: "crd", errors };
  }

  const modulePath =
    group === "core" ? `kubernetes-models/${version}` : `kubernetes-models/${group}/${version}`;
  let model: (new (data: unknown) => { validate(): void }) | undefined;
  try {
    model = (await import(modulePath))[kind];
  } catch {
    model = undefined;
  }
  if (!model) return { validatedBy: undefined, errors: [] };
  try {
    new model(object).validate();
    return { validatedBy: "kubernetes-models", errors: [] };
  } catch (error) {
    return { validatedBy: "kubernetes-models", errors: [String((error as Error).message)] };
  }
}
