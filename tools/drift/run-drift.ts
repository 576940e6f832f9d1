import type { EngineEvent } from "@pulumi/pulumi/automation";
import { buildDriftReport, type StackDriftReport } from "./drift-report";
import type { DriftSource } from "./drift-source";

export const EXIT = { noDrift: 0, error: 1, drift: 2 } as const;

/** Checks each stack in turn; one stack failing does not stop the others. */
export async function checkDrift(
  source: DriftSource,
  stacks: readonly string[],
  now = () => new Date(),
): Promise<StackDriftReport[]> {
  const reports: StackDriftReport[] = [];
  for (const stack of stacks) {
    const events: EngineEvent[] = [];
    try {
      await source.previewRefresh(stack, (event) => events.push(event));
      reports.push(buildDriftReport(stack, events, now()));
    } catch (error) {
      const report = buildDriftReport(stack, events, now());
      const message = error instanceof Error ? error.message : String(error);
      reports.push({ ...report, errors: report.errors.length > 0 ? report.errors : [message] });
    }
  }
  return reports;
}

export function exitCodeFor(reports: readonly StackDriftReport[]): number {
  if (reports.some((report) => report.errors.length > 0)) return EXIT.error;
  return reports.some((report) => report.drifted.length > 0) ? EXIT.drift : EXIT.noDrift;
}

export interface DriftArgs {
  readonly stacks: readonly string[];
  /** Folder the Markdown and JSON reports are written to. */
  readonly outDir: string;
}

/** `dev prod --out reports` → stacks [dev, prod], outDir reports (default `drift-report`). */
export function parseDriftArgs(args: readonly string[]): DriftArgs {
  const stacks: string[] = [];
  let outDir = "drift-report";
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === "--out") {
      const value = args[++index];
      if (!value) throw new Error("--out needs a folder");
      outDir = value;
    } else {
      stacks.push(arg);
    }
  }
  return { stacks, outDir };
}
