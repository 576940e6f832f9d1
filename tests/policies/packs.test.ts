import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Secret } from "@pulumi/policy";
import { describe, expect, it, vi } from "vitest";
import { secretPathsOf } from "../../policies/lib/secrets";
import { toPolicies } from "../../policies/lib/to-policies";
import { enforcementOf, POLICY_PACKS } from "../../policies/offline/evaluate";
import { REPO_ROOT } from "../../policies/offline/stack-files";
import { noPrivilegedContainers } from "../../policies/security/rules/pod-security";
import { deployment } from "./fixtures";

describe.each(POLICY_PACKS.map((pack) => [pack.pack, pack] as const))("policy pack %s", (packName, pack) => {
  const folder = join(REPO_ROOT, "policies", packName);

  it("is a Pulumi policy pack folder whose index.ts assembles the rules", () => {
    expect(readFileSync(join(folder, "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
    const index = readFileSync(join(folder, "index.ts"), "utf8");
    expect(index).toContain("new PolicyPack(");
    expect(index).toContain("toPolicies(");
  });

  it.each(["dev", "prod", "local"])(
    "has a %s config naming only its own rules and their config keys",
    (environment) => {
      const config = JSON.parse(readFileSync(join(folder, "config", `${environment}.json`), "utf8"));
      for (const [key, entry] of Object.entries<unknown>(config)) {
        if (key === "all") continue;
        const rule = pack.rules.find((candidate) => candidate.name === key);
        expect(rule, `${packName}/${environment}.json: ${key}`).toBeDefined();
        if (typeof entry === "object" && entry !== null) {
          const allowed = ["enforcementLevel", ...Object.keys(rule?.configSchema?.properties ?? {})];
          for (const field of Object.keys(entry)) expect(allowed, `${key}.${field}`).toContain(field);
        }
      }
      expect(readdirSync(join(folder, "config")).sort()).toEqual(["dev.json", "local.json", "prod.json"]);
    },
  );

  it("is mandatory for every critical rule in prod", () => {
    const config = JSON.parse(readFileSync(join(folder, "config", "prod.json"), "utf8"));
    for (const rule of pack.rules.filter((candidate) => candidate.severity === "critical")) {
      expect(enforcementOf(rule, config), rule.name).toBe("mandatory");
    }
  });
});

describe("toPolicies", () => {
  it("hands the engine's resource, options and config to the rule and reports each message", () => {
    const [policy] = toPolicies([noPrivilegedContainers]) as [any];
    expect(policy).toMatchObject({
      name: "k8s-no-privileged-containers",
      severity: "critical",
      enforcementLevel: "mandatory",
    });
    const report = vi.fn();
    const fixture = deployment({ container: { securityContext: { privileged: true } } });
    policy.validateResource(
      { ...fixture, opts: { protect: false }, getConfig: () => ({}), notApplicable: () => undefined },
      report,
    );
    expect(report).toHaveBeenCalledWith('Deployment ai/gateway: container "app" is privileged');
  });

  it("finds secret props beneath the policy SDK's unwrapping", () => {
    expect(
      secretPathsOf({ stringData: { password: new Secret("x"), user: "u" }, data: new Secret({ a: "b" }) }),
    ).toEqual(["stringData.password", "data"]);
  });
});
