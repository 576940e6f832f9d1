/** An OpenAI chat completions request as one Messages API request. */
import type { ChatCompletionRequest, ChatTool, UpstreamRequest, UpstreamTarget } from "../types";
import { AdapterRequestError } from "./errors";
import { conversation } from "./messages";
import { ANTHROPIC_VERSION, type MessagesRequest, type ToolChoiceParam, type ToolParam } from "./wire";

/** Anthropic requires `max_tokens`; OpenAI clients usually leave it out. */
export const DEFAULT_MAX_TOKENS = 4096;

function maxTokens(request: ChatCompletionRequest): number {
  const param = request.max_completion_tokens != null ? "max_completion_tokens" : "max_tokens";
  const value = request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_MAX_TOKENS;
  if (!Number.isInteger(value) || value < 1)
    throw new AdapterRequestError(`${param} must be a positive integer`, param);
  return value;
}

function tools(list: ChatTool[], param: string): ToolParam[] {
  return list.map((tool, index) => {
    const at = `${param}[${index}]`;
    if (tool.type !== "function") {
      throw new AdapterRequestError(
        `${at}.type '${tool.type}' is not supported for Anthropic models`,
        `${at}.type`,
      );
    }
    const { name, description, parameters } = tool.function;
    return {
      name,
      ...(description ? { description } : {}),
      // Anthropic requires an object schema; OpenAI lets a function without parameters omit it.
      input_schema: parameters ?? { type: "object", properties: {} },
    };
  });
}

function toolChoice(choice: unknown, parallel: boolean | null | undefined): ToolChoiceParam | undefined {
  const disableParallel = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined || choice === null)
    return parallel === false ? { type: "auto", ...disableParallel } : undefined;
  if (choice === "none") return { type: "none" };
  if (choice === "auto") return { type: "auto", ...disableParallel };
  if (choice === "required") return { type: "any", ...disableParallel };
  const named = choice as { type?: unknown; function?: { name?: unknown } };
  if (named.type === "function" && typeof named.function?.name === "string") {
    return { type: "tool", name: named.function.name, ...disableParallel };
  }
  throw new AdapterRequestError(
    "tool_choice must be 'none', 'auto', 'required' or {type: 'function', function: {name}}",
    "tool_choice",
  );
}

/**
 * OpenAI's json_schema response format is Anthropic's structured output format. json_object has no
 * counterpart and is left to the prompt (which OpenAI requires to ask for JSON anyway).
 */
function outputFormat(format: unknown): MessagesRequest["output_config"] {
  if (format === undefined || format === null) return undefined;
  const { type, json_schema: jsonSchema } = format as { type?: unknown; json_schema?: { schema?: unknown } };
  if (type === "text" || type === "json_object") return undefined;
  if (type === "json_schema" && typeof jsonSchema?.schema === "object" && jsonSchema.schema !== null) {
    return { format: { type: "json_schema", schema: jsonSchema.schema as Record<string, unknown> } };
  }
  throw new AdapterRequestError(
    "response_format must be {type: 'text'}, {type: 'json_object'} or {type: 'json_schema', json_schema: {schema}}",
    "response_format",
  );
}

function stopSequences(stop: ChatCompletionRequest["stop"]): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  const list = typeof stop === "string" ? [stop] : stop;
  return list.length > 0 ? list : undefined;
}

export function messagesRequest(request: ChatCompletionRequest, model: string): MessagesRequest {
  if (typeof request.n === "number" && request.n > 1) {
    throw new AdapterRequestError("n > 1 is not supported for Anthropic models", "n");
  }
  const { system, messages } = conversation(request.messages);
  const body: MessagesRequest = { model, max_tokens: maxTokens(request), messages };
  if (system.length > 0) body.system = system;
  if (request.tools && request.tools.length > 0) {
    body.tools = tools(request.tools, "tools");
    const choice = toolChoice(request.tool_choice, request.parallel_tool_calls);
    if (choice) body.tool_choice = choice;
  }
  const output = outputFormat(request.response_format);
  if (output) body.output_config = output;
  const stop = stopSequences(request.stop);
  if (stop) body.stop_sequences = stop;
  // Sampling parameters only when the client set them: Claude models from 4.7 on reject them outright.
  if (request.temperature != null) body.temperature = request.temperature;
  if (request.top_p != null) body.top_p = request.top_p;
  if (request.user) body.metadata = { user_id: request.user };
  if (request.stream) body.stream = true;
  return body;
}

export function anthropicHeaders(target: UpstreamTarget): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "anthropic-version": ANTHROPIC_VERSION,
    ...target.headers,
  };
  if (target.apiKey) headers["x-api-key"] = target.apiKey;
  return headers;
}

export function anthropicRequest(request: ChatCompletionRequest, target: UpstreamTarget): UpstreamRequest {
  return {
    path: "/messages",
    headers: anthropicHeaders(target),
    body: JSON.stringify(messagesRequest(request, target.model)),
  };
}
