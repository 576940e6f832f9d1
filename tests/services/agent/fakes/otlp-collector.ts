/** An OpenTelemetry collector's OTLP/HTTP traces endpoint on loopback, keeping the JSON it receives. */
import { json, type Loopback, readBody, serveOnLoopback } from "../../mcp/support/loopback";

export interface CollectedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly attributes: Record<string, unknown>;
  readonly status?: { code?: number; message?: string };
  readonly serviceName?: string;
}

export interface FakeCollector extends Loopback {
  readonly endpoint: string;
  readonly contentTypes: string[];
  spans(): CollectedSpan[];
}

/** OTLP JSON attribute values are `{stringValue}`, `{intValue}` (a string), `{arrayValue:{values}}`… */
function attributeValue(value: any): unknown {
  if (value === undefined || value === null) return undefined;
  if ("stringValue" in value) return value.stringValue;
  if ("intValue" in value) return Number(value.intValue);
  if ("doubleValue" in value) return value.doubleValue;
  if ("boolValue" in value) return value.boolValue;
  if ("arrayValue" in value) return (value.arrayValue.values ?? []).map(attributeValue);
  return value;
}

const attributesOf = (list: any[] = []) =>
  Object.fromEntries(list.map((item) => [item.key, attributeValue(item.value)]));

export async function startFakeCollector(): Promise<FakeCollector> {
  const bodies: any[] = [];
  const contentTypes: string[] = [];
  const server = await serveOnLoopback(async (request, response) => {
    contentTypes.push(String(request.headers["content-type"]));
    bodies.push(JSON.parse(await readBody(request)));
    json(response, 200, { partialSuccess: {} });
  });
  return {
    ...server,
    endpoint: `${server.url}/v1/traces`,
    contentTypes,
    spans: () =>
      bodies.flatMap((body) =>
        (body.resourceSpans ?? []).flatMap((resource: any) => {
          const serviceName = attributesOf(resource.resource?.attributes)["service.name"] as string;
          return (resource.scopeSpans ?? []).flatMap((scope: any) =>
            (scope.spans ?? []).map((span: any) => ({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId || undefined,
              name: span.name,
              attributes: attributesOf(span.attributes),
              status: span.status,
              serviceName,
            })),
          );
        }),
      ),
  };
}
