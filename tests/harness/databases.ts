import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { inject } from "vitest";

/** A new, empty database on the test PostgreSQL server, so each test file owns its schema. */
export async function createTestDatabase(prefix: string): Promise<string> {
  const serverUrl = inject("databaseUrl");
  const name = `${prefix}_${randomBytes(4).toString("hex")}`.toLowerCase();
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A key prefix no other test file uses on the shared test Redis. */
export function redisTestPrefix(prefix: string): string {
  return `test:${prefix}:${randomBytes(4).toString("hex")}:`;
}
