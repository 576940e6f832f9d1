import { describe, expect, it } from "vitest";
import { configWithDefaults, type ResourceView, type Rule } from "../../policies/lib/rule";
import { POLICY_PACKS } from "../../policies/offline/evaluate";
import { RULE_FIXTURES } from "./rule-fixtures";

const ALL_RULES = POLICY_PACKS.flatMap((pack) => pack.rules);

function violations(
  rule: Rule,
  resources: readonly ResourceView[],
  fromFile: Record<string, unknown> = {},
): string[] {
  const config = configWithDefaults(rule, fromFile);
  if (rule.kind === "stack") return rule.validate(resources, config);
  return resources.flatMap((resource) => rule.validate(resource, config));
}

describe("rule metadata", () => {
  it("names every rule once, across both packs", () => {
    const names = ALL_RULES.map((rule) => rule.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it.each(ALL_RULES.map((rule) => [rule.name, rule] as const))(
    "%s has a description, severity and remediation",
    (_name, rule) => {
      expect(rule.description.length).toBeGreaterThan(20);
      expect(rule.remediationSteps.length).toBeGreaterThan(10);
      expect(["low", "medium", "high", "critical"]).toContain(rule.severity);
    },
  );

  it("has fixtures for every rule and no fixtures for rules that do not exist", () => {
    expect(Object.keys(RULE_FIXTURES).sort()).toEqual(ALL_RULES.map((rule) => rule.name).sort());
  });
});

describe.each(ALL_RULES.map((rule) => [rule.name, rule] as const))("rule %s", (name, rule) => {
  const fixtures = RULE_FIXTURES[name];
  if (!fixtures) throw new Error(`no fixtures for ${name}`);

  it.each(fixtures.pass.map((resources, index) => [index, resources] as const))(
    "accepts passing fixture %i",
    (_index, resources) => {
      expect(violations(rule, resources, fixtures.config)).toEqual([]);
    },
  );

  it.each(fixtures.fail.map((fixture, index) => [index, fixture] as const))(
    "rejects failing fixture %i",
    (_index, fixture) => {
      const found = violations(rule, fixture.resources, fixtures.config);
      expect(found.length).toBeGreaterThan(0);
      expect(
        found.some((message) => fixture.message.test(message)),
        found.join("\n"),
      ).toBe(true);
    },
  );
});
