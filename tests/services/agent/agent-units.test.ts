/** The loop's pure parts on their own: stream assembly, argument checks, history budget, routing rules, names. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keywordRoute } from "../../../services/agent/src/agents/keyword-rules";
import { parseAnswer } from "../../../services/agent/src/agents/router";
import { toolMatcher } from "../../../services/agent/src/agents/tool-patterns";
import { looksLikeJwt } from "../../../services/agent/src/auth/caller";
import { parseConfig } from "../../../services/agent/src/config/load-config";
import { agentToolFrom, functionName } from "../../../services/agent/src/mcp/agent-tool";
import type { ChatMessage } from "../../../services/agent/src/model/messages";
import { StreamAssembler } from "../../../services/agent/src/model/stream-assembler";
import { parseArguments } from "../../../services/agent/src/run/prepare-call";
import {
  estimateTokens,
  fitHistory,
  truncateWithMarker,
} from "../../../services/agent/src/sessions/context-budget";

const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  choices: [{ delta, finish_reason: finish }],
});

describe("StreamAssembler", () => {
  it("rebuilds any split of text and tool-call arguments (property)", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(fc.record({ name: fc.stringMatching(/^[a-z_]{1,20}$/), arguments: fc.json() }), {
          maxLength: 3,
        }),
        fc.integer({ min: 1, max: 7 }),
        (text, calls, size) => {
          const assembler = new StreamAssembler();
          for (let at = 0; at < text.length; at += size)
            assembler.add(chunk({ content: text.slice(at, at + size) }));
          calls.forEach((call, index) => {
            assembler.add(
              chunk({ tool_calls: [{ index, id: `id${index}`, function: { name: call.name } }] }),
            );
            for (let at = 0; at < call.arguments.length; at += size)
              assembler.add(
                chunk({
                  tool_calls: [{ index, function: { arguments: call.arguments.slice(at, at + size) } }],
                }),
              );
          });
          const turn = assembler.result();
          expect(turn.content).toBe(text);
          expect(turn.toolCalls.map((c) => [c.id, c.function.name, c.function.arguments])).toEqual(
            calls.map((call, index) => [`id${index}`, call.name, call.arguments]),
          );
        },
      ),
    );
  });

  it("copes with missing indexes and ids, repeated or split names, and keeps the reported finish_reason", () => {
    const assembler = new StreamAssembler();
    assembler.add(chunk({ content: "Checking. " }));
    assembler.add(chunk({ tool_calls: [{ id: "a", function: { name: "lookup", arguments: '{"x"' } }] }));
    assembler.add(chunk({ tool_calls: [{ function: { name: "lookup", arguments: ": 1}" } }] }));
    assembler.add(chunk({ tool_calls: [{ id: "b", function: { name: "sea" } }] }));
    assembler.add(chunk({ tool_calls: [{ function: { name: "rch", arguments: "" } }] }));
    assembler.add(chunk({ tool_calls: [{ index: 5, function: { name: "late", arguments: "{}" } }] }));
    assembler.add(chunk({}, "stop"));
    assembler.add({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } });
    const turn = assembler.result();
    expect(turn.content).toBe("Checking. ");
    expect(turn.finishReason).toBe("stop");
    expect(turn.usage).toEqual({ promptTokens: 3, completionTokens: 4 });
    expect(turn.toolCalls.map((call) => [call.id, call.function.name, call.function.arguments])).toEqual([
      ["a", "lookup", '{"x": 1}'],
      ["b", "search", ""],
      ["call_2", "late", "{}"],
    ]);
  });
});

describe("tool arguments", () => {
  it("reads empty arguments as none, double-encoded JSON as its object, and refuses the rest", () => {
    expect(parseArguments("")).toEqual({ ok: true, value: {} });
    expect(parseArguments('"{\\"q\\": 1}"')).toEqual({ ok: true, value: { q: 1 } });
    expect(parseArguments("[1]")).toEqual({ ok: false, problem: "got an array" });
    expect(parseArguments("null")).toEqual({ ok: false, problem: "got null" });
    expect(parseArguments("{q: 1}")).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^invalid JSON/),
    });
  });

  it("checks arguments against the tool's JSON Schema and names each problem", () => {
    const tool = agentToolFrom("platform", {
      name: "knowledge_search",
      inputSchema: {
        $schema: "http://json-schema.org/draft-07/schema#",
        type: "object",
        properties: { query: { type: "string", minLength: 1 }, limit: { type: "integer", maximum: 50 } },
        required: ["query"],
        additionalProperties: false,
      },
    });
    expect(tool.parameters).not.toHaveProperty("$schema");
    expect(tool.validate({ query: "x", limit: 5 })).toBeUndefined();
    expect(tool.validate({ limit: 500, extra: true })).toMatch(
      /query: .*; limit: .*50.*; \(arguments\): .*extra/,
    );
    // A schema zod cannot read leaves the check to the server instead of failing every call.
    const odd = agentToolFrom("platform", {
      name: "odd",
      inputSchema: { type: "object", $ref: "#/nowhere" },
    });
    expect(odd.validate({ anything: 1 })).toBeUndefined();
  });

  it("makes OpenAI-safe function names of at most 64 characters, distinct for distinct tools", () => {
    expect(functionName("platform", "knowledge_search")).toBe("platform__knowledge_search");
    expect(functionName("crm", "tickets.get/v2")).toBe("crm__tickets_get_v2");
    const long = functionName("platform", "a".repeat(80));
    const other = functionName("platform", `${"a".repeat(79)}b`);
    expect(long).toMatch(/^[a-zA-Z0-9_-]{64}$/);
    expect(long).not.toBe(other);
  });

  it("matches tool patterns against the bare and the qualified name", () => {
    const tool = agentToolFrom("platform", { name: "notify_wecom", inputSchema: {} });
    expect(toolMatcher(["notify_*"])(tool)).toBe(true);
    expect(toolMatcher(["platform__notify_wecom"])(tool)).toBe(true);
    expect(toolMatcher(["other__*", "sql_query"])(tool)).toBe(false);
  });
});

describe("history budget", () => {
  const exchange = (n: number, size: number): ChatMessage[] => [
    { role: "user", content: `q${n} ${"x".repeat(size)}` },
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: `c${n}`, type: "function", function: { name: "t", arguments: "{}" } }],
    },
    { role: "tool", tool_call_id: `c${n}`, content: "y".repeat(size) },
    { role: "assistant", content: `a${n}` },
  ];

  it("drops whole exchanges, oldest first, so no tool result loses its call", () => {
    const history = [...exchange(1, 400), ...exchange(2, 400), ...exchange(3, 400)];
    const kept = fitHistory(history, estimateTokens(exchange(3, 400)) + 250);
    expect(kept[0]).toEqual(history[4]);
    expect(kept).toHaveLength(8);
    expect(fitHistory(history, 1_000_000)).toEqual(history);
  });

  it("empties old tool results of a single exchange that is still too long", () => {
    const kept = fitHistory(exchange(1, 4_000), 300);
    expect(kept).toHaveLength(4);
    expect(kept[2]).toMatchObject({ role: "tool", content: "[removed to fit the model's context]" });
  });

  it("cuts text with a marker saying how much was cut", () => {
    expect(truncateWithMarker("abcdef", 10)).toBe("abcdef");
    expect(truncateWithMarker("abcdefghij", 4)).toBe("abcd\n…[truncated: 6 more characters not shown]");
  });
});

describe("routing rules", () => {
  const { profiles } = parseConfig({
    auth: { mode: "none" },
    gateway: { baseUrl: "http://gw/v1" },
    defaultModel: "m",
  });

  it("picks the profile with the most keyword hits, whole words only, or none", () => {
    expect(keywordRoute("What was total revenue from orders last month?", profiles.values())).toBe("data");
    expect(keywordRoute("Please notify the on-call team about the incident", profiles.values())).toBe(
      "operations",
    );
    expect(keywordRoute("Summarise the travel policy document", profiles.values())).toBe("knowledge");
    expect(keywordRoute("Write me a haiku about autumn", profiles.values())).toBeUndefined();
    expect(keywordRoute("subqueries are fun", profiles.values())).toBeUndefined();
  });

  it("accepts only the constrained answer the router model was asked for", () => {
    const names = ["general", "data"];
    expect(parseAnswer('{"agent":"data","confidence":0.7}', names)).toEqual({
      agent: "data",
      confidence: 0.7,
    });
    expect(parseAnswer('```json\n{"agent":"data","confidence":1}\n```', names)).toEqual({
      agent: "data",
      confidence: 1,
    });
    for (const bad of [
      '{"agent":"finance","confidence":0.7}',
      '{"agent":"data","confidence":7}',
      '{"agent":"data"}',
      "data",
      "[]",
    ])
      expect(parseAnswer(bad, names), bad).toBeUndefined();
  });

  it("tells JWTs from opaque virtual keys", () => {
    const header = Buffer.from(JSON.stringify({ alg: "RS256" })).toString("base64url");
    expect(looksLikeJwt(`${header}.e30.c2ln`)).toBe(true);
    expect(looksLikeJwt("sk-1234567890abcdef")).toBe(false);
    expect(looksLikeJwt("a.b.c")).toBe(false);
  });
});
