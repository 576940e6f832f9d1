import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Client } from "pg";
import { z } from "zod";
import type { PromptConfig } from "../config";

export type PromptTemplate = PromptConfig;

/** Where versioned prompts live besides the config: table `mcp_prompts` in a PostgreSQL database. */
export const PROMPTS_TABLE_DDL = `
  create table if not exists mcp_prompts (
    name text not null check (name ~ '^[a-z][a-z0-9_-]{0,40}$'),
    version integer not null check (version > 0),
    title text,
    description text,
    arguments jsonb not null default '[]',
    template text not null,
    created_at timestamptz not null default now(),
    primary key (name, version)
  )`;

const argumentsSchema = z.array(
  z.object({ name: z.string(), description: z.string().optional(), required: z.boolean().default(true) }),
);

/**
 * Prompt templates from the config and, optionally, PostgreSQL; the highest version of each name is
 * the one served. Loaded at start and by `refresh()` on a timer, never on the request path.
 */
export class PromptCatalog {
  private current = new Map<string, PromptTemplate>();

  constructor(
    private readonly configured: readonly PromptTemplate[],
    private readonly databaseUrl?: string,
  ) {
    this.current = latest(configured);
  }

  async refresh(): Promise<void> {
    if (!this.databaseUrl) return;
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      await client.query(PROMPTS_TABLE_DDL);
      const { rows } = await client.query(
        "select name, version, title, description, arguments, template from mcp_prompts order by name, version",
      );
      const stored = rows.map((row) => ({
        name: row.name as string,
        version: row.version as number,
        title: row.title ?? undefined,
        description: row.description ?? undefined,
        arguments: argumentsSchema.parse(row.arguments),
        template: row.template as string,
      }));
      this.current = latest([...this.configured, ...stored]);
    } finally {
      await client.end();
    }
  }

  list(): PromptTemplate[] {
    return [...this.current.values()];
  }

  register(server: McpServer): void {
    for (const prompt of this.current.values()) {
      const argsSchema = Object.fromEntries(
        prompt.arguments.map((argument) => {
          const field = z.string().describe(argument.description ?? argument.name);
          return [argument.name, argument.required ? field : field.optional()];
        }),
      );
      server.registerPrompt(
        prompt.name,
        {
          title: prompt.title,
          description: `${prompt.description ?? prompt.name} (v${prompt.version})`,
          argsSchema,
        },
        (args: Record<string, string | undefined>) => ({
          description: `${prompt.name} v${prompt.version}`,
          messages: [{ role: "user", content: { type: "text", text: render(prompt.template, args) } }],
        }),
      );
    }
  }
}

/** Replaces `{{name}}` with the argument's value; absent optional arguments become empty. */
export function render(template: string, args: Readonly<Record<string, string | undefined>>): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_match, name: string) => args[name] ?? "");
}

function latest(prompts: readonly PromptTemplate[]): Map<string, PromptTemplate> {
  const byName = new Map<string, PromptTemplate>();
  for (const prompt of prompts) {
    const existing = byName.get(prompt.name);
    if (!existing || prompt.version > existing.version) byName.set(prompt.name, prompt);
  }
  return byName;
}
