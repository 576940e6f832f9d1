/**
 * Several gateway replicas against one real Redis and one real PostgreSQL: one rate limit, one
 * budget, keys made on one replica usable on the others, spend in the database.
 */

import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, redisTestPrefix } from "../../harness/databases";
import { type FakeUpstream, startFakeUpstream } from "./fakes/openai-upstream";
import {
  createKey,
  deployment,
  MASTER_KEY,
  type RunningGateway,
  readJson,
  startGateway,
} from "./start-gateway";

let upstream: FakeUpstream;
let replicas: RunningGateway[];
let databaseUrl: string;

// USAGE in the fake is 12 prompt + 5 completion tokens: 12 * 1e-3 + 5 * 2e-3 = 0.022 USD per call.
const COST_PER_CALL = 0.022;

beforeAll(async () => {
  upstream = await startFakeUpstream("limits");
  databaseUrl = await createTestDatabase("gateway_limits");
  const document = {
    model_list: [
      deployment("chat", upstream.baseUrl, {
        info: { input_cost_per_token: 0.001, output_cost_per_token: 0.002 },
      }),
      deployment("other", upstream.baseUrl),
    ],
    router_settings: { redis_url: inject("redisUrl") },
    general_settings: { master_key: MASTER_KEY, database_url: databaseUrl },
  };
  const prefix = redisTestPrefix("limits");
  // Started one after another: the first runs the migrations, the others find them applied.
  replicas = [];
  for (let i = 0; i < 3; i++) replicas.push(await startGateway(document, { redisKeyPrefix: prefix }));
});

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.close()));
  await upstream.close();
});

const ask = (replica: RunningGateway, key: string, max_tokens = 5) =>
  replica.fetch("/v1/chat/completions", {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hi" }], max_tokens }),
  });

describe("limits shared by three replicas", () => {
  it("lets exactly rpm_limit requests through across all replicas in a minute", async () => {
    const { key } = await createKey(replicas[0]!, { rpm_limit: 7 });
    const responses = await Promise.all(Array.from({ length: 21 }, (_, i) => ask(replicas[i % 3]!, key)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(7);
    expect(statuses.filter((status) => status === 429)).toHaveLength(14);
    const rejected = responses.find((response) => response.status === 429)!;
    expect(Number(rejected.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await readJson(rejected)).error).toMatchObject({
      type: "rate_limit_error",
      code: "rate_limit_exceeded",
    });
  });

  it("counts the tokens calls really used against tpm_limit", async () => {
    // A call is admitted if tokens used so far + its estimate fit; it then counts its real 17 tokens.
    const { key } = await createKey(replicas[0]!, { tpm_limit: 120 });
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await ask(replicas[i % 3]!, key)).status);
    const ok = statuses.filter((status) => status === 200).length;
    expect(ok).toBeGreaterThanOrEqual(5);
    expect(ok * 17).toBeLessThanOrEqual(120);
    expect(statuses.slice(ok).every((status) => status === 429)).toBe(true);
  });

  it("never lets concurrent requests spend more than the budget plus what was in flight", async () => {
    // Budget for 4 calls; each reserves at most 0.022 (max_tokens 5 bounds the completion).
    const { key, key_id } = await createKey(replicas[1]!, {
      max_budget: 4 * COST_PER_CALL + 0.05,
      budget_duration: "30d",
    });
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => ask(replicas[i % 3]!, key)));
    const statuses = responses.map((response) => response.status);
    const ok = statuses.filter((status) => status === 200).length;
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((status) => status === 429)).toHaveLength(30 - ok);
    const refused = responses.find((response) => response.status === 429)!;
    expect((await readJson(refused)).error.code).toBe("budget_exceeded");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const info = await readJson(replicas[2]!.admin(`/key/info?key=${key_id}`));
    expect(info.spend).toBeLessThanOrEqual(4 * COST_PER_CALL + 0.05);
    expect(info.spend).toBeCloseTo(ok * COST_PER_CALL, 6);
    expect(info.reserved).toBe(0);
  });

  it("shares a team's limit between the team's keys", async () => {
    const team = await readJson(replicas[0]!.admin("/team/new", { team_alias: "search", rpm_limit: 4 }));
    const first = await createKey(replicas[0]!, { team_id: team.team_id });
    const second = await createKey(replicas[1]!, { team_id: team.team_id });
    const statuses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        ask(replicas[i % 3]!, i % 2 ? first.key : second.key).then((r) => r.status),
      ),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(4);
  });
});

describe("keys and spend in PostgreSQL", () => {
  it("uses a key made on one replica on another at once, and refuses it everywhere once revoked", async () => {
    const { key, key_id } = await createKey(replicas[0]!, { key_alias: "fresh" });
    expect((await ask(replicas[2]!, key)).status).toBe(200);
    expect((await replicas[1]!.admin("/key/delete", { keys: [key_id] })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const replica of replicas) expect((await ask(replica, key)).status).toBe(401);
  });

  it("stores keys only as hashes and shows the secret once", async () => {
    const { key, key_id } = await createKey(replicas[0]!, { key_alias: "hashed" });
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT * FROM gateway_keys WHERE id = $1", [key_id]);
      expect(JSON.stringify(rows)).not.toContain(key);
      expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await client.end();
    }
    const listed = await readJson(replicas[1]!.admin("/key/list"));
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(listed.keys.find((entry: { key_id: string }) => entry.key_id === key_id).key_alias).toBe("hashed");
  });

  it("writes spend rows in batches and reports them by key and model", async () => {
    const { key, key_id } = await createKey(replicas[0]!, {});
    for (let i = 0; i < 3; i++) expect((await ask(replicas[i]!, key)).status).toBe(200);
    // Each replica flushes its own queue; a query flushes the answering replica's queue only.
    await Promise.all(replicas.map((replica) => replica.gateway.context.spend.flush()));
    const logs = await readJson(replicas[0]!.admin(`/spend/logs?key_id=${key_id}`));
    expect(logs.data).toHaveLength(3);
    expect(logs.data[0]).toMatchObject({ key_id, model: "chat", prompt_tokens: 12, completion_tokens: 5 });
    expect(logs.data[0].spend).toBeCloseTo(COST_PER_CALL, 8);
    const report = await readJson(replicas[1]!.admin("/spend/report?group_by=key"));
    const mine = report.data.find((row: { key: string }) => row.key === key_id);
    expect(mine).toMatchObject({ requests: 3, prompt_tokens: 36, completion_tokens: 15 });
  });

  it("has the indexes the spend queries use, and migrations that run twice without change", async () => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'gateway_spend'",
      );
      expect(rows.map((row) => row.indexname)).toEqual(
        expect.arrayContaining([
          "gateway_spend_key_time",
          "gateway_spend_team_time",
          "gateway_spend_model_time",
        ]),
      );
      const versions = await client.query("SELECT version FROM gateway_schema_migrations");
      expect(versions.rows).toEqual([{ version: 1 }]);
    } finally {
      await client.end();
    }
  });

  it("reports Redis and PostgreSQL as connected when ready", async () => {
    const ready = await readJson(replicas[0]!.fetch("/health/readiness"));
    expect(ready).toMatchObject({ status: "ready", redis: "connected", postgres: "connected" });
  });
});
