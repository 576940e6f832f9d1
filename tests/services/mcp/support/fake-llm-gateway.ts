import { HashingEmbedder } from "../../../../services/mcp/src/knowledge/embeddings";
import { json, type Loopback, readBody, serveOnLoopback } from "./loopback";

/**
 * The LLM gateway's OpenAI-wire endpoints on loopback: `/v1/embeddings` (vectors from the hashing
 * embedder, returned in reverse order to prove the client sorts by `index`), `/v1/rerank` (scores by
 * shared words) and `/v1/chat/completions` (a fixed summary built from the prompt). Requests recorded.
 */
export interface FakeLlmGateway extends Loopback {
  readonly requests: { path: string; authorization?: string; body: any }[];
}

export async function startFakeLlmGateway(apiKey: string, dimension = 64): Promise<FakeLlmGateway> {
  const requests: FakeLlmGateway["requests"] = [];
  const embedder = new HashingEmbedder(dimension);
  const server = await serveOnLoopback(async (request, response) => {
    const body = JSON.parse((await readBody(request)) || "{}");
    requests.push({ path: request.url ?? "", authorization: request.headers.authorization, body });
    if (request.headers.authorization !== `Bearer ${apiKey}`) {
      return json(response, 401, { error: { message: "invalid api key", type: "authentication_error" } });
    }
    if (request.url === "/v1/embeddings") {
      const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
      const vectors = await embedder.embed(inputs);
      const data = vectors.map((embedding, index) => ({ object: "embedding", index, embedding })).reverse();
      return json(response, 200, {
        object: "list",
        model: body.model,
        data,
        usage: { prompt_tokens: 1, total_tokens: 1 },
      });
    }
    if (request.url === "/v1/rerank") {
      const words = new Set(String(body.query).toLowerCase().split(/\W+/));
      const results = (body.documents as string[]).map((document, index) => ({
        index,
        relevance_score: document
          .toLowerCase()
          .split(/\W+/)
          .filter((word) => words.has(word)).length,
      }));
      return json(response, 200, { model: body.model, results });
    }
    if (request.url === "/v1/chat/completions") {
      const last = body.messages.at(-1).content as string;
      return json(response, 200, {
        id: "chatcmpl-1",
        object: "chat.completion",
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: `SUMMARY(${last.length} chars)` },
            finish_reason: "stop",
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 },
      });
    }
    json(response, 404, { error: { message: `no route ${request.url}` } });
  });
  return { ...server, requests };
}
