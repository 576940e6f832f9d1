import type { EngineEvent } from "@pulumi/pulumi/automation";
import { describe, expect, it } from "vitest";
import { buildDriftReport } from "../../tools/drift/drift-report";
import type { DriftSource } from "../../tools/drift/drift-source";
import { driftMarkdown } from "../../tools/drift/markdown";
import { checkDrift, EXIT, exitCodeFor, parseDriftArgs } from "../../tools/drift/run-drift";
import { CLEAN_EVENTS, DRIFTED_EVENTS, ERROR_EVENTS } from "../../tools/drift/sample-events";

const CHECKED_AT = new Date("2026-11-23T03:00:00Z");

/** Replays recorded engine events per stack; a stack mapped to an Error throws like a failed CLI run. */
function recordedSource(byStack: Record<string, EngineEvent[] | Error>): DriftSource {
  return {
    async previewRefresh(stack, onEvent) {
      const recorded = byStack[stack];
      if (recorded instanceof Error) throw recorded;
      for (const event of recorded ?? []) onEvent(event);
    },
  };
}

describe("buildDriftReport", () => {
  const report = buildDriftReport("dev", DRIFTED_EVENTS, CHECKED_AT);

  it("lists only resources the refresh found changed, with property-level diffs", () => {
    expect(report.drifted.map((r) => [r.name, r.op])).toEqual([
      ["aip-dev-gpu-gpu-a10-pool", "update"],
      ["keycloak-db", "update"],
      ["aip-dev-network-pods-cn-hangzhou-j", "create"],
    ]);
    expect(report.drifted[0]?.properties).toEqual([
      { path: "scalingConfig.maxSize", kind: "update", actual: 5, declared: 2 },
      { path: "tags.team", kind: "update", actual: "someone-else", declared: "ai-platform" },
    ]);
    expect(report.drifted[2]?.suggestedAction).toMatch(/Deleted outside Pulumi/);
    expect(report.errors).toEqual([]);
  });

  it("never lets a secret into the report", () => {
    expect(report.drifted[1]?.properties).toEqual([
      { path: "stringData.password", kind: "update", actual: "[secret]", declared: "[secret]" },
    ]);
    const everything = JSON.stringify(report) + driftMarkdown([report]);
    expect(everything).not.toContain("hand-rotated-pw");
  });

  it("collects engine errors without terminal colour codes", () => {
    expect(buildDriftReport("prod", ERROR_EVENTS, CHECKED_AT).errors).toEqual([
      "error: getting credentials: InvalidAccessKeyId.NotFound",
    ]);
  });
});

describe("driftMarkdown", () => {
  it("summarises every stack and tabulates each drifted property", () => {
    const markdown = driftMarkdown([
      buildDriftReport("dev", DRIFTED_EVENTS, CHECKED_AT),
      buildDriftReport("prod", CLEAN_EVENTS, CHECKED_AT),
    ]);
    expect(markdown).toContain("| dev | drifted | 3 |");
    expect(markdown).toContain("| prod | no drift | 0 |");
    expect(markdown).toContain("### `aip-dev-gpu-gpu-a10-pool` (alicloud:cs/nodePool:NodePool): update");
    expect(markdown).toContain("| `scalingConfig.maxSize` | update | `5` | `2` |");
  });
});

describe("checkDrift and exit codes", () => {
  it("is 0 without drift, 2 with drift, 1 when a stack could not be checked", async () => {
    const source = recordedSource({
      dev: DRIFTED_EVENTS,
      prod: CLEAN_EVENTS,
      broken: new Error("no stack named broken"),
    });
    expect(exitCodeFor(await checkDrift(source, ["prod"]))).toBe(EXIT.noDrift);
    expect(exitCodeFor(await checkDrift(source, ["prod", "dev"]))).toBe(EXIT.drift);
    const withError = await checkDrift(source, ["dev", "broken", "prod"]);
    expect(withError.map((r) => r.stack)).toEqual(["dev", "broken", "prod"]);
    expect(withError[1]?.errors).toEqual(["no stack named broken"]);
    expect(exitCodeFor(withError)).toBe(EXIT.error);
  });

  it("parses stacks and the output folder", () => {
    expect(parseDriftArgs(["dev", "--out", "reports", "prod"])).toEqual({
      stacks: ["dev", "prod"],
      outDir: "reports",
    });
    expect(parseDriftArgs(["dev"])).toEqual({ stacks: ["dev"], outDir: "drift-report" });
    expect(() => parseDriftArgs(["dev", "--out"])).toThrow("--out needs a folder");
  });
});
