import type { StackRun } from "../../../policies/offline/render-stack";
import { readStackFile } from "../../../policies/offline/stack-files";
import { type ChartSources, PINNED_CHART_SOURCES } from "./chart-workloads";
import { extractWorkloads } from "./extract";
import { type FootprintRow, footprintRows } from "./rows";

/** What one stack file runs in its cluster, row by row; plain data, so a child process can hand it over as JSON. */
export interface StackFootprint {
  readonly stack: string;
  /** `ai-platform:cloud` and `ai-platform:environment` of the stack file. */
  readonly cloud: string;
  readonly environment: string;
  readonly rows: readonly FootprintRow[];
}

export function stackFootprint(
  stack: string,
  run: StackRun,
  charts: ChartSources = PINNED_CHART_SOURCES,
): StackFootprint {
  const config = readStackFile(stack);
  return {
    stack,
    cloud: String(config["ai-platform:cloud"]),
    environment: String(config["ai-platform:environment"]),
    rows: footprintRows(extractWorkloads(run.resources, charts)),
  };
}
