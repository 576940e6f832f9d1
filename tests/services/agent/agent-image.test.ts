/** services/agent/Dockerfile: multi-stage on pinned Node 24, only dist and production dependencies, non-root. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AGENT_CONFIG_PATH, AGENT_PORT, AGENT_UID } from "../../../components/agent/agent-service-args";
import { unpinnedReason } from "../../../components/common/images";
import { ignored, parseDockerfile, type Stage } from "../../harness/dockerfile";

const text = readFileSync("services/agent/Dockerfile", "utf8");
const stages = parseDockerfile(text);
const final = stages.at(-1) as Stage;
const patterns = readFileSync("services/agent/Dockerfile.dockerignore", "utf8")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"));
const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args);
const named = (name: string) => stages.find((stage) => stage.name === name) as Stage;
const of = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

describe("services/agent/Dockerfile", () => {
  it("builds in stages from a pinned Node 24 bookworm-slim image, never :latest", () => {
    expect(stages.map((stage) => stage.name)).toEqual(["build", "production-dependencies", undefined]);
    for (const stage of stages) {
      expect(stage.from).toMatch(/^node:24\.\d+\.\d+-bookworm-slim$/);
      expect(unpinnedReason(stage.from)).toBeUndefined();
    }
    expect(text).not.toMatch(/:latest\b/);
  });

  it("compiles the agent workspace and ships only its dist and production dependencies", () => {
    expect(runs(named("build")).some((run) => /npm ci --workspace @ai-platform\/agent\b/.test(run))).toBe(
      true,
    );
    expect(runs(named("build"))).toContain("npm run build --workspace @ai-platform/agent");
    expect(
      runs(named("production-dependencies")).some((run) =>
        /--workspace @ai-platform\/agent .*--omit=dev/.test(run),
      ),
    ).toBe(true);
    const workspace = JSON.parse(readFileSync("services/agent/package.json", "utf8"));
    expect(workspace).toMatchObject({ name: "@ai-platform/agent", main: "dist/server.js" });
    expect(JSON.parse(readFileSync("services/agent/tsconfig.json", "utf8")).compilerOptions.outDir).toBe(
      "dist",
    );
    expect(runs(final)).toEqual([]);
    expect(of(final, "COPY")).toEqual([
      "--from=production-dependencies /app /app",
      "--from=build /app/services/agent/dist /app/services/agent/dist",
    ]);
  });

  it("runs as the non-root user, on the port and config path the deployment component uses", () => {
    expect(of(final, "USER").at(-1)).toBe(`${AGENT_UID}:${AGENT_UID}`);
    expect(of(final, "EXPOSE")).toEqual([String(AGENT_PORT)]);
    expect(of(final, "ENV")).toContain(`AGENT_CONFIG_FILE=${AGENT_CONFIG_PATH}`);
    expect(JSON.parse(of(final, "CMD")[0] ?? "[]")).toEqual(["node", "dist/server.js"]);
    expect(of(final, "WORKDIR").at(-1)).toBe("/app/services/agent");
  });

  it("sends only what the build copies", () => {
    const sources = stages.flatMap((stage) =>
      of(stage, "COPY")
        .filter((args) => !args.startsWith("--from"))
        .flatMap((args) => args.split(/\s+/).slice(0, -1)),
    );
    for (const source of sources) expect(ignored(patterns, source), source).toBe(false);
    expect(ignored(patterns, "services/agent/src/server.ts")).toBe(false);
    for (const path of [
      ".git/config",
      "node_modules/openai/package.json",
      "services/agent/node_modules/ioredis/package.json",
      "services/agent/dist/server.js",
      "services/agent/config.example.yaml",
      "services/gateway/src/server.ts",
      "tests/services/agent/agent-loop.test.ts",
      "Pulumi.prod.yaml",
    ])
      expect(ignored(patterns, path), path).toBe(true);
  });
});
