import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unpinnedReason } from "../../components/common/images";
import { CONFIG_PATH, GATEWAY_PORT, GATEWAY_UID } from "../../components/gateway/llm-gateway-args";
import { REPO_ROOT } from "../../policies/offline/stack-files";
import { ignored, parseDockerfile, type Stage } from "../harness/dockerfile";

const read = (file: string) => readFileSync(join(REPO_ROOT, file), "utf8");

const stages = parseDockerfile(read("services/gateway/Dockerfile"));
const ignorePatterns = read("services/gateway/Dockerfile.dockerignore")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"));
const finalStage = stages.at(-1) as Stage;
const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args);
const stageNamed = (name: string) => stages.find((stage) => stage.name === name) as Stage;
const workspace = JSON.parse(read("services/gateway/package.json"));

describe("services/gateway/Dockerfile", () => {
  it("builds in separate stages from a pinned Node 24 bookworm-slim image, never :latest", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      expect(stage.from).toMatch(/^node:24\.\d+\.\d+-bookworm-slim$/);
      expect(unpinnedReason(stage.from), stage.from).toBeUndefined();
    }
    expect(read("services/gateway/Dockerfile")).not.toMatch(/:latest\b/);
  });

  it("installs and compiles the workspace with npm ci, then ships only dist and production dependencies", () => {
    const build = stageNamed("build");
    expect(runs(build).some((run) => /npm ci --workspace @ai-platform\/gateway\b/.test(run))).toBe(true);
    expect(runs(build)).toContain("npm run build --workspace @ai-platform/gateway");
    const dependencies = stageNamed("production-dependencies");
    expect(
      runs(dependencies).some((run) => /npm ci --workspace @ai-platform\/gateway .*--omit=dev/.test(run)),
    ).toBe(true);
    // The workspace the Dockerfile names is the gateway's, its build emits dist/.
    expect(workspace.name).toBe("@ai-platform/gateway");
    expect(workspace.scripts.build).toBe("tsc -p tsconfig.json");
    expect(JSON.parse(read("services/gateway/tsconfig.json")).compilerOptions.outDir).toBe("dist");
    // The final stage runs nothing and takes only the compiled output from the build stage.
    expect(runs(finalStage)).toEqual([]);
    const copies = finalStage.instructions.filter((i) => i.keyword === "COPY").map((i) => i.args);
    expect(copies).toEqual([
      "--from=production-dependencies /app /app",
      "--from=build /app/services/gateway/dist /app/services/gateway/dist",
    ]);
  });

  it("runs as the non-root user the component expects, on the port and config path it mounts", () => {
    const users = finalStage.instructions.filter((i) => i.keyword === "USER").map((i) => i.args);
    expect(users.at(-1)).toBe(`${GATEWAY_UID}:${GATEWAY_UID}`);
    expect(GATEWAY_UID).toBeGreaterThan(0);
    expect(finalStage.instructions.find((i) => i.keyword === "EXPOSE")?.args).toBe(String(GATEWAY_PORT));
    const cmd = finalStage.instructions.find((i) => i.keyword === "CMD")?.args ?? "";
    expect(JSON.parse(cmd)).toEqual(["node", "dist/server.js", "--config", CONFIG_PATH]);
    expect(
      finalStage.instructions.find((i) => i.keyword === "WORKDIR" && i.args.endsWith("gateway"))?.args,
    ).toBe("/app/services/gateway");
  });

  it("sends only what the build copies: every COPY source is in the context, everything else is not", () => {
    const sources = stages.flatMap((stage) =>
      stage.instructions
        .filter((i) => i.keyword === "COPY" && !i.args.startsWith("--from"))
        .flatMap((i) => i.args.split(/\s+/).slice(0, -1)),
    );
    expect(sources.length).toBeGreaterThan(4);
    for (const source of sources) expect(ignored(ignorePatterns, source), source).toBe(false);
    expect(ignored(ignorePatterns, "services/gateway/src/server.ts")).toBe(false);
    for (const path of [
      ".git/config",
      "node_modules/typescript/package.json",
      "services/gateway/node_modules/undici/package.json",
      "services/gateway/dist/server.js",
      "services/gateway/src/routes/health.test.ts",
      "services/mcp/src/server.ts",
      "stacks/index.ts",
      "Pulumi.prod.yaml",
    ])
      expect(ignored(ignorePatterns, path), path).toBe(true);
  });
});
