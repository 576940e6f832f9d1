/**
 * `POST /v1/audio/transcriptions`: multipart audio streamed to the upstream. When `model` comes
 * before the file, bytes go straight through as they arrive (one attempt: a half-sent body cannot
 * be replayed). When the file comes first (the OpenAI SDKs send it first), the upload is spooled to
 * a temporary file, never to memory, so the call can be retried and fall back like any other.
 */

import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import type { GatewayContext } from "../app/gateway-context";
import type { Deployment } from "../config/gateway-config";
import { invalidRequest } from "../http/errors";
import { boundaryOf, MultipartParser, type PartHeaders } from "../http/multipart";
import { sendError } from "../http/respond";
import { inSpan } from "../observability/tracing";
import { reserve, settle } from "../pipeline/admission";
import { type Caller, callerOf, mayUse, servingDeployments } from "../pipeline/caller";
import { targetOf } from "../pipeline/model-call";
import { recordSpend } from "../pipeline/record-spend";
import { clientErrorFor } from "../pipeline/upstream-errors";
import { pricesFor } from "../spend/pricing";
import { callRaw } from "../upstream/call";
import type { Route } from "./route";

const MAX_FIELD_BYTES = 64 * 1024;
type Field = [name: string, value: string];

const fieldPart = (boundary: string, name: string, value: string) =>
  Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);

/** The upstream body: fields (model renamed), the file, late fields, then defaults the client left out. */
async function* upstreamForm(
  boundary: string,
  fields: readonly Field[],
  file: PartHeaders,
  data: () => AsyncIterable<Buffer>,
  deployment: Deployment,
): AsyncGenerator<Buffer> {
  const written = new Set<number>();
  const emit = function* (index: number) {
    const [name, value] = fields[index] as Field;
    written.add(index);
    yield fieldPart(boundary, name, name === "model" ? deployment.upstreamModel : value);
  };
  for (let index = 0; index < fields.length; index++) yield* emit(index);
  const type = file.contentType ?? "application/octet-stream";
  yield Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename ?? "audio"}"\r\nContent-Type: ${type}\r\n\r\n`,
  );
  for await (const chunk of data()) yield chunk;
  yield Buffer.from("\r\n");
  for (let index = 0; index < fields.length; index++) if (!written.has(index)) yield* emit(index);
  const present = new Set(fields.map(([name]) => name));
  for (const [name, value] of Object.entries(deployment.requestDefaults)) {
    if (!present.has(name)) yield fieldPart(boundary, name, String(value));
  }
  yield Buffer.from(`--${boundary}--\r\n`);
}

async function send(
  context: GatewayContext,
  deployment: Deployment,
  fields: readonly Field[],
  file: PartHeaders,
  data: () => AsyncIterable<Buffer>,
) {
  const boundary = `gateway${randomUUID().replace(/-/g, "")}`;
  const body = Readable.from(upstreamForm(boundary, fields, file, data, deployment));
  const target = targetOf(deployment);
  const headers: Record<string, string> = {
    ...target.headers,
    "content-type": `multipart/form-data; boundary=${boundary}`,
  };
  if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
  const response = await callRaw(
    context.pools,
    deployment,
    { path: "/audio/transcriptions", headers, body },
    context.adapterFor(deployment).error,
  );
  const contentType = String(response.headers["content-type"] ?? "application/json");
  return { contentType, body: Buffer.from(await response.body.arrayBuffer()) };
}

/** Seconds of audio, when the upstream reported them (verbose_json duration or OpenAI usage). */
function audioSeconds(contentType: string, body: Buffer): number {
  if (!contentType.includes("json")) return 0;
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { duration?: number; usage?: { seconds?: number } };
    return parsed.usage?.seconds ?? parsed.duration ?? 0;
  } catch {
    return 0;
  }
}

interface Upload {
  readonly fields: Field[];
  file?: PartHeaders;
  spool?: { directory: string; path: string; stream: WriteStream };
  direct?: PassThrough;
}

async function writeTo(stream: NodeJS.WritableStream, data: Buffer): Promise<void> {
  if (!stream.write(data)) await once(stream, "drain");
}

export const TRANSCRIPTION_ROUTE: Route = {
  method: "POST",
  paths: [
    "/v1/audio/transcriptions",
    "/audio/transcriptions",
    "/v1/audio/translations",
    "/audio/translations",
  ],
  name: "audio_transcriptions",
  handler: async (context, request, response, info) => {
    const caller = await callerOf(context, request, info.startedMs);
    const origin: CallOrigin = { caller, startedMs: info.startedMs, headers: request.headers };
    const parser = new MultipartParser(boundaryOf(request.headers["content-type"]));
    const upload: Upload = { fields: [] };
    let directCall: Promise<{ contentType: string; body: Buffer; deployment: Deployment }> | undefined;
    let field: { name: string; chunks: Buffer[]; size: number } | undefined;
    let received = 0;
    const limit = context.runtime.config.maxRequestBytes;
    try {
      for await (const chunk of request as AsyncIterable<Buffer>) {
        received += chunk.length;
        if (received > limit)
          throw invalidRequest(
            `Upload is larger than the limit of ${limit} bytes.`,
            "file",
            "request_too_large",
          );
        for (const event of parser.write(chunk)) {
          if (event.type === "start") {
            if (event.part.filename !== undefined) {
              if (upload.file) throw invalidRequest("Send exactly one audio file.", "file");
              upload.file = event.part;
              const model = upload.fields.find(([name]) => name === "model")?.[1];
              if (model) {
                upload.direct = new PassThrough();
                directCall = startDirect(context, origin, model, upload, upload.direct);
                directCall.catch(() => request.resume());
              } else {
                const directory = await mkdtemp(join(tmpdir(), "gateway-upload-"));
                const path = join(directory, "audio");
                upload.spool = { directory, path, stream: createWriteStream(path) };
              }
            } else field = { name: event.part.name, chunks: [], size: 0 };
          } else if (event.type === "data") {
            if (field) {
              field.size += event.data.length;
              if (field.size > MAX_FIELD_BYTES)
                throw invalidRequest(`Form field '${field.name}' is too large.`, field.name);
              field.chunks.push(Buffer.from(event.data));
            } else if (upload.direct) await writeTo(upload.direct, event.data);
            else if (upload.spool) await writeTo(upload.spool.stream, event.data);
          } else if (field) {
            upload.fields.push([field.name, Buffer.concat(field.chunks).toString("utf8")]);
            field = undefined;
          }
        }
      }
      parser.end();
      if (!upload.file) throw invalidRequest("The form has no audio file ('file').", "file");
      if (upload.direct) {
        upload.direct.end();
        const answer = await (directCall as NonNullable<typeof directCall>);
        return void answerWith(response, answer);
      }
      upload.spool?.stream.end();
      if (upload.spool) await once(upload.spool.stream, "finish");
      const model = upload.fields.find(([name]) => name === "model")?.[1];
      if (!model) throw invalidRequest("The form has no 'model' field.", "model");
      const path = upload.spool?.path as string;
      const answer = await routeTranscription(context, origin, model, true, (deployment) =>
        send(context, deployment, upload.fields, upload.file as PartHeaders, () => createReadStream(path)),
      );
      answerWith(response, answer);
    } catch (error) {
      upload.direct?.destroy();
      if (!request.readableEnded) request.resume();
      sendError(response, clientErrorFor(error));
    } finally {
      upload.spool?.stream.destroy();
      if (upload.spool) await rm(upload.spool.directory, { recursive: true, force: true });
    }
  },
};

/** The upstream's answer as it came: JSON, or text/SRT/VTT for those response formats. */
function answerWith(
  response: Parameters<Route["handler"]>[2],
  answer: { contentType: string; body: Buffer },
) {
  response.writeHead(200, { "content-type": answer.contentType, "content-length": answer.body.length });
  response.end(answer.body);
}

/** Who asked, when, and the trace context they sent. */
interface CallOrigin {
  readonly caller: Caller;
  readonly startedMs: number;
  readonly headers: IncomingHttpHeaders;
}

function startDirect(
  context: GatewayContext,
  origin: CallOrigin,
  model: string,
  upload: Upload,
  data: PassThrough,
) {
  return routeTranscription(context, origin, model, false, (deployment) =>
    send(context, deployment, upload.fields, upload.file as PartHeaders, () => data),
  );
}

async function routeTranscription(
  context: GatewayContext,
  { caller, startedMs, headers }: CallOrigin,
  model: string,
  retryable: boolean,
  attempt: (deployment: Deployment) => Promise<{ contentType: string; body: Buffer }>,
) {
  const { router } = context.runtime;
  servingDeployments(context, caller, model, ["audio_transcription"], "transcription");
  const reservation = await reserve(context.state, context.metrics, caller, 0, 0, Date.now());
  let chosen: Deployment | undefined;
  const trace = context.tracing.startCall({
    operation: "audio_transcription",
    group: model,
    stream: false,
    headers,
  });
  const traceEnd = { inputTokens: 0, outputTokens: 0, cacheHit: false };
  try {
    const answer = await router.route(
      {
        group: model,
        stream: false,
        estimatedTokens: 0,
        allowed: (group) => mayUse(caller, group),
        replayable: retryable,
      },
      async (deployment, number) => {
        chosen = deployment;
        return inSpan(trace.attempt(deployment, number), () => attempt(deployment));
      },
    );
    const deployment = chosen as Deployment;
    const costUsd = audioSeconds(answer.contentType, answer.body) * pricesFor(deployment).inputPerSecond;
    context.background(settle(context.state, reservation, 0, costUsd), "settle");
    recordSpend(context, {
      caller,
      operation: "audio_transcription",
      group: model,
      deployment,
      promptTokens: 0,
      completionTokens: 0,
      costUsd,
      status: 200,
      startedMs,
      cacheHit: false,
    });
    trace.end({ ...traceEnd, status: 200, deployment, costUsd });
    return { ...answer, deployment };
  } catch (error) {
    context.background(settle(context.state, reservation, 0, 0), "settle");
    trace.end({ ...traceEnd, status: 502, costUsd: 0 });
    throw error;
  }
}
