/** The benchmark's markdown report: every system side by side with the direct baseline, then the goals. */
import { checkGoals, type GoalCheck } from "./goals";
import {
  type BenchResults,
  type Measurement,
  rssGrowthPercent,
  SYSTEM_IDS,
  SYSTEM_LABELS,
  type SystemId,
} from "./results";

const MEGABYTE = 1024 * 1024;

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  for (const row of rows)
    if (row.length !== header.length)
      throw new Error(`table row has ${row.length} cells, the header ${header.length}: ${row.join(" | ")}`);
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell) => cell.replaceAll("|", "\\|")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

const fixed = (value: number) => (Number.isNaN(value) ? "n/a" : value.toFixed(2));
const signed = (value: number) =>
  Number.isNaN(value) ? "n/a" : `${value >= 0 ? "+" : ""}${value.toFixed(2)}`;
const integer = (value: number) => Math.round(value).toLocaleString("en-US");
const megabytes = (bytes: number) => (Number.isNaN(bytes) ? "n/a" : `${(bytes / MEGABYTE).toFixed(1)} MB`);

/** A latency cell: the value, and for systems other than direct how much it adds to direct. */
function latencyCells(
  bySystem: Readonly<Record<SystemId, Measurement>>,
  pick: (measurement: Measurement) => number,
): string[] {
  const baseline = pick(bySystem.direct);
  return SYSTEM_IDS.map((id) =>
    id === "direct"
      ? fixed(baseline)
      : `${fixed(pick(bySystem[id]))} (${signed(pick(bySystem[id]) - baseline)})`,
  );
}

function latencyTable(results: BenchResults, portkeyLabel: string): string {
  const rows: string[][] = [];
  for (const { concurrency, bySystem } of results.levels) {
    rows.push([`c=${concurrency} p50 ms`, ...latencyCells(bySystem, (m) => m.p50Ms)]);
    rows.push([`c=${concurrency} p99 ms`, ...latencyCells(bySystem, (m) => m.p99Ms)]);
    rows.push([`c=${concurrency} req/s`, ...SYSTEM_IDS.map((id) => integer(bySystem[id].requestsPerSecond))]);
  }
  const errors = (id: SystemId) => results.levels.reduce((sum, level) => sum + level.bySystem[id].errors, 0);
  rows.push(["errors", ...SYSTEM_IDS.map((id) => String(errors(id)))]);
  return markdownTable(["Non-streaming", ...SYSTEM_IDS.map((id) => label(id, portkeyLabel))], rows);
}

function streamingTable(results: BenchResults, portkeyLabel: string): string {
  const { streaming } = results;
  return markdownTable(
    ["Streaming, c=1", ...SYSTEM_IDS.map((id) => label(id, portkeyLabel))],
    [
      ["first byte p50 ms", ...latencyCells(streaming, (m) => m.p50Ms)],
      ["first byte p99 ms", ...latencyCells(streaming, (m) => m.p99Ms)],
      ["errors", ...SYSTEM_IDS.map((id) => String(streaming[id].errors))],
    ],
  );
}

function soakTable(results: BenchResults): string {
  const soaks = results.soak;
  return markdownTable(
    [`Soak, ${results.soakSeconds} s`, ...soaks.map((soak) => SYSTEM_LABELS[soak.system])],
    [
      ["RSS after start", ...soaks.map((soak) => megabytes(soak.rssAtStartBytes))],
      ["RSS before soak", ...soaks.map((soak) => megabytes(soak.rssBeforeBytes))],
      ["RSS after soak", ...soaks.map((soak) => megabytes(soak.rssAfterBytes))],
      ["RSS peak during soak", ...soaks.map((soak) => megabytes(soak.rssPeakBytes))],
      ["RSS growth", ...soaks.map((soak) => `${rssGrowthPercent(soak).toFixed(1)} %`)],
      ["live heap after full GC, before soak", ...soaks.map((soak) => megabytes(soak.heapBeforeBytes))],
      ["live heap after full GC, after soak", ...soaks.map((soak) => megabytes(soak.heapAfterBytes))],
      ["requests (errors)", ...soaks.map((soak) => `${integer(soak.requests)} (${soak.errors})`)],
    ],
  );
}

function goalsTable(goals: readonly GoalCheck[]): string {
  return markdownTable(
    ["Target (issue 4)", "Measured", "Required", "Result"],
    goals.map((goal) => [goal.goal, goal.measured, goal.required, goal.pass ? "pass" : "**fail**"]),
  );
}

function label(id: SystemId, portkeyLabel: string): string {
  return id === "portkey" ? portkeyLabel : SYSTEM_LABELS[id];
}

/** The whole report; latency cells read "value (+added vs direct)", all in milliseconds. */
export function renderReport(results: BenchResults): string {
  const portkeyLabel = `${SYSTEM_LABELS.portkey} ${results.portkeyVersion}`;
  const firstErrors = [
    ...results.levels.flatMap((level) =>
      SYSTEM_IDS.map((id) => [`${id} at c=${level.concurrency}`, level.bySystem[id].firstError] as const),
    ),
    ...SYSTEM_IDS.map((id) => [`${id} streaming`, results.streaming[id].firstError] as const),
  ].filter(([, error]) => error !== undefined);
  return [
    `Measured ${results.date} on ${results.machine}; ${results.durationSeconds} s per system and level.`,
    "",
    latencyTable(results, portkeyLabel),
    "",
    streamingTable(results, portkeyLabel),
    "",
    soakTable(results),
    "",
    goalsTable(checkGoals(results)),
    ...(firstErrors.length > 0
      ? ["", "First errors:", ...firstErrors.map(([where, error]) => `- ${where}: ${error}`)]
      : []),
    "",
  ].join("\n");
}
