/**
 * Agent service benchmark (issue 6): what the loop itself costs per turn, with a zero-latency model
 * and tool in the same process, and runs per second. Measured side by side in one run with the
 * baselines of bench/agent/baseline.ts (the same turns driven by direct openai-SDK calls, and a bare
 * HTTP round trip on loopback). Prints a markdown report; progress goes to stderr.
 *
 *   node -r ts-node/register/transpile-only bench/agent-bench.ts [--duration-seconds 10]
 *     [--warmup-seconds 2] [--tool-turns 3]
 */
import { cpus, loadavg, release } from "node:os";
import { parseArgs } from "node:util";
import { BENCH_INSTRUCTIONS, startAgentUnderTest } from "./agent/agent-under-test";
import { sdkTurns, startEchoServer } from "./agent/baseline";
import { fakeModel } from "./agent/fake-model";
import { fakeTools } from "./agent/fake-tools";
import { measure, type RunStats } from "./agent/measure";

const CONCURRENCY_LEVELS = [1, 16] as const;
const TARGET_MS_PER_TURN = 5;
const progress = (line: string) => process.stderr.write(`${line}\n`);

interface ModeResult {
  readonly streaming: boolean;
  readonly rows: { system: string; concurrency: number; stats: RunStats }[];
  /** (agent − SDK turns − HTTP round trip) / turns, at concurrency 1, from mean run times. */
  readonly overheadPerTurnMs: number;
  /** The same from median run times (less moved by garbage-collection pauses). */
  readonly overheadPerTurnP50Ms: number;
  /** Agent run time outside the fake model and tool, per turn, at concurrency 1 (HTTP and SDK included). */
  readonly outsideModelAndToolPerTurnMs: number;
}

async function benchMode(
  streaming: boolean,
  toolTurns: number,
  durationMs: number,
  warmupMs: number,
): Promise<ModeResult> {
  const model = fakeModel(toolTurns);
  const tools = fakeTools();
  const agent = await startAgentUnderTest(model, tools, streaming);
  const echo = await startEchoServer();
  const direct = await sdkTurns(model, tools, streaming, BENCH_INSTRUCTIONS);
  const input = "Look up three things and summarise them.";
  const body = JSON.stringify({ input });
  const agentRun = async () => {
    const response = await fetch(`${agent.url}/v1/agents/bench/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const result = (await response.json()) as {
      status?: string;
      usage?: { turns: number; tool_calls: number };
    };
    if (result.status !== "completed" || result.usage?.turns !== toolTurns + 1)
      throw new Error(`unexpected run: ${JSON.stringify(result)}`);
  };
  const httpRoundTrip = async () => {
    const response = await fetch(echo.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    await response.json();
  };
  const systems = [
    { system: "agent service (HTTP API + loop)", once: agentRun },
    { system: "baseline: direct openai-SDK turns", once: () => direct(input) },
    { system: "baseline: bare HTTP round trip", once: httpRoundTrip },
  ];
  await agentRun(); // fails loudly if the agent does not play the scripted turns
  const rows: ModeResult["rows"] = [];
  let outside = 0;
  try {
    for (const concurrency of CONCURRENCY_LEVELS) {
      for (const { system, once } of systems) {
        if (warmupMs > 0) await measure(once, { concurrency, durationMs: warmupMs });
        const spent = { model: model.stats.ms, tools: tools.stats.ms };
        const stats = await measure(once, { concurrency, durationMs });
        if (system.startsWith("agent") && concurrency === 1) {
          const insideMs = model.stats.ms - spent.model + (tools.stats.ms - spent.tools);
          outside = (stats.meanMs - insideMs / stats.runs) / (toolTurns + 1);
        }
        rows.push({ system, concurrency, stats });
        progress(
          `  ${streaming ? "stream" : "json  "} c=${String(concurrency).padEnd(2)} ${system.padEnd(36)} ` +
            `${stats.runsPerSecond.toFixed(0).padStart(6)} runs/s  mean ${stats.meanMs.toFixed(3)} ms  errors ${stats.errors}`,
        );
      }
    }
  } finally {
    await agent.close();
    await echo.close();
  }
  const at1 = (prefix: string, key: "meanMs" | "p50Ms") =>
    rows.find((row) => row.concurrency === 1 && row.system.startsWith(prefix))?.stats[key] ?? 0;
  const overhead = (key: "meanMs" | "p50Ms") =>
    (at1("agent", key) - at1("baseline: direct", key) - at1("baseline: bare", key)) / (toolTurns + 1);
  return {
    streaming,
    rows,
    overheadPerTurnMs: overhead("meanMs"),
    overheadPerTurnP50Ms: overhead("p50Ms"),
    outsideModelAndToolPerTurnMs: outside,
  };
}

function report(
  results: readonly ModeResult[],
  toolTurns: number,
  options: { durationSeconds: number; load: number[] },
): string {
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}, Linux ${release()}; load average at start ${options.load.map((value) => value.toFixed(2)).join(", ")}.`,
    `Each run: ${toolTurns + 1} model turns (${toolTurns} with one tool call each, then the answer); ${options.durationSeconds} s per row.`,
    "",
    "| Upstream | System | Concurrency | Runs/s | Mean ms/run | p50 ms | p99 ms | Errors |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const result of results)
    for (const { system, concurrency, stats } of result.rows)
      lines.push(
        `| ${result.streaming ? "streaming" : "JSON"} | ${system} | ${concurrency} | ${stats.runsPerSecond.toFixed(0)} | ${stats.meanMs.toFixed(3)} | ${stats.p50Ms.toFixed(3)} | ${stats.p99Ms.toFixed(3)} | ${stats.errors} |`,
      );
  lines.push(
    "",
    "| Loop overhead per turn, concurrency 1 | Measured | Target | Result |",
    "| --- | --- | --- | --- |",
  );
  for (const result of results) {
    const mode = result.streaming ? "streaming upstream" : "JSON upstream";
    lines.push(
      `| (agent − SDK turns − HTTP round trip) / turns, means, ${mode} | ${result.overheadPerTurnMs.toFixed(3)} ms | < ${TARGET_MS_PER_TURN} ms | ${result.overheadPerTurnMs < TARGET_MS_PER_TURN ? "pass" : "FAIL"} |`,
      `| (agent − SDK turns − HTTP round trip) / turns, medians, ${mode} | ${result.overheadPerTurnP50Ms.toFixed(3)} ms | < ${TARGET_MS_PER_TURN} ms | ${result.overheadPerTurnP50Ms < TARGET_MS_PER_TURN ? "pass" : "FAIL"} |`,
      `| agent time outside model and tool / turns, ${mode} | ${result.outsideModelAndToolPerTurnMs.toFixed(3)} ms | < ${TARGET_MS_PER_TURN} ms | ${result.outsideModelAndToolPerTurnMs < TARGET_MS_PER_TURN ? "pass" : "FAIL"} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "duration-seconds": { type: "string", default: "10" },
      "warmup-seconds": { type: "string", default: "2" },
      "tool-turns": { type: "string", default: "3" },
    },
  });
  const durationSeconds = Number(values["duration-seconds"]);
  const toolTurns = Number(values["tool-turns"]);
  const load = loadavg();
  const results: ModeResult[] = [];
  for (const streaming of [true, false]) {
    progress(`${streaming ? "streaming" : "JSON"} upstream`);
    results.push(
      await benchMode(streaming, toolTurns, durationSeconds * 1000, Number(values["warmup-seconds"]) * 1000),
    );
  }
  process.stdout.write(report(results, toolTurns, { durationSeconds, load }));
  const failed = results.some((result) => result.overheadPerTurnMs >= TARGET_MS_PER_TURN);
  process.exitCode = failed ? 1 : 0;
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
