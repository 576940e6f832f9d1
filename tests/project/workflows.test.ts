import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT, STACK_NAMES } from "../../policies/offline/stack-files";

const DIR = join(REPO_ROOT, ".github", "workflows");
const read = (file: string) => readFileSync(join(DIR, file), "utf8");
const workflow = (file: string) => parse(read(file));
const steps = (file: string, job: string): Record<string, any>[] => workflow(file).jobs[job].steps;

describe("workflow files", () => {
  it("are checked by a validator that rejects broken workflows (the check itself)", () => {
    expect(validateWorkflow("on: push\njobs:\n  a:\n    stepz: []\n").errors.length).toBeGreaterThan(0);
  });

  it.each(readdirSync(DIR))("%s is a valid GitHub Actions workflow", (file) => {
    const result = validateWorkflow(read(file));
    expect(result.errors).toEqual([]);
  });

  it("check pull requests as CI does, plus the offline policy run over every stack", () => {
    const runs = steps("pull-request.yml", "checks").map((step) => step.run);
    expect(runs).toEqual(
      expect.arrayContaining(["npm ci", "npm test", `npm run policy -- ${STACK_NAMES.join(" ")}`]),
    );
  });

  it("preview every cloud stack with both policy packs and the environment's policy config", () => {
    const job = workflow("pull-request.yml").jobs.preview;
    const previewed = job.strategy.matrix.include as { stack: string; environment: string }[];
    expect(previewed.map((entry) => entry.stack)).toEqual(STACK_NAMES.filter((stack) => stack !== "local"));
    const pulumi = job.steps.find((step: { uses?: string }) => step.uses?.startsWith("pulumi/actions@"));
    expect(pulumi.with).toMatchObject({ command: "preview", "comment-on-pr": true });
    expect(pulumi.with.policyPacks.trim().split("\n")).toEqual(["policies/security", "policies/cost"]);
    for (const { environment } of previewed) {
      for (const path of pulumi.with.policyPackConfigs.trim().split("\n")) {
        expect(
          existsSync(join(REPO_ROOT, path.replace(/\$\{\{ matrix\.environment \}\}/, environment))),
        ).toBe(true);
      }
    }
  });

  it("deploy dev on merge and hold prod stacks for approval", () => {
    const job = workflow("deploy.yml").jobs.up;
    expect(workflow("deploy.yml").on.push.branches).toEqual(["main"]);
    const byStack = Object.fromEntries(
      (job.strategy.matrix.include as { stack: string; "github-environment": string }[]).map((entry) => [
        entry.stack,
        entry["github-environment"],
      ]),
    );
    expect(byStack).toEqual({ dev: "dev", prod: "production", "prod-aws": "production" });
    expect(job.strategy["max-parallel"]).toBe(1);
  });

  it("run drift nightly, keep the report even when drift fails the job", () => {
    expect(workflow("drift.yml").on.schedule).toHaveLength(1);
    const driftSteps = steps("drift.yml", "drift");
    expect(driftSteps.map((step) => step.run).filter(Boolean)).toContain(
      "npm run drift -- dev prod prod-aws --out drift-report",
    );
    const upload = driftSteps.find((step) => step.uses?.startsWith("actions/upload-artifact@"));
    expect(upload).toMatchObject({ if: "always()", with: { path: "drift-report/" } });
  });

  it.each(["gateway", "mcp", "agent"])(
    "deploy pins the %s image this run built, by digest, before pulumi up",
    (service) => {
      const deploy = workflow("deploy.yml");
      expect(deploy.jobs.images.uses).toBe("./.github/workflows/images.yml");
      expect(deploy.jobs.up.needs).toBe("images");
      const order = steps("deploy.yml", "up");
      // Each service's stack config section is named like its services/ folder.
      const command = new RegExp(
        `config set --stack "\\$\\{\\{ matrix\\.stack \\}\\}" --path ai-platform:${service}\\.image "\\$(\\w+)"`,
      );
      const pin = order.findIndex((step) => command.test(step.run ?? ""));
      const up = order.findIndex((step) => step.with?.command === "up");
      expect(pin).toBeGreaterThan(-1);
      expect(pin).toBeLessThan(up);
      const variable = command.exec(order[pin]?.run ?? "")?.[1] as string;
      expect(order[pin]?.env[variable]).toBe(`\${{ fromJSON(needs.images.outputs.digests).${service} }}`);
    },
  );

  it("deploy pins an image for every service the images workflow builds", () => {
    const built: string[] = workflow("images.yml").jobs.build.strategy.matrix.service;
    const pins = steps("deploy.yml", "up")
      .flatMap((step) => [...(step.run ?? "").matchAll(/--path ai-platform:(\w+)\.image/g)])
      .map((match) => match[1]);
    expect(pins.sort()).toEqual([...built].sort());
  });

  it("scan every service image before pushing it", () => {
    const build = steps("images.yml", "build");
    const order = build.map((step) => step.name ?? step.uses);
    expect(order.indexOf("Scan (fails on fixable critical or high vulnerabilities)")).toBeLessThan(
      order.indexOf("Push"),
    );
    // Every service with a Dockerfile is built, and nothing else (a missing Dockerfile fails the job).
    const withDockerfile = readdirSync("services").filter((name) =>
      existsSync(`services/${name}/Dockerfile`),
    );
    expect([...workflow("images.yml").jobs.build.strategy.matrix.service].sort()).toEqual(
      withDockerfile.sort(),
    );
  });
});
