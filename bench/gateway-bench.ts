/**
 * LLM gateway benchmark (issue 4): direct to a fake upstream, this gateway in-memory, this gateway
 * with keys + Redis limits, and Portkey's gateway, measured side by side in one run on loopback.
 * Prints a markdown report; progress goes to stderr.
 *
 *   node -r ts-node/register/transpile-only bench/gateway-bench.ts [--duration-seconds 10]
 *     [--warmup-seconds 2] [--soak-seconds 300]
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { resolve } from "node:path";
import { type BenchOptions, CONCURRENCY_LEVELS, parseBenchOptions } from "./bench-options";
import { type BenchSystems, type SystemUnderTest, startSystems } from "./bench-systems";
import { REPOSITORY_ROOT } from "./child-process";
import type { RequestSpec } from "./load-generator";
import { renderReport } from "./report-table";
import {
  type BenchResults,
  type LevelMeasurements,
  type Measurement,
  type SoakMeasurement,
  SYSTEM_IDS,
  type SystemId,
  summarize,
} from "./results";
import { RssSampler, rssBytes } from "./rss";

/** Per gateway during the soak; both gateways are soaked at once. */
const SOAK_CONCURRENCY = 8;
/** Idle time after the soak before the last RSS reading, so in-flight work has settled. */
const SETTLE_MS = 2000;
const SOAKED: readonly SystemId[] = ["gateway", "gatewayRedis"];

const progress = (line: string) => process.stderr.write(`${line}\n`);

async function measure(
  system: SystemUnderTest,
  specs: readonly RequestSpec[],
  concurrency: number,
  options: BenchOptions,
): Promise<Measurement> {
  if (options.warmupSeconds > 0)
    await system.client.run(specs, { concurrency, durationMs: options.warmupSeconds * 1000 });
  const result = summarize(
    await system.client.run(specs, { concurrency, durationMs: options.durationSeconds * 1000 }),
  );
  progress(
    `  ${system.id.padEnd(12)} c=${String(concurrency).padEnd(3)} ${Math.round(result.requestsPerSecond)} req/s` +
      `  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms  errors ${result.errors}`,
  );
  return result;
}

async function measureLevels(systems: BenchSystems, options: BenchOptions): Promise<LevelMeasurements[]> {
  const levels: LevelMeasurements[] = [];
  for (const concurrency of CONCURRENCY_LEVELS) {
    progress(`non-streaming chat completions, concurrency ${concurrency}`);
    const bySystem = {} as Record<SystemId, Measurement>;
    for (const id of SYSTEM_IDS) {
      const system = systems.byId[id];
      bySystem[id] = await measure(system, [system.chat(false)], concurrency, options);
    }
    levels.push({ concurrency, bySystem });
  }
  return levels;
}

async function measureStreaming(
  systems: BenchSystems,
  options: BenchOptions,
): Promise<Record<SystemId, Measurement>> {
  progress("streaming chat completions (time to first byte), concurrency 1");
  const bySystem = {} as Record<SystemId, Measurement>;
  for (const id of SYSTEM_IDS) {
    const system = systems.byId[id];
    bySystem[id] = await measure(system, [system.chat(true)], 1, options);
  }
  return bySystem;
}

/** One gateway under mixed plain and streaming load, its RSS read before, during and after. */
async function soakOne(
  system: SystemUnderTest,
  options: BenchOptions,
  rssAtStartBytes: number,
): Promise<SoakMeasurement> {
  // RSS is read before each forced GC (the heap diagnostic), the same way before and after.
  const rssBeforeBytes = rssBytes(system.pid);
  const heapBeforeBytes = await system.heapAfterGc();
  const sampler = new RssSampler(system.pid);
  const run = await system.client.run([system.chat(false), system.chat(true)], {
    concurrency: SOAK_CONCURRENCY,
    durationMs: options.soakSeconds * 1000,
  });
  await new Promise((resolveSettled) => setTimeout(resolveSettled, SETTLE_MS));
  const rssAfterBytes = rssBytes(system.pid);
  const rssPeakBytes = sampler.stop();
  const measurement: SoakMeasurement = {
    system: system.id,
    rssAtStartBytes,
    rssBeforeBytes,
    rssAfterBytes,
    rssPeakBytes,
    heapBeforeBytes,
    heapAfterBytes: await system.heapAfterGc(),
    requests: run.requests,
    errors: run.errors,
  };
  progress(
    `  ${system.id}: RSS ${(rssBeforeBytes / 2 ** 20).toFixed(1)} -> ${(rssAfterBytes / 2 ** 20).toFixed(1)} MB,` +
      ` heap after GC ${(heapBeforeBytes / 2 ** 20).toFixed(1)} -> ${(measurement.heapAfterBytes / 2 ** 20).toFixed(1)} MB,` +
      ` ${run.requests} requests, ${run.errors} errors`,
  );
  return measurement;
}

/** Both gateways are soaked at the same time. */
function soak(
  systems: BenchSystems,
  options: BenchOptions,
  rssAtStart: ReadonlyMap<SystemId, number>,
): Promise<SoakMeasurement[]> {
  progress(`soak: ${options.soakSeconds} s, ${SOAK_CONCURRENCY} concurrent per gateway, plain + streaming`);
  return Promise.all(
    SOAKED.map((id) => soakOne(systems.byId[id], options, rssAtStart.get(id) ?? Number.NaN)),
  );
}

function describeMachine(): string {
  const processors = cpus();
  const memory = Math.round(totalmem() / 2 ** 30);
  // Other work on the machine skews every figure; say how busy it was.
  const load = loadavg()[0]?.toFixed(1);
  return `${processors.length} cores (${processors[0]?.model.trim() ?? "unknown CPU"}), ${memory} GB RAM, Linux ${release()}, Node ${process.version}, load average ${load} at start`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseBenchOptions(argv);
  const portkeyVersion = JSON.parse(
    readFileSync(resolve(REPOSITORY_ROOT, "node_modules/@portkey-ai/gateway/package.json"), "utf8"),
  ).version as string;
  const machine = describeMachine();
  progress("starting redis-server, fake upstream, both gateways and Portkey on 127.0.0.1");
  const systems = await startSystems();
  let results: BenchResults;
  try {
    const rssAtStart = new Map(SOAKED.map((id) => [id, rssBytes(systems.byId[id].pid)]));
    const levels = await measureLevels(systems, options);
    const streaming = await measureStreaming(systems, options);
    results = {
      date: new Date().toISOString().slice(0, 16).replace("T", " ").concat(" UTC"),
      machine,
      command: `npm run bench:gateway${argv.length > 0 ? ` -- ${argv.join(" ")}` : ""}`,
      portkeyVersion,
      durationSeconds: options.durationSeconds,
      soakSeconds: options.soakSeconds,
      levels,
      streaming,
      soak: await soak(systems, options, rssAtStart),
    };
  } finally {
    await systems.close();
  }
  process.stdout.write(`${renderReport(results)}\nCommand: \`${results.command}\`\n`);
}

// Ctrl-C: exit through the exit handlers, which stop the servers this run started.
process.once("SIGINT", () => process.exit(130));

main().catch((error) => {
  process.stderr.write(`gateway bench failed: ${(error as Error).message}\n`);
  process.exit(1);
});
