import { describe, expect, it } from "vitest";
import {
  chartValuesViolations,
  helmMerge,
  type JsonSchema,
  referenceChartSchema,
  referenceChartsWithSchema,
  referenceChartValues,
  schemaDraft,
  schemaViolations,
  unknownValuesKeys,
} from "../harness/chart-reference";

/** Read from the reference data; the draft test below names each one, so a new schema shows there. */
const CHARTS_WITH_SCHEMA = referenceChartsWithSchema();

function schemaOf(chart: string): JsonSchema {
  const schema = referenceChartSchema(chart);
  if (schema === undefined) throw new Error(`${chart} has no values.schema.json in the reference data`);
  return schema;
}

describe("unknownValuesKeys against values.yaml", () => {
  const chart = { image: { repository: "r", tag: "" }, nodeSelector: {}, tolerations: [] };

  it("reports keys the chart does not have, stopping at free-form values", () => {
    expect(
      unknownValuesKeys({ image: { tag: "1", digest: "x" }, nodeSelector: { a: "b" }, colour: 1 }, chart),
    ).toEqual(["image.digest", "colour"]);
  });

  it("does not look inside keys listed as free-form", () => {
    expect(unknownValuesKeys({ image: { anything: 1 } }, chart, ["image"])).toEqual([]);
  });
});

describe("unknownValuesKeys with the chart's values.schema.json", () => {
  const loki = referenceChartValues("loki");

  it("accepts a key only the schema declares (loki.rulerConfig.storage is a comment in values.yaml)", () => {
    const values = { loki: { rulerConfig: { storage: { type: "local" } } } };
    expect(unknownValuesKeys(values, loki, [])).toEqual(["loki.rulerConfig.storage"]);
    expect(unknownValuesKeys(values, loki, [], schemaOf("loki"))).toEqual([]);
  });

  it("still reports a typo beside a schema-declared key", () => {
    const values = { loki: { rulerConfig: { storag: { type: "local" } } } };
    expect(unknownValuesKeys(values, loki, [], schemaOf("loki"))).toEqual(["loki.rulerConfig.storag"]);
  });

  it("accepts cert-manager keys its values.yaml only comments on, which the schema declares through $ref", () => {
    const certManager = referenceChartValues("cert-manager");
    const values = {
      replicaCont: 2,
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
      webhook: { image: { digest: "sha256:0" }, timeoutSecond: 5 },
    };
    expect(unknownValuesKeys(values, certManager, [])).toEqual([
      "replicaCont",
      "podDisruptionBudget.minAvailable",
      "webhook.image.digest",
      "webhook.timeoutSecond",
    ]);
    expect(unknownValuesKeys(values, certManager, [], schemaOf("cert-manager"))).toEqual([
      "replicaCont",
      "webhook.timeoutSecond",
    ]);
  });

  it("follows $ref into $defs and definitions, and allOf, anyOf and oneOf branches", () => {
    const schema: JsonSchema = {
      $defs: { tls: { properties: { secretName: { type: "string" } } } },
      definitions: { port: { properties: { number: { type: "integer" } } } },
      properties: {
        tls: { $ref: "#/$defs/tls" },
        route: { allOf: [{ properties: { host: {} } }, { $ref: "#/definitions/port" }] },
        probe: { anyOf: [{ type: "null" }, { properties: { path: {} } }] },
        auth: { oneOf: [{ properties: { token: {} } }, { properties: { password: {} } }] },
      },
    };
    const values = {
      tls: { secretName: "s", secretNme: "typo" },
      route: { host: "h", number: 1, hots: "typo" },
      probe: { path: "/", paht: "/" },
      auth: { token: "t", password: "p", pasword: "p" },
    };
    expect(unknownValuesKeys(values, {}, [], schema)).toEqual([
      "tls.secretNme",
      "route.hots",
      "probe.paht",
      "auth.pasword",
    ]);
  });

  it("treats patternProperties and an additionalProperties schema as declarations, additionalProperties false as none", () => {
    const schema: JsonSchema = {
      properties: {
        labels: { additionalProperties: { type: "string" } },
        ports: { patternProperties: { "^port-[0-9]+$": { type: "integer" } } },
        strict: { properties: { a: {} }, additionalProperties: false },
      },
    };
    const values = { labels: { team: "x" }, ports: { "port-80": 80, http: 80 }, strict: { a: 1, b: 2 } };
    expect(unknownValuesKeys(values, {}, [], schema)).toEqual(["ports.http", "strict.b"]);
  });

  it("stops where a schema-only key's schema says nothing about its keys", () => {
    const schema: JsonSchema = { properties: { extra: { type: "object" }, anything: true } };
    expect(unknownValuesKeys({ extra: { a: { b: 1 } }, anything: { c: 1 } }, {}, [], schema)).toEqual([]);
  });

  it("keeps checking inside a map values.yaml has, even where the schema leaves it open", () => {
    const schema: JsonSchema = { properties: { server: { type: "object" } } };
    expect(
      unknownValuesKeys({ server: { replicas: 1, replica: 1 } }, { server: { replicas: 1 } }, [], schema),
    ).toEqual(["server.replica"]);
  });

  it("refuses a $ref outside the chart's schema, naming it", () => {
    const schema: JsonSchema = { properties: { a: { $ref: "https://example.test/a.json" } } };
    expect(() => unknownValuesKeys({ a: { b: 1 } }, {}, [], schema)).toThrow(
      /https:\/\/example.test\/a.json/,
    );
  });
});

describe("helmMerge (Helm's coalescing of values over values.yaml)", () => {
  const defaults = {
    image: { repository: "r", tag: "1" },
    args: ["a", "b"],
    replicas: 1,
    tls: { enabled: true },
  };

  it("merges maps key by key and replaces lists and scalars", () => {
    expect(helmMerge(defaults, { image: { tag: "2" }, args: ["c"], replicas: 3 })).toEqual({
      image: { repository: "r", tag: "2" },
      args: ["c"],
      replicas: 3,
      tls: { enabled: true },
    });
  });

  it("deletes a default set to null, at any depth; keeps a null the chart has no default for", () => {
    expect(helmMerge(defaults, { tls: null, image: { tag: null }, extra: null })).toEqual({
      image: { repository: "r" },
      args: ["a", "b"],
      replicas: 1,
      extra: null,
    });
  });

  it("lets a map replace a scalar default and a scalar replace a map default", () => {
    expect(helmMerge({ a: 1, b: { c: 1 } }, { a: { x: 1 }, b: "flat" })).toEqual({ a: { x: 1 }, b: "flat" });
  });

  it("leaves both inputs unchanged", () => {
    const values = { image: { tag: null } };
    helmMerge(defaults, values);
    expect(defaults.image).toEqual({ repository: "r", tag: "1" });
    expect(values).toEqual({ image: { tag: null } });
  });
});

describe("schemaDraft", () => {
  it.each([
    ["http://json-schema.org/draft-07/schema#", "draft-07"],
    ["https://json-schema.org/draft-07/schema#", "draft-07"],
    ["http://json-schema.org/schema#", "draft-07"],
    ["https://json-schema.org/draft/2019-09/schema", "2019-09"],
    ["https://json-schema.org/draft/2020-12/schema", "2020-12"],
  ])("reads %s as %s", (id, draft) => {
    expect(schemaDraft({ $schema: id })).toBe(draft);
  });

  it("rejects a draft it has no validator for, naming it", () => {
    expect(() => schemaDraft({ $schema: "http://json-schema.org/draft-04/schema#" })).toThrow(/draft-04/);
  });

  it("finds the drafts the reference charts declare", () => {
    expect(CHARTS_WITH_SCHEMA.map((chart) => schemaDraft(schemaOf(chart)))).toEqual([
      "draft-07",
      "draft-07",
      "2020-12",
      "draft-07",
      "draft-07",
      "draft-07",
    ]);
  });
});

describe("schemaViolations", () => {
  it("validates with the declared draft: 2020-12 keywords apply only under 2020-12", () => {
    const tuple = { prefixItems: [{ type: "integer" }] };
    const draft2020 = { $schema: "https://json-schema.org/draft/2020-12/schema", ...tuple };
    expect(schemaViolations(draft2020, ["not a number"])).toEqual(['/0: must be integer {"type":"integer"}']);
    expect(schemaViolations({ $schema: "http://json-schema.org/draft-07/schema#", ...tuple }, ["x"])).toEqual(
      [],
    );
  });

  it.each(CHARTS_WITH_SCHEMA)("passes %s's own values.yaml", (chart) => {
    expect(chartValuesViolations(chart, {})).toEqual([]);
  });

  it("fails a string where the schema wants an integer", () => {
    expect(chartValuesViolations("cloudnative-pg", { replicaCount: "2" })).toEqual([
      '/replicaCount: must be integer {"type":"integer"}',
    ]);
    expect(chartValuesViolations("cloudnative-pg", { replicaCount: 2 })).toEqual([]);
  });

  it("fails a key a closed schema does not allow (cert-manager forbids additional properties)", () => {
    expect(chartValuesViolations("cert-manager", { webhook: { replicas: 2 } })).toEqual([
      '/webhook: must NOT have additional properties {"additionalProperty":"replicas"}',
    ]);
  });

  it("fails a string where loki wants an object or null, under an https draft-07 id", () => {
    expect(chartValuesViolations("loki", { loki: { rulerConfig: { storage: "local" } } })).toEqual([
      '/loki/rulerConfig/storage: must be object,null {"type":["object","null"]}',
    ]);
  });

  it("validates the merged values: null deletes a default the schema requires", () => {
    expect(chartValuesViolations("keycloakx", { image: { tag: "26.5.6" } })).toEqual([]);
    expect(chartValuesViolations("keycloakx", { image: { tag: null } })).toEqual([
      `/image: must have required property 'tag' {"missingProperty":"tag"}`,
    ]);
    expect(chartValuesViolations("keycloakx", { image: null })).toEqual([
      `/: must have required property 'image' {"missingProperty":"image"}`,
    ]);
  });

  it("checks nothing for a chart without a schema, as Helm does", () => {
    expect(referenceChartSchema("alloy")).toBeUndefined();
    expect(chartValuesViolations("alloy", { replicas: "many" })).toEqual([]);
  });
});
