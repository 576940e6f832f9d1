/** `POST /v1/audio/speech`: text in, audio streamed back (OpenAI-compatible servers or ChatTTS). */
import { pipeline } from "node:stream/promises";
import type { Deployment } from "../config/gateway-config";
import { readJsonObject } from "../http/body";
import { sendError } from "../http/respond";
import { inSpan } from "../observability/tracing";
import { reserve, settle } from "../pipeline/admission";
import { callerOf, mayUse, servingDeployments } from "../pipeline/caller";
import { targetOf } from "../pipeline/model-call";
import { recordSpend } from "../pipeline/record-spend";
import { clientErrorFor } from "../pipeline/upstream-errors";
import { chatTtsRequest } from "../providers/chattts/speech-request";
import { firstZipEntry } from "../providers/chattts/zip-entry";
import { upstreamHeaders } from "../providers/openai-compatible/adapter";
import { speechSchema, validate } from "../requests/schemas";
import { pricesFor } from "../spend/pricing";
import { callRaw } from "../upstream/call";
import { transportFailure } from "../upstream/upstream-failure";
import type { Route } from "./route";

const MAX_CHATTTS_ZIP_BYTES = 64 * 1024 * 1024;

interface SpeechAnswer {
  readonly contentType: string;
  readonly body: Buffer | AsyncIterable<Buffer>;
}

async function speak(
  context: Parameters<Route["handler"]>[0],
  deployment: Deployment,
  body: Record<string, unknown>,
): Promise<SpeechAnswer> {
  const adapter = context.adapterFor(deployment);
  const target = targetOf(deployment);
  if (deployment.adapter === "chattts") {
    const request = chatTtsRequest(
      body as { input: string; voice: string; speed?: number },
      deployment.requestDefaults,
    );
    const response = await callRaw(
      context.pools,
      deployment,
      { path: "/generate_voice", headers: upstreamHeaders(target), body: JSON.stringify(request) },
      adapter.error,
    );
    try {
      const zip = Buffer.from(await response.body.arrayBuffer());
      if (zip.length > MAX_CHATTTS_ZIP_BYTES) throw new Error("ChatTTS answer too large");
      return { contentType: "audio/mpeg", body: firstZipEntry(zip).data };
    } catch (error) {
      throw transportFailure(error);
    }
  }
  const upstreamBody = { ...deployment.requestDefaults, ...body, model: target.model };
  const response = await callRaw(
    context.pools,
    deployment,
    { path: "/audio/speech", headers: upstreamHeaders(target), body: JSON.stringify(upstreamBody) },
    adapter.error,
  );
  const contentType = response.headers["content-type"];
  return {
    contentType: (Array.isArray(contentType) ? contentType[0] : contentType) ?? "application/octet-stream",
    body: response.body,
  };
}

export const SPEECH_ROUTE: Route = {
  method: "POST",
  paths: ["/v1/audio/speech", "/audio/speech"],
  name: "audio_speech",
  handler: async (context, request, response, info) => {
    const caller = await callerOf(context, request, info.startedMs);
    const body = validate(
      speechSchema,
      await readJsonObject(request, context.runtime.config.maxRequestBytes),
    );
    const { router } = context.runtime;
    const usable = servingDeployments(context, caller, body.model, ["audio_speech"], "speech");
    const characters = body.input.length;
    const costOf = (deployment: Deployment) => characters * pricesFor(deployment).inputPerCharacter;
    const reservation = await reserve(
      context.state,
      context.metrics,
      caller,
      0,
      Math.max(...usable.map(costOf)),
      Date.now(),
    );
    let chosen: Deployment | undefined;
    const trace = context.tracing.startCall({
      operation: "audio_speech",
      group: body.model,
      stream: true,
      headers: request.headers,
    });
    const traceEnd = { inputTokens: 0, outputTokens: 0, cacheHit: false };
    try {
      const answer = await router.route(
        { group: body.model, stream: true, estimatedTokens: 0, allowed: (group) => mayUse(caller, group) },
        async (deployment, number) => {
          chosen = deployment;
          return inSpan(trace.attempt(deployment, number), () => speak(context, deployment, body));
        },
      );
      const costUsd = costOf(chosen as Deployment);
      context.background(settle(context.state, reservation, 0, costUsd), "settle");
      response.writeHead(200, { "content-type": answer.contentType, "x-gateway-cost": costUsd.toFixed(8) });
      if (Buffer.isBuffer(answer.body)) response.end(answer.body);
      else await pipeline(answer.body, response).catch(() => response.destroy());
      recordSpend(context, {
        caller,
        operation: "audio_speech",
        group: body.model,
        deployment: chosen,
        promptTokens: 0,
        completionTokens: 0,
        costUsd,
        status: 200,
        startedMs: info.startedMs,
        cacheHit: false,
      });
      trace.end({ ...traceEnd, status: 200, deployment: chosen, costUsd });
    } catch (error) {
      context.background(settle(context.state, reservation, 0, 0), "settle");
      trace.end({ ...traceEnd, status: 502, costUsd: 0 });
      sendError(response, clientErrorFor(error));
    }
  },
};
