import type { LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_DEVELOPER } from "../../../services/mcp/src/auth/caller";
import { type ConnectorConfig, parseConfig } from "../../../services/mcp/src/config";
import { importOpenApi } from "../../../services/mcp/src/connectors/openapi-import";
import { SsrfGuard } from "../../../services/mcp/src/connectors/ssrf-guard";
import { httpConnectorTool } from "../../../services/mcp/src/tools/http-connector";
import { json, type Loopback, readBody, serveOnLoopback } from "./support/loopback";

/** A resolver answering from a table, one answer per call in turn (to simulate DNS rebinding). */
function fakeResolver(table: Record<string, string[]>): LookupFunction {
  const calls = new Map<string, number>();
  return ((
    hostname: string,
    _options: unknown,
    callback: (error: Error | null, addresses: LookupAddress[]) => void,
  ) => {
    const answers = table[hostname];
    if (!answers)
      return callback(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }),
        [],
      );
    const call = calls.get(hostname) ?? 0;
    calls.set(hostname, call + 1);
    const address = answers[Math.min(call, answers.length - 1)] as string;
    callback(null, [{ address, family: address.includes(":") ? 6 : 4 }]);
  }) as unknown as LookupFunction;
}

const NO_ALLOW = { allowHosts: [], allowCidrs: [] };

describe("SSRF guard", () => {
  const guard = new SsrfGuard(
    NO_ALLOW,
    fakeResolver({
      "api.example.com": ["93.184.215.14"],
      "internal.example.com": ["10.0.0.5"],
      localhost: ["127.0.0.1"],
    }),
  );

  it.each([
    "http://127.0.0.1:8080/",
    "http://localhost/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.100.100.200/latest/meta-data/",
    "http://10.1.2.3/",
    "http://192.168.1.1/",
    "http://172.31.0.1/",
    "http://0.0.0.0/",
    "http://0x7f000001/",
    "http://2130706433/",
    "http://017700000001/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[2002:7f00:1::]/",
    "http://[fd00:ec2::254]/",
    "http://[fe80::1]/",
    "http://internal.example.com/",
  ])("refuses %s", async (url) => {
    await expect(guard.checkUrl(url)).rejects.toThrow(/private, loopback, link-local or reserved/);
  });

  it.each([
    ["file:///etc/passwd", /scheme file: is not allowed/],
    ["gopher://api.example.com/", /scheme gopher: is not allowed/],
    ["http://user:secret@api.example.com/", /credentials/],
    ["http://nowhere.invalid/", /cannot resolve nowhere.invalid/],
  ])("refuses %s", async (url, reason) => {
    await expect(guard.checkUrl(url)).rejects.toThrow(reason);
  });

  it("lets public addresses through, and allow-listed hosts and ranges", async () => {
    await expect(guard.checkUrl("https://api.example.com/v1")).resolves.toBeInstanceOf(URL);
    await expect(guard.checkUrl("http://93.184.215.14/")).resolves.toBeInstanceOf(URL);
    const allowing = new SsrfGuard(
      { allowHosts: ["internal.example.com"], allowCidrs: ["127.0.0.0/8"] },
      fakeResolver({ "internal.example.com": ["10.0.0.5"] }),
    );
    await expect(allowing.checkUrl("http://internal.example.com/")).resolves.toBeInstanceOf(URL);
    await expect(allowing.checkUrl("http://127.0.0.1:9000/")).resolves.toBeInstanceOf(URL);
    await expect(allowing.checkUrl("http://169.254.169.254/")).rejects.toThrow(/reserved/);
  });
});

describe("HTTP connector tools", () => {
  let api: Loopback;
  const received: { method?: string; url?: string; headers: Record<string, unknown>; body: string }[] = [];
  const loopbackGuard = new SsrfGuard({ allowHosts: [], allowCidrs: ["127.0.0.1/32"] });
  const signal = new AbortController().signal;
  const context = { caller: LOCAL_DEVELOPER, signal };

  beforeAll(async () => {
    api = await serveOnLoopback(async (request, response) => {
      received.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: await readBody(request),
      });
      if (request.url?.startsWith("/redirect")) {
        response.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
        return void response.end();
      }
      if (request.url?.startsWith("/customers/404"))
        return json(response, 404, { error: "no such customer" });
      json(response, 200, { ok: true, path: request.url });
    });
  });
  afterAll(() => api.close());

  const connector = () =>
    parseConfig({
      server: { publicUrl: "https://mcp.example.com/mcp" },
      auth: { mode: "oauth", issuer: "https://a.example.com", jwksUrl: "https://a.example.com/certs" },
      connectors: [
        {
          name: "crm_update_customer",
          description: "Updates a customer's tier in the CRM",
          method: "POST",
          url: `${api.url}/customers/{customerId}/tier`,
          auth: { kind: "header", header: "X-Api-Key", secretEnv: "CRM_KEY" },
          parameters: {
            customerId: { in: "path", required: true },
            notify: { in: "query", type: "boolean" },
            "X-Request-Id": { in: "header" },
            tier: { in: "body", required: true },
            seats: { in: "body", type: "integer" },
          },
        },
      ],
    }).connectors[0] as ConnectorConfig;

  it("maps arguments to path, query, header and JSON body, with the connector's own credential", async () => {
    const tool = httpConnectorTool(connector(), loopbackGuard, "crm-secret-key");
    expect(tool.annotations).toMatchObject({ readOnlyHint: false, openWorldHint: true });
    const result = await tool.run(
      { customerId: "a/b 7", notify: true, "X-Request-Id": "req-1", tier: "gold", seats: 12 },
      context,
    );
    expect(result).toMatchObject({ status: 200, body: { ok: true } });
    const last = received.at(-1);
    expect(last?.method).toBe("POST");
    expect(last?.url).toBe("/customers/a%2Fb%207/tier?notify=true");
    expect(last?.headers["x-api-key"]).toBe("crm-secret-key");
    expect(last?.headers["x-request-id"]).toBe("req-1");
    expect(last?.headers.authorization).toBeUndefined();
    expect(JSON.parse(last?.body ?? "")).toEqual({ tier: "gold", seats: 12 });
  });

  it("refuses path parameters that would step out of the declared path", async () => {
    const tool = httpConnectorTool(connector(), loopbackGuard, "k");
    const before = received.length;
    await expect(tool.run({ customerId: "..", tier: "x" }, context)).rejects.toThrow(
      'customerId must not be "." or ".."',
    );
    expect(received.length).toBe(before);
  });

  it("reports an upstream error status as a tool error and does not follow redirects", async () => {
    const tool = httpConnectorTool(connector(), loopbackGuard, "k");
    await expect(tool.run({ customerId: "404", tier: "x" }, context)).rejects.toThrow(
      'crm_update_customer answered 404: {"error":"no such customer"}',
    );
    const redirecting = httpConnectorTool(
      { ...connector(), url: `${api.url}/redirect/{customerId}` },
      loopbackGuard,
      "k",
    );
    const before = received.length;
    expect(await redirecting.run({ customerId: "1", tier: "x" }, context)).toMatchObject({ status: 302 });
    expect(received.length).toBe(before + 1);
  });

  it("refuses a loopback upstream unless allow-listed", async () => {
    const strict = httpConnectorTool(connector(), new SsrfGuard(NO_ALLOW), "k");
    await expect(strict.run({ customerId: "1", tier: "x" }, context)).rejects.toThrow(
      /refused by the SSRF guard: 127.0.0.1/,
    );
  });

  it("checks the address again at connect time (DNS rebinding)", async () => {
    const rebinding = new SsrfGuard(
      { allowHosts: [], allowCidrs: [] },
      fakeResolver({ "rebind.example.com": ["93.184.215.14", "127.0.0.1"] }),
    );
    const tool = httpConnectorTool(
      { ...connector(), url: `http://rebind.example.com:${api.port}/customers/{customerId}/tier` },
      rebinding,
      "k",
    );
    const before = received.length;
    await expect(tool.run({ customerId: "1", tier: "x" }, context)).rejects.toThrow(/resolves to 127.0.0.1/);
    expect(received.length).toBe(before);
  });

  it("imports chosen OpenAPI operations as connector tools", async () => {
    const document = `
openapi: 3.0.3
servers: [{ url: "${api.url}/api" }]
paths:
  /orders/{orderId}:
    get:
      operationId: getOrder
      summary: Fetch one order
      parameters:
        - { name: orderId, in: path, required: true, schema: { type: integer } }
        - { name: expand, in: query, schema: { type: string } }
    delete:
      operationId: deleteOrder
      summary: Delete an order
      parameters: [{ name: orderId, in: path, required: true, schema: { type: integer } }]
  /orders:
    post:
      operationId: createOrder
      requestBody:
        content:
          application/json:
            schema: { type: object, required: [sku], properties: { sku: { type: string }, quantity: { type: integer } } }
`;
    const imported = importOpenApi(
      {
        name: "shop",
        document: "shop.yaml",
        operations: ["getOrder", "createOrder"],
        auth: { kind: "bearer", secretEnv: "SHOP_TOKEN" },
      },
      () => document,
    );
    expect(imported.map((item) => [item.name, item.method, item.url])).toEqual([
      ["shop_get_order", "GET", `${api.url}/api/orders/{orderId}`],
      ["shop_create_order", "POST", `${api.url}/api/orders`],
    ]);
    const getOrder = httpConnectorTool(imported[0] as never, loopbackGuard, "shop-token");
    expect(getOrder.annotations.readOnlyHint).toBe(true);
    expect(Object.keys(getOrder.input)).toEqual(["orderId", "expand"]);
    await getOrder.run({ orderId: 42, expand: "lines" }, context);
    expect(received.at(-1)).toMatchObject({ method: "GET", url: "/api/orders/42?expand=lines" });
    expect(received.at(-1)?.headers.authorization).toBe("Bearer shop-token");
    expect(() =>
      importOpenApi(
        { name: "shop", document: "shop.yaml", operations: ["nope", "getOrder", "gone"] },
        () => document,
      ),
    ).toThrow("shop.yaml: operations not found: nope, gone");
  });
});
