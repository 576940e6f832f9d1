/**
 * Request bodies the gateway accepts, validated before anything is routed. Fields OpenAI defines
 * and the common extensions of vLLM and other servers pass through; any other field is a 400 that
 * names it (OpenAI's API rejects unknown arguments the same way).
 */
import { z } from "zod";
import { invalidRequest } from "../http/errors";

const stopSchema = z.union([z.string(), z.array(z.string()).max(16)]).nullish();
const cacheControl = z
  .strictObject({
    "no-cache": z.boolean().optional(),
    "no-store": z.boolean().optional(),
    ttl: z.number().int().positive().optional(),
  })
  .optional();

/** Sampling and engine options of vLLM / llama.cpp / SGLang, sent through `extra_body`. */
const ENGINE_EXTENSIONS = {
  top_k: z.number().int().optional(),
  min_p: z.number().optional(),
  repetition_penalty: z.number().optional(),
  min_tokens: z.number().int().min(0).optional(),
  ignore_eos: z.boolean().optional(),
  skip_special_tokens: z.boolean().optional(),
  stop_token_ids: z.array(z.number().int()).optional(),
  include_stop_str_in_output: z.boolean().optional(),
  chat_template_kwargs: z.record(z.string(), z.unknown()).optional(),
  guided_json: z.unknown().optional(),
  guided_regex: z.string().optional(),
  guided_choice: z.array(z.string()).optional(),
  guided_grammar: z.string().optional(),
  structured_outputs: z.record(z.string(), z.unknown()).optional(),
  priority: z.number().int().optional(),
};

const SHARED_SAMPLING = {
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  logit_bias: z.record(z.string(), z.number()).nullish(),
  logprobs: z.union([z.boolean(), z.number().int()]).nullish(),
  seed: z.number().int().nullish(),
  stop: stopSchema,
  stream: z.boolean().nullish(),
  stream_options: z.strictObject({ include_usage: z.boolean().nullish() }).nullish(),
  user: z.string().max(256).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  /** The gateway's cache control, as LiteLLM takes it. */
  cache: cacheControl,
  ...ENGINE_EXTENSIONS,
};

const contentPart = z.looseObject({ type: z.string().min(1) });
const toolCall = z.looseObject({
  id: z.string(),
  type: z.literal("function"),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});

const message = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
  name: z.string().optional(),
  tool_calls: z.array(toolCall).optional(),
  tool_call_id: z.string().optional(),
});

const tool = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "must be 1-64 letters, digits, _ or -"),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

export const chatCompletionSchema = z.strictObject({
  model: z.string().min(1),
  messages: z.array(message).min(1, "must contain at least one message"),
  ...SHARED_SAMPLING,
  max_completion_tokens: z.number().int().positive().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  tools: z.array(tool).max(128).nullish(),
  tool_choice: z
    .union([
      z.enum(["none", "auto", "required"]),
      z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string() }) }),
    ])
    .nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: z.looseObject({ type: z.enum(["text", "json_object", "json_schema"]) }).nullish(),
  functions: z.array(z.unknown()).nullish(),
  function_call: z.unknown().optional(),
  reasoning_effort: z.enum(["minimal", "low", "medium", "high"]).nullish(),
  modalities: z.array(z.string()).nullish(),
  audio: z.unknown().optional(),
  prediction: z.unknown().optional(),
  store: z.boolean().nullish(),
  service_tier: z.string().nullish(),
  verbosity: z.string().nullish(),
  web_search_options: z.unknown().optional(),
  add_generation_prompt: z.boolean().optional(),
  continue_final_message: z.boolean().optional(),
  documents: z.array(z.unknown()).optional(),
});

export const completionSchema = z.strictObject({
  model: z.string().min(1),
  prompt: z.union([
    z.string(),
    z.array(z.string()),
    z.array(z.number().int()),
    z.array(z.array(z.number().int())),
  ]),
  ...SHARED_SAMPLING,
  suffix: z.string().nullish(),
  echo: z.boolean().nullish(),
  best_of: z.number().int().positive().nullish(),
});

export const embeddingSchema = z.strictObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1).max(2048),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int())).min(1),
  ]),
  encoding_format: z.enum(["float", "base64"]).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().max(256).optional(),
  truncate_prompt_tokens: z.number().int().optional(),
});

export const speechSchema = z.strictObject({
  model: z.string().min(1),
  input: z.string().min(1).max(4096),
  voice: z.string().min(1),
  response_format: z.enum(["mp3", "opus", "aac", "flac", "wav", "pcm"]).optional(),
  speed: z.number().min(0.25).max(4).optional(),
  instructions: z.string().max(4096).optional(),
  stream_format: z.enum(["audio", "sse"]).optional(),
});

export const rerankSchema = z.strictObject({
  model: z.string().min(1),
  query: z.string().min(1),
  documents: z
    .array(z.union([z.string(), z.record(z.string(), z.unknown())]))
    .min(1)
    .max(1000),
  top_n: z.number().int().positive().optional(),
  return_documents: z.boolean().optional(),
});

/** Parses `body` or throws a 400 naming the first bad field (all problems are in the message). */
export function validate<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const describe = (issue: z.core.$ZodIssue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      const where = path ? ` in ${path}` : "";
      return `Unrecognized request argument${issue.keys.length > 1 ? "s" : ""}${where}: ${issue.keys.join(", ")}`;
    }
    return `${path || "body"}: ${issue.message}`;
  };
  const first = issues[0] as z.core.$ZodIssue;
  const firstPath = first.code === "unrecognized_keys" ? [...first.path, first.keys[0]] : first.path;
  throw invalidRequest(
    `Invalid request: ${issues.slice(0, 10).map(describe).join("; ")}`,
    firstPath.map(String).join(".") || null,
    first.code === "unrecognized_keys" ? "unknown_parameter" : "invalid_value",
  );
}
