import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { parse } from "yaml";
import { REFERENCE_ROOT } from "./chart-reference";

export interface SchemaCheck {
  /** What validated the object: a CRD of the reference data, or kubernetes-models for core APIs. */
  readonly validatedBy: "crd" | "kubernetes-models" | undefined;
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

/** Validates a Kubernetes object by its Pulumi type token, e.g. `kubernetes:cert-manager.io/v1:ClusterIssuer`. */
export async function checkKubernetesObject(
  type: string,
  object: Record<string, unknown>,
): Promise<SchemaCheck> {
  const match = /^kubernetes:([^/]+)\/([^:]+):(\w+)$/.exec(type);
  if (!match) return { validatedBy: undefined, errors: [`${type} is not a Kubernetes object type`] };
  const [, group, version, kind] = match as unknown as [string, string, string, string];

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
