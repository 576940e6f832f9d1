import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { ConnectorAuth, ConnectorConfig } from "../config";

type ParameterType = ConnectorConfig["parameters"][string]["type"];

interface OpenApiDocument {
  servers?: { url?: string }[];
  paths?: Record<string, Record<string, OpenApiOperation>>;
}
interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: {
    name: string;
    in: string;
    required?: boolean;
    description?: string;
    schema?: { type?: string };
  }[];
  requestBody?: {
    content?: Record<
      string,
      {
        schema?: {
          properties?: Record<string, { type?: string; description?: string }>;
          required?: string[];
        };
      }
    >;
  };
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

export interface OpenApiImport {
  readonly name: string;
  readonly document: string;
  readonly baseUrl?: string;
  readonly operations: readonly string[];
  readonly auth?: ConnectorAuth;
}

/**
 * Turns the chosen operations of an OpenAPI 3 document into connector declarations: path, query and
 * header parameters and the properties of a JSON request body become tool arguments. Throws naming
 * every operation it cannot find.
 */
export function importOpenApi(
  spec: OpenApiImport,
  read: (path: string) => string = (path) => readFileSync(path, "utf8"),
) {
  const document = parseYaml(read(spec.document)) as OpenApiDocument;
  const baseUrl = (spec.baseUrl ?? document.servers?.[0]?.url ?? "").replace(/\/$/, "");
  if (!/^https?:\/\//.test(baseUrl)) throw new Error(`${spec.document}: no absolute server URL; set baseUrl`);
  const found = new Map<string, ConnectorConfig>();
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = operations[method];
      if (!operation?.operationId || !spec.operations.includes(operation.operationId)) continue;
      found.set(operation.operationId, toConnector(spec, baseUrl + path, method, operation));
    }
  }
  const missing = spec.operations.filter((operationId) => !found.has(operationId));
  if (missing.length > 0) throw new Error(`${spec.document}: operations not found: ${missing.join(", ")}`);
  return spec.operations.map((operationId) => found.get(operationId) as ConnectorConfig);
}

function toConnector(
  spec: OpenApiImport,
  url: string,
  method: (typeof METHODS)[number],
  operation: OpenApiOperation,
): ConnectorConfig {
  const parameters: ConnectorConfig["parameters"] = {};
  for (const parameter of operation.parameters ?? []) {
    if (!["path", "query", "header"].includes(parameter.in)) continue;
    parameters[parameter.name] = {
      type: primitive(parameter.schema?.type),
      in: parameter.in as "path" | "query" | "header",
      description: parameter.description,
      required: parameter.in === "path" || parameter.required === true,
    };
  }
  const schema = operation.requestBody?.content?.["application/json"]?.schema;
  for (const [name, property] of Object.entries(schema?.properties ?? {})) {
    parameters[name] = {
      type: primitive(property.type),
      in: "body",
      description: property.description,
      required: schema?.required?.includes(name) ?? false,
    };
  }
  return {
    name: `${spec.name}_${snakeCase(operation.operationId as string)}`,
    title: operation.summary,
    description: operation.description ?? operation.summary ?? `${method.toUpperCase()} ${url}`,
    method: method.toUpperCase() as ConnectorConfig["method"],
    url,
    auth: spec.auth,
    parameters,
  };
}

function primitive(type: string | undefined): ParameterType {
  return type === "integer" || type === "number" || type === "boolean" ? type : "string";
}

function snakeCase(operationId: string): string {
  return operationId
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toLowerCase();
}
