import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chunkText } from "../../../services/mcp/src/knowledge/chunker";
import { GatewayEmbedder, HashingEmbedder } from "../../../services/mcp/src/knowledge/embeddings";
import { extractText } from "../../../services/mcp/src/knowledge/extract";
import { reciprocalRankFusion } from "../../../services/mcp/src/knowledge/fusion";
import { KnowledgeBase } from "../../../services/mcp/src/knowledge/knowledge-base";
import { MilvusVectorStore } from "../../../services/mcp/src/knowledge/milvus-store";
import { PgliteVectorStore } from "../../../services/mcp/src/knowledge/pglite-store";
import { GatewayReranker } from "../../../services/mcp/src/knowledge/reranker";
import { tokenize } from "../../../services/mcp/src/knowledge/tokens";
import { type FakeLlmGateway, startFakeLlmGateway } from "./support/fake-llm-gateway";
import { type FakeMilvus, startFakeMilvus } from "./support/fake-milvus";

const CHUNKING = { maxTokens: 12, overlapTokens: 3 };

describe("chunking", () => {
  const markdown = [
    "# Travel",
    "Intro sentence about travel.",
    "## Hotels",
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen",
    "## Flights",
    "Book early.",
  ].join("\n");

  it("never spans two sections and prefixes each chunk with its heading path", () => {
    const chunks = chunkText(markdown, CHUNKING);
    expect(chunks.map((chunk) => chunk.heading)).toEqual([
      "Travel",
      "Travel > Hotels",
      "Travel > Hotels",
      "Travel > Flights",
    ]);
    expect(chunks[3]?.text).toBe("Travel > Flights\nBook early.");
    expect(chunks.map((chunk) => chunk.index)).toEqual([0, 1, 2, 3]);
  });

  it("keeps windows within maxTokens and repeats overlapTokens of the previous window", () => {
    const [first, second] = chunkText(markdown, CHUNKING)
      .slice(1, 3)
      .map((chunk) => chunk.text.split("\n")[1] ?? "");
    expect(tokenize(first ?? "")).toHaveLength(12);
    expect(first).toMatch(/^one .* twelve$/);
    expect(second).toMatch(/^ten eleven twelve thirteen/);
  });

  it("splits Chinese text without spaces by characters", () => {
    const chunks = chunkText("# 差旅\n员工出差须提前十四天通过公司平台预订机票和酒店住宿", {
      maxTokens: 10,
      overlapTokens: 2,
    });
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks)
      expect(tokenize(chunk.text.split("\n")[1] ?? "").length).toBeLessThanOrEqual(10);
  });
});

describe("document extraction", () => {
  it("turns HTML headings into Markdown headings and drops scripts", () => {
    const html = `<html><head><title>Leave &amp; holidays</title><script>alert(1)</script></head>
      <body><h1>Annual leave</h1><p>Ten&nbsp;days.</p><ul><li>Carry over</li></ul><h2>Sick</h2><p>Call &#8220;HR&#8221;</p></body></html>`;
    const extracted = extractText("html", html);
    expect(extracted.title).toBe("Leave & holidays");
    expect(extracted.text).toBe(
      "# Annual leave\n\nTen days.\n\n- Carry over\n\n## Sick\n\nCall \u201cHR\u201d",
    );
  });

  it("takes a Markdown document's title from its first heading", () => {
    expect(extractText("markdown", "intro\n# The title\nbody").title).toBe("The title");
  });
});

describe("reciprocal rank fusion", () => {
  it("ranks items found by both rankings above items found by one", () => {
    const fused = reciprocalRankFusion([
      ["a", "b", "c"],
      ["c", "d", "a"],
    ]);
    expect(fused.map((item) => item.id)).toEqual(["a", "c", "b", "d"]);
    expect(fused[0]?.score).toBeCloseTo(1 / 61 + 1 / 63);
  });
});

describe("embedded store (PGlite)", () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "mcp-pglite-"));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it("stores, searches by cosine, replaces a document and keeps it across restarts", async () => {
    const embedder = new HashingEmbedder(64);
    const first = await KnowledgeBase.open(await PgliteVectorStore.open(directory), embedder, CHUNKING);
    await first.ingest({
      source: "a.md",
      title: "Parking",
      text: "# Parking\nThe garage has wall boxes for electric cars.",
    });
    const b = await first.ingest({
      source: "b.md",
      title: "Canteen",
      text: "# Canteen\nLunch is served at noon.",
    });
    const [top] = await first.search("electric car charging", { limit: 1, mode: "vector" });
    expect(top).toMatchObject({ source: "a.md", title: "Parking", chunkIndex: 0 });
    expect(top?.score).toBeGreaterThan(0);
    await first.ingest({ source: "b.md", title: "Canteen", text: "# Canteen\nBreakfast only." });
    expect(first.document(b.documentId)?.map((chunk) => chunk.text)).toEqual(["Canteen\nBreakfast only."]);
    await first.close();

    const reopened = await KnowledgeBase.open(await PgliteVectorStore.open(directory), embedder, CHUNKING);
    expect(reopened.documents().map((document) => document.source)).toEqual(["b.md", "a.md"]);
    const [keyword] = await reopened.search("breakfast", { limit: 1, mode: "keyword" });
    expect(keyword?.source).toBe("b.md");
    await reopened.delete(b.documentId);
    expect(await reopened.search("breakfast", { limit: 5, mode: "keyword" })).toEqual([]);
    await reopened.close();
  });
});

describe("LLM gateway clients", () => {
  let gateway: FakeLlmGateway;
  beforeAll(async () => {
    gateway = await startFakeLlmGateway("gateway-key", 64);
  });
  afterAll(() => gateway.close());

  it("embeds through /v1/embeddings in batches, in input order, with the server's own key", async () => {
    const embedder = new GatewayEmbedder({
      baseUrl: `${gateway.url}/v1`,
      model: "bge-m3",
      dimension: 64,
      apiKey: "gateway-key",
      batchSize: 2,
    });
    const texts = ["first text", "second text", "third text"];
    const vectors = await embedder.embed(texts);
    expect(vectors).toEqual(await new HashingEmbedder(64).embed(texts));
    const calls = gateway.requests.filter((request) => request.path === "/v1/embeddings");
    expect(calls.map((call) => call.body.input)).toEqual([["first text", "second text"], ["third text"]]);
    expect(calls[0]?.body.model).toBe("bge-m3");
    expect(calls[0]?.authorization).toBe("Bearer gateway-key");
  });

  it("fails clearly on a wrong dimension or a rejected key", async () => {
    const wrongDimension = new GatewayEmbedder({
      baseUrl: `${gateway.url}/v1`,
      model: "bge-m3",
      dimension: 1024,
      apiKey: "gateway-key",
    });
    await expect(wrongDimension.embed(["x"])).rejects.toThrow(
      "bge-m3 returned 64 dimensions, configured 1024",
    );
    const wrongKey = new GatewayEmbedder({
      baseUrl: `${gateway.url}/v1`,
      model: "bge-m3",
      dimension: 64,
      apiKey: "nope",
    });
    await expect(wrongKey.embed(["x"])).rejects.toThrow(
      "embeddings request failed with 401: invalid api key",
    );
  });

  it("reranks candidates through /v1/rerank", async () => {
    const reranker = new GatewayReranker({
      baseUrl: `${gateway.url}/v1`,
      model: "bge-reranker-v2-m3",
      apiKey: "gateway-key",
    });
    const order = await reranker.rerank("hotel price cap", [
      "canteen lunch",
      "hotel price cap in Beijing",
      "hotel booking",
    ]);
    expect(order.map((item) => item.index)).toEqual([1, 2, 0]);
  });
});

describe("Milvus store (REST v2, against a fake speaking its shapes)", () => {
  let milvus: FakeMilvus;
  beforeAll(async () => {
    milvus = await startFakeMilvus("root:Milvus");
  });
  afterAll(() => milvus.close());

  const store = (token = "root:Milvus") =>
    new MilvusVectorStore({ url: milvus.url, collection: "kb", database: "default", token });

  it("creates the collection with an HNSW cosine index only when missing", async () => {
    await store().init(8);
    await store().init(8);
    expect(milvus.calls.filter((call) => call.path === "/v2/vectordb/collections/create")).toHaveLength(1);
    const created = milvus.collections.get("kb");
    expect(created?.schema.fields.find((field: any) => field.fieldName === "vector")).toEqual({
      fieldName: "vector",
      dataType: "FloatVector",
      elementTypeParams: { dim: "8" },
    });
    expect(created?.indexParams).toEqual([
      expect.objectContaining({ fieldName: "vector", metricType: "COSINE", indexType: "HNSW" }),
    ]);
  });

  it("ingests, searches with hybrid retrieval and rebuilds the keyword index from the collection", async () => {
    const embedder = new HashingEmbedder(8);
    const knowledge = await KnowledgeBase.open(store(), embedder, CHUNKING);
    await knowledge.ingest({
      source: "vpn.md",
      title: "VPN",
      text: "# VPN\nUse the WireGuard profile from the IT portal.",
    });
    await knowledge.ingest({
      source: "wifi.md",
      title: "Wi-Fi",
      text: "# Wi-Fi\nVisitors use the guest network.",
    });
    await knowledge.ingest({
      source: "vpn.md",
      title: "VPN",
      text: "# VPN\nUse the WireGuard profile. Renewed every 90 days.",
    });
    expect(milvus.collections.get("kb")?.rows.size).toBe(2);
    const deletes = milvus.calls.filter((call) => call.path === "/v2/vectordb/entities/delete");
    expect(deletes.at(-1)?.body.filter).toMatch(/^document_id == "[0-9a-f]{16}"$/);

    const reopened = await KnowledgeBase.open(store(), embedder, CHUNKING);
    const [hit] = await reopened.search("wireguard renewed", { limit: 1, mode: "hybrid" });
    expect(hit).toMatchObject({
      source: "vpn.md",
      chunk: "VPN\nUse the WireGuard profile. Renewed every 90 days.",
    });
    const search = milvus.calls.filter((call) => call.path === "/v2/vectordb/entities/search").at(-1);
    expect(search?.body).toMatchObject({
      collectionName: "kb",
      dbName: "default",
      annsField: "vector",
      limit: 20,
    });
  });

  it("lets a second replica find another's documents by keyword after its reload", async () => {
    const embedder = new HashingEmbedder(8);
    const shared = () =>
      new MilvusVectorStore({
        url: milvus.url,
        collection: "replicas",
        database: "default",
        token: "root:Milvus",
      });
    const first = await KnowledgeBase.open(shared(), embedder, CHUNKING);
    const second = await KnowledgeBase.open(shared(), embedder, CHUNKING);
    await first.ingest({
      source: "badge.md",
      title: "Badges",
      text: "# Badges\nLost badges are replaced at reception.",
    });
    expect(await second.search("reception", { limit: 1, mode: "keyword" })).toEqual([]);
    await second.reload();
    expect((await second.search("reception", { limit: 1, mode: "keyword" }))[0]?.source).toBe("badge.md");
  });

  it("reports Milvus errors with their code and message", async () => {
    await expect(store("wrong").init(8)).rejects.toThrow(
      "Milvus /v2/vectordb/collections/has failed (HTTP 200, code 1800): user hasn't authenticated",
    );
  });
});
