import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { Client } from "pg";

/** A remote server as every replica must see it: where it is, what is allowed, what was approved. */
export interface StoredServer {
  readonly name: string;
  readonly url: string;
  readonly allowedTools: readonly string[];
  /** Name of a credential in `federation.credentials`; never the secret itself. */
  readonly credential?: string;
  /** Remote tool name → the approved definition and its hash. */
  readonly pinned: Readonly<Record<string, { readonly hash: string; readonly definition: Tool }>>;
}

/** Where registrations and approvals live, so all replicas agree on them. */
export interface FederationStore {
  load(): Promise<StoredServer[]>;
  /** Adds a server unless one of that name exists; returns whether it was added. */
  add(server: StoredServer): Promise<boolean>;
  /** Replaces the pinned definitions of a server (an approval). */
  pin(name: string, pinned: StoredServer["pinned"]): Promise<void>;
  remove(name: string): Promise<boolean>;
}

/** The registry in one PostgreSQL table; each call opens a short connection (admin and timer paths only). */
export class PostgresFederationStore implements FederationStore {
  private tableExists = false;

  constructor(private readonly connectionString: string) {}

  async load(): Promise<StoredServer[]> {
    const { rows } = await this.query(
      "select name, url, allowed_tools, credential, pinned from mcp_federation_servers order by name",
    );
    return rows.map((row) => ({
      name: row.name,
      url: row.url,
      allowedTools: row.allowed_tools,
      credential: row.credential ?? undefined,
      pinned: row.pinned,
    }));
  }

  async add(server: StoredServer): Promise<boolean> {
    const { rowCount } = await this.query(
      `insert into mcp_federation_servers (name, url, allowed_tools, credential, pinned) values ($1, $2, $3, $4, $5)
       on conflict (name) do nothing`,
      [
        server.name,
        server.url,
        JSON.stringify(server.allowedTools),
        server.credential ?? null,
        JSON.stringify(server.pinned),
      ],
    );
    return rowCount === 1;
  }

  async pin(name: string, pinned: StoredServer["pinned"]): Promise<void> {
    await this.query("update mcp_federation_servers set pinned = $2, updated_at = now() where name = $1", [
      name,
      JSON.stringify(pinned),
    ]);
  }

  async remove(name: string): Promise<boolean> {
    const { rowCount } = await this.query("delete from mcp_federation_servers where name = $1", [name]);
    return rowCount === 1;
  }

  private async query(text: string, values: unknown[] = []) {
    const client = new Client({ connectionString: this.connectionString });
    await client.connect();
    try {
      if (!this.tableExists) {
        await client.query(`create table if not exists mcp_federation_servers (
          name text primary key, url text not null, allowed_tools jsonb not null, credential text,
          pinned jsonb not null, updated_at timestamptz not null default now())`);
        this.tableExists = true;
      }
      return await client.query(text, values);
    } finally {
      await client.end();
    }
  }
}

/** The default without a database: one replica's memory. */
export class MemoryFederationStore implements FederationStore {
  private readonly servers = new Map<string, StoredServer>();

  async load(): Promise<StoredServer[]> {
    return [...this.servers.values()];
  }

  async add(server: StoredServer): Promise<boolean> {
    if (this.servers.has(server.name)) return false;
    this.servers.set(server.name, server);
    return true;
  }

  async pin(name: string, pinned: StoredServer["pinned"]): Promise<void> {
    const server = this.servers.get(name);
    if (server) this.servers.set(name, { ...server, pinned });
  }

  async remove(name: string): Promise<boolean> {
    return this.servers.delete(name);
  }
}
