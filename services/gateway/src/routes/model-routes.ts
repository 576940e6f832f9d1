/** The OpenAI JSON endpoints that route to a model group: chat, completions, embeddings, rerank. */
import type { z } from "zod";
import type { ModelMode } from "../config/litellm-schema";
import { readJsonObject } from "../http/body";
import { callerOf } from "../pipeline/caller";
import { handleModelCall, type Operation } from "../pipeline/model-call";
import type { CacheControl } from "../pipeline/response-cache";
import {
  chatCompletionSchema,
  completionSchema,
  embeddingSchema,
  rerankSchema,
  validate,
} from "../requests/schemas";
import type { Route, RouteHandler } from "./route";

function modelRoute(
  operation: Operation,
  schema: z.ZodType,
  upstreamPath: string,
  modes: readonly ModelMode[],
): RouteHandler {
  return async (context, request, response, info) => {
    const caller = await callerOf(context, request, info.startedMs);
    const raw = await readJsonObject(request, context.runtime.config.maxRequestBytes);
    const { cache, ...body } = validate(schema, raw) as Record<string, unknown> & { cache?: CacheControl };
    await handleModelCall(context, response, caller, {
      operation,
      path: upstreamPath,
      body,
      modes,
      cacheControl: cache,
      startedMs: info.startedMs,
      startedPerf: info.startedPerf,
      requestHeaders: request.headers,
    });
  };
}

export const MODEL_ROUTES: readonly Route[] = [
  {
    method: "POST",
    paths: ["/v1/chat/completions", "/chat/completions"],
    name: "chat_completions",
    handler: modelRoute("chat", chatCompletionSchema, "/chat/completions", ["chat"]),
  },
  {
    method: "POST",
    paths: ["/v1/completions", "/completions"],
    name: "completions",
    handler: modelRoute("text_completion", completionSchema, "/completions", ["completion", "chat"]),
  },
  {
    method: "POST",
    paths: ["/v1/embeddings", "/embeddings"],
    name: "embeddings",
    handler: modelRoute("embeddings", embeddingSchema, "/embeddings", ["embedding"]),
  },
  {
    method: "POST",
    paths: ["/v1/rerank", "/rerank"],
    name: "rerank",
    handler: modelRoute("rerank", rerankSchema, "/rerank", ["rerank"]),
  },
];
