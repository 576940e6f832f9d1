/**
 * What the benchmark talks to, all on loopback: one fake upstream, Redis, this gateway twice
 * (in-memory without auth; keys + RPM/TPM/budget limits on Redis) and Portkey's gateway. Each
 * server is a child process so that its RSS is its own.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { cleanEnvironment, REPOSITORY_ROOT, type RunningChild, startChild } from "./child-process";
import { compileChildren } from "./compile-children";
import { LoadClient, type RequestSpec } from "./load-generator";
import { type RunningRedis, startRedis } from "./redis-server";
import { SYSTEM_IDS, type SystemId } from "./results";

export interface SystemUnderTest {
  readonly id: SystemId;
  readonly client: LoadClient;
  /** The process answering (for direct, the fake upstream itself). */
  readonly pid: number;
  /** Live heap after a full GC (the gateways only). */
  heapAfterGc(): Promise<number>;
  chat(stream: boolean): RequestSpec;
}

export interface BenchSystems {
  readonly byId: Readonly<Record<SystemId, SystemUnderTest>>;
  close(): Promise<void>;
}

const MODEL = "bench";
const UPSTREAM_MODEL = "bench-upstream";
/** The fake upstream's answer text; checked once per system before measuring. */
const EXPECTED_REPLY = "Hello from bench.";
/** Far above what the bench sends, so every request is counted and none is refused. */
const KEY_LIMITS = { rpm_limit: 1_000_000_000, tpm_limit: 1_000_000_000_000, max_budget: 1_000_000 };

function chatSpec(
  path: string,
  model: string,
  headers: Record<string, string>,
  stream: boolean,
): RequestSpec {
  const body = {
    model,
    messages: [
      { role: "system", content: "You are a terse assistant." },
      { role: "user", content: "Say hello in one short sentence." },
    ],
    max_tokens: 32,
    ...(stream ? { stream: true } : {}),
  };
  return {
    path,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
    stream,
  };
}

function gatewayConfig(upstreamOrigin: string, redisUrl?: string): unknown {
  return {
    model_list: [
      {
        model_name: MODEL,
        litellm_params: { model: `hosted_vllm/${UPSTREAM_MODEL}`, api_base: `${upstreamOrigin}/v1` },
        // Prices make the budget reservation and settlement real work.
        model_info: { mode: "chat", input_cost_per_token: 1e-7, output_cost_per_token: 2e-7 },
      },
    ],
    ...(redisUrl ? { router_settings: { redis_url: redisUrl } } : {}),
  };
}

async function createVirtualKey(gatewayUrl: string, masterKey: string): Promise<string> {
  const response = await fetch(`${gatewayUrl}/key/generate`, {
    method: "POST",
    headers: { authorization: `Bearer ${masterKey}`, "content-type": "application/json" },
    body: JSON.stringify({ key_alias: "bench", models: [MODEL], budget_duration: "30d", ...KEY_LIMITS }),
  });
  if (response.status !== 200)
    throw new Error(`/key/generate answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { key: string }).key;
}

/** One real answer per system before measuring: a misconfigured system must not be timed. */
async function verify(system: SystemUnderTest, origin: string): Promise<void> {
  const spec = system.chat(false);
  const response = await fetch(`${origin}${spec.path}`, {
    method: "POST",
    headers: spec.headers,
    body: spec.body,
  });
  const text = await response.text();
  let content: unknown;
  try {
    content = JSON.parse(text).choices?.[0]?.message?.content;
  } catch {}
  if (response.status !== 200 || content !== EXPECTED_REPLY)
    throw new Error(
      `${system.id} did not answer the check request (${response.status}): ${text.slice(0, 300)}`,
    );
  await system.client.send(system.chat(true));
}

export async function startSystems(): Promise<BenchSystems> {
  const compiled = compileChildren(REPOSITORY_ROOT);
  const environment = (extra: NodeJS.ProcessEnv = {}) => ({
    ...cleanEnvironment(),
    ...compiled.environment(),
    ...extra,
  });
  const directory = mkdtempSync(join(tmpdir(), "gateway-bench-"));
  const children: RunningChild[] = [];
  let redis: RunningRedis | undefined;
  const clients: LoadClient[] = [];
  const close = async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(children.map((child) => child.stop()));
    await redis?.stop();
    rmSync(directory, { recursive: true, force: true });
    compiled.remove();
  };
  try {
    redis = await startRedis();
    const upstream = await startChild("fake upstream", compiled.script("upstream-process"), {
      env: environment(),
    });
    children.push(upstream);
    const writeConfig = (name: string, config: unknown) => {
      const path = join(directory, name);
      writeFileSync(path, stringify(config));
      return path;
    };
    const masterKey = `sk-bench-${randomBytes(16).toString("hex")}`;
    const started = await Promise.allSettled([
      startChild("gateway (memory)", compiled.script("gateway-process"), {
        env: environment(),
        // Only so the heap diagnostic can force a full GC; it changes nothing else.
        nodeArgs: ["--expose-gc"],
        args: ["--config", writeConfig("memory.yaml", gatewayConfig(upstream.url))],
      }),
      // The master key reaches the gateway through its environment, never a file.
      startChild("gateway (keys + Redis)", compiled.script("gateway-process"), {
        env: environment({ GATEWAY_MASTER_KEY: masterKey }),
        nodeArgs: ["--expose-gc"],
        args: ["--config", writeConfig("redis.yaml", gatewayConfig(upstream.url, redis.url))],
      }),
      startChild("portkey", compiled.script("portkey-process"), { env: environment() }),
    ]);
    // Those that did start must be stopped even if another failed.
    for (const result of started) if (result.status === "fulfilled") children.push(result.value);
    const failed = started.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    const [gateway, gatewayRedis, portkey] = children.slice(1) as [RunningChild, RunningChild, RunningChild];
    const virtualKey = await createVirtualKey(gatewayRedis.url, masterKey);
    const make = (
      id: SystemId,
      server: RunningChild,
      chat: (stream: boolean) => RequestSpec,
    ): SystemUnderTest => {
      const client = new LoadClient(server.url);
      clients.push(client);
      return { id, client, pid: server.pid, heapAfterGc: server.heapAfterGc, chat };
    };
    const path = "/v1/chat/completions";
    const byId: Record<SystemId, SystemUnderTest> = {
      direct: make("direct", upstream, (stream) => chatSpec(path, UPSTREAM_MODEL, {}, stream)),
      gateway: make("gateway", gateway, (stream) => chatSpec(path, MODEL, {}, stream)),
      gatewayRedis: make("gatewayRedis", gatewayRedis, (stream) =>
        chatSpec(path, MODEL, { authorization: `Bearer ${virtualKey}` }, stream),
      ),
      portkey: make("portkey", portkey, (stream) =>
        chatSpec(
          path,
          UPSTREAM_MODEL,
          {
            authorization: "Bearer sk-bench-upstream",
            "x-portkey-provider": "openai",
            "x-portkey-custom-host": `${upstream.url}/v1`,
          },
          stream,
        ),
      ),
    };
    const origins = { direct: upstream, gateway, gatewayRedis, portkey };
    for (const id of SYSTEM_IDS) await verify(byId[id], origins[id].url);
    return { byId, close };
  } catch (error) {
    await close();
    throw error;
  }
}
