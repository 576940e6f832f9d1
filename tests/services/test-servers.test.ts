import { Redis } from "ioredis";
import { Client } from "pg";
import { describe, expect, inject, it } from "vitest";
import { createTestDatabase } from "../harness/databases";

describe("test servers", () => {
  it("serves a real Redis on loopback", async () => {
    const redis = new Redis(inject("redisUrl"));
    try {
      await redis.set("test:servers:probe", "1");
      expect(await redis.incr("test:servers:probe")).toBe(2);
    } finally {
      redis.disconnect();
    }
  });

  it("serves a real PostgreSQL and hands each caller a database of its own", async () => {
    const url = await createTestDatabase("probe");
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query("select current_database() as name, version() as version");
      expect(rows[0].name).toBe(new URL(url).pathname.slice(1));
      expect(rows[0].version).toMatch(/^PostgreSQL \d+/);
    } finally {
      await client.end();
    }
  });
});
