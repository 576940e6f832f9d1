import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import Ajv2019 from "ajv/dist/2019";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { REPO_ROOT } from "../../policies/offline/stack-files";

/** Upstream chart values and CRDs with pinned versions, shared by the team beside the repository. */
export const REFERENCE_ROOT = join(REPO_ROOT, "..", "shared", "k8s-reference");

/** A JSON Schema as a chart's values.schema.json holds it: an object of keywords, or `true`/`false`. */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

type Values = Record<string, unknown>;

interface ManifestEntry {
  readonly path: string;
  readonly chartName?: string;
  readonly chartVersion?: string;
}

export function referenceChartVersion(chartName: string): string {
  const manifest = JSON.parse(readFileSync(join(REFERENCE_ROOT, "MANIFEST.json"), "utf8")) as ManifestEntry[];
  const entry = manifest.find((e) => e.chartName === chartName && e.path.endsWith("/values.yaml"));
  if (!entry?.chartVersion) throw new Error(`chart ${chartName} is not in the reference MANIFEST.json`);
  return entry.chartVersion;
}

export function referenceChartValues(chartName: string): Values {
  return parse(readFileSync(join(REFERENCE_ROOT, "charts", chartName, "values.yaml"), "utf8")) as Values;
}

/** The chart's values.schema.json, or undefined when the chart ships none (Helm then validates nothing). */
/** The reference charts that ship a values.schema.json, by name. */
export function referenceChartsWithSchema(): string[] {
  return readdirSync(join(REFERENCE_ROOT, "charts"))
    .filter((chart) => existsSync(join(REFERENCE_ROOT, "charts", chart, "values.schema.json")))
    .sort();
}

export function referenceChartSchema(chartName: string): JsonSchema | undefined {
  const file = join(REFERENCE_ROOT, "charts", chartName, "values.schema.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as JsonSchema) : undefined;
}

const DEFAULT_FREE_FORM = ["nodeSelector", "podAnnotations", "podLabels", "extraEnv", "resources"];

/**
 * Paths in `values` that neither the chart's values.yaml has nor its values.schema.json declares
 * (through properties, patternProperties or an additionalProperties schema, following $ref and
 * allOf/anyOf/oneOf). Descent stops where a value is free-form: an empty map, a list or null in
 * values.yaml, a schema that says nothing about its keys where values.yaml has no map, or a key in
 * `freeForm`.
 */
export function unknownValuesKeys(
  values: Values,
  chartDefaults: Values,
  freeForm: readonly string[] = DEFAULT_FREE_FORM,
  schema?: JsonSchema,
): string[] {
  const walk = (node: Values, defaults: unknown, schemas: readonly JsonSchema[], prefix: string): string[] =>
    Object.entries(node).flatMap(([key, value]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      const inDefaults = isMap(defaults) && key in defaults;
      const chartValue = inDefaults ? defaults[key] : undefined;
      const declared = schemas.flatMap((s) => declaredSchemas(s, key, schema));
      if (!inDefaults && declared.length === 0) return [path];
      if (freeForm.includes(key) || !isMap(value)) return [];
      const openInDefaults = inDefaults && !(isMap(chartValue) && Object.keys(chartValue).length > 0);
      const openInSchema = !inDefaults && declared.some((s) => saysNothingAboutKeys(s, schema));
      return openInDefaults || openInSchema ? [] : walk(value, chartValue, declared, path);
    });
  return walk(values, chartDefaults, schema === undefined ? [] : [schema], "");
}

/** The subschemas `schema` gives to `key`, or none when it does not declare the key. */
function declaredSchemas(schema: JsonSchema, key: string, root: JsonSchema | undefined): JsonSchema[] {
  if (typeof schema === "boolean") return schema ? [true] : [];
  const properties = keyword<Record<string, JsonSchema>>(schema, "properties") ?? {};
  const patterns = Object.entries(keyword<Record<string, JsonSchema>>(schema, "patternProperties") ?? {});
  const own = [
    ...(key in properties ? [properties[key] as JsonSchema] : []),
    ...patterns.filter(([pattern]) => new RegExp(pattern, "u").test(key)).map(([, s]) => s),
  ];
  const additional = keyword<JsonSchema>(schema, "additionalProperties");
  if (own.length === 0 && additional !== undefined && additional !== false) own.push(additional);
  return [...own, ...branches(schema, root).flatMap((branch) => declaredSchemas(branch, key, root))];
}

/** True when a map under this schema may hold any key: `true`, or an object schema naming no keys. */
function saysNothingAboutKeys(schema: JsonSchema, root: JsonSchema | undefined): boolean {
  if (typeof schema === "boolean") return schema;
  const type = schema.type;
  if (type !== undefined && !(type === "object" || (Array.isArray(type) && type.includes("object"))))
    return false;
  const namesKeys = ["properties", "patternProperties", "additionalProperties"].some((k) => k in schema);
  const inner = branches(schema, root);
  return inner.length === 0 ? !namesKeys : inner.some((branch) => saysNothingAboutKeys(branch, root));
}

/** Subschemas a schema applies besides its own keywords: its $ref target and allOf/anyOf/oneOf branches. */
function branches(schema: Exclude<JsonSchema, boolean>, root: JsonSchema | undefined): JsonSchema[] {
  const ref = keyword<string>(schema, "$ref");
  const combined = ["allOf", "anyOf", "oneOf"].flatMap((k) => keyword<JsonSchema[]>(schema, k) ?? []);
  return ref === undefined ? combined : [resolveRef(ref, root), ...combined];
}

/** Resolves a `#/...` JSON pointer inside the chart's schema; charts here reference nothing outside it. */
function resolveRef(ref: string, root: JsonSchema | undefined): JsonSchema {
  if (!ref.startsWith("#")) throw new Error(`$ref ${ref} points outside the chart's values.schema.json`);
  const segments = ref.slice(1).split("/").slice(1).map(decodePointerSegment);
  const target = segments.reduce<unknown>((node, segment) => (isMap(node) ? node[segment] : undefined), root);
  if (typeof target !== "boolean" && !isMap(target)) throw new Error(`$ref ${ref} resolves to no schema`);
  return target;
}

const decodePointerSegment = (segment: string) =>
  decodeURIComponent(segment).replaceAll("~1", "/").replaceAll("~0", "~");

function keyword<T>(schema: { readonly [keyword: string]: unknown }, name: string): T | undefined {
  return schema[name] as T | undefined;
}

/**
 * Helm's coalescing of the values it is given over the chart's values.yaml: maps merge key by key,
 * anything else replaces, and null deletes the chart's default (a null the chart has no default for
 * stays null).
 */
export function helmMerge(chartDefaults: Values, values: Values): Values {
  const merged: Values = { ...chartDefaults };
  for (const [key, value] of Object.entries(values)) {
    const chartValue = chartDefaults[key];
    if (value === null && key in chartDefaults) delete merged[key];
    else if (isMap(value) && isMap(chartValue)) merged[key] = helmMerge(chartValue, value);
    else merged[key] = value;
  }
  return merged;
}

type SchemaDraft = "draft-07" | "2019-09" | "2020-12";

const AJV_BY_DRAFT = { "draft-07": Ajv, "2019-09": Ajv2019, "2020-12": Ajv2020 } as const;

/**
 * The draft a schema declares in `$schema`, over http or https. keycloakx names the version-less
 * `http://json-schema.org/schema#`: read as draft-07, the draft its keywords come from.
 */
export function schemaDraft(schema: JsonSchema): SchemaDraft {
  const id = typeof schema === "boolean" ? undefined : keyword<string>(schema, "$schema");
  if (id === undefined) return "draft-07";
  const match = /^https?:\/\/json-schema\.org\/(draft-07\/|draft\/(2019-09|2020-12)\/)?schema#?$/.exec(id);
  if (!match)
    throw new Error(`values.schema.json declares $schema ${id}, a draft this check does not support`);
  return (match[2] as SchemaDraft | undefined) ?? "draft-07";
}

/**
 * Validates `document` against `schema` as its declared draft, the way Helm validates coalesced
 * values: unknown keywords ignored (keycloakx's schema nests some under `ingress` by mistake),
 * formats not asserted. Returns one line per problem, `/path: message`; empty when valid.
 */
export function schemaViolations(schema: JsonSchema, document: unknown): string[] {
  const body = typeof schema === "boolean" ? schema : withoutMetaSchema(schema);
  const ajv = new AJV_BY_DRAFT[schemaDraft(schema)]({
    strict: false,
    allErrors: true,
    validateFormats: false,
  });
  const validate = ajv.compile(body);
  if (validate(document)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || "/"}: ${e.message} ${JSON.stringify(e.params)}`,
  );
}

/** Ajv knows each meta-schema by its http id only; the draft is chosen by class, so drop `$schema`. */
function withoutMetaSchema(schema: Exclude<JsonSchema, boolean>): Values {
  const { $schema: _metaSchema, ...body } = schema;
  return body;
}

/** What Helm would say about `values` for this chart: the merged values checked against its schema. */
export function chartValuesViolations(chartName: string, values: Values): string[] {
  const schema = referenceChartSchema(chartName);
  return schema === undefined
    ? []
    : schemaViolations(schema, helmMerge(referenceChartValues(chartName), values));
}

function isMap(value: unknown): value is Values {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
