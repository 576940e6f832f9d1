/** Where tools come from and run: the MCP servers in production, an in-process fake in the benchmark. */
import type { Caller } from "../auth/caller";
import type { AgentTool } from "./agent-tool";

export interface ToolListing {
  readonly tools: readonly AgentTool[];
  /** Servers whose tools could not be listed (down, token refused), with the reason. */
  readonly unavailable: ReadonlyArray<{ readonly server: string; readonly reason: string }>;
}

export interface ToolOutput {
  /** Text for the model. */
  readonly text: string;
  /** The tool reported a failure (MCP `isError`). */
  readonly isError: boolean;
}

export interface ToolHost {
  /** The tools of `servers` this caller may see; servers that fail are listed as unavailable. */
  listTools(caller: Caller, servers: readonly string[]): Promise<ToolListing>;
  /** Calls one tool; rejects when `signal` aborts or the call fails outright. */
  callTool(
    caller: Caller,
    tool: AgentTool,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<ToolOutput>;
  close(): Promise<void>;
}
