/** Property test: whatever arrives, the gateway answers 4xx in OpenAI's error shape, never 5xx or a crash. */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeUpstream } from "./fakes/openai-upstream";
import { deployment, MASTER_KEY, type RunningGateway, startGateway } from "./start-gateway";

let upstream: FakeUpstream;
let running: RunningGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream("fuzz");
  running = await startGateway({
    model_list: [deployment("chat", upstream.baseUrl)],
    general_settings: { master_key: MASTER_KEY, max_request_size_mb: 0.05 },
  });
});

afterAll(async () => {
  await running.close();
  await upstream.close();
});

const PATHS = [
  "/v1/chat/completions",
  "/v1/completions",
  "/v1/embeddings",
  "/v1/audio/speech",
  "/key/generate",
  "/team/new",
];

async function expectClientError(response: Response): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBeGreaterThanOrEqual(400);
  expect(response.status, text).toBeLessThan(500);
  const body = JSON.parse(text);
  expect(Object.keys(body)).toEqual(["error"]);
  expect(typeof body.error.message).toBe("string");
  expect(typeof body.error.type).toBe("string");
  expect(body.error).toHaveProperty("param");
  expect(body.error).toHaveProperty("code");
  expect(text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
}

/** Chat-shaped bodies with one field wrong: wrong types, unknown fields, out-of-range values. */
const brokenChat = fc.oneof(
  fc.record({
    model: fc.anything().filter((value) => typeof value !== "string" || value.length === 0),
    messages: fc.constant([{ role: "user", content: "x" }]),
  }),
  fc.record({
    model: fc.constant("chat"),
    messages: fc.oneof(
      fc.constant([]),
      fc
        .array(fc.anything(), { maxLength: 3 })
        .filter(
          (list) =>
            list.length > 0 &&
            list.some((item) => typeof item !== "object" || item === null || !("role" in item)),
        ),
    ),
  }),
  fc.record({
    model: fc.constant("chat"),
    messages: fc.constant([{ role: "user", content: "x" }]),
    temperature: fc.oneof(fc.double({ min: 2.01, max: 1e9, noNaN: true }), fc.string()),
  }),
  fc
    .record({ model: fc.constant("chat"), messages: fc.constant([{ role: "user", content: "x" }]) })
    .chain((base) =>
      fc
        .string({ minLength: 1, maxLength: 12 })
        .filter(
          (key) =>
            /^[a-z_]+$/.test(key) &&
            ![
              "model",
              "messages",
              "temperature",
              "stream",
              "tools",
              "user",
              "n",
              "seed",
              "stop",
              "store",
              "audio",
              "cache",
            ].includes(key),
        )
        .map((key) => ({ ...base, [`zz_${key}`]: 1 })),
    ),
);

describe("bad input never reaches a 5xx", () => {
  it("answers arbitrary bytes on every JSON route with a 4xx error object", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PATHS),
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom("application/json", "text/plain", "", "multipart/form-data"),
        async (path, bytes, contentType) => {
          const headers: Record<string, string> = { authorization: `Bearer ${MASTER_KEY}` };
          if (contentType) headers["content-type"] = contentType;
          await expectClientError(
            await running.fetch(path, { method: "POST", headers, body: Buffer.from(bytes) }),
          );
        },
      ),
      { numRuns: 120 },
    );
  });

  it("answers structurally wrong chat requests with 400 naming a field", async () => {
    await fc.assert(
      fc.asyncProperty(brokenChat, async (body) => {
        const response = await running.fetch("/v1/chat/completions", {
          method: "POST",
          headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        expect(response.status).toBe(400);
        await expectClientError(response);
      }),
      { numRuns: 120 },
    );
  });

  it("answers 401 for any invalid key and 413 for any body over the limit", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .string({ maxLength: 80 })
          .filter((key) => key.trim() === key && !key.includes("\n") && key !== MASTER_KEY),
        async (key) => {
          const response = await running.fetch("/v1/models", { headers: { authorization: `Bearer ${key}` } });
          expect(response.status).toBe(401);
          await expectClientError(response);
        },
      ),
      { numRuns: 60 },
    );
    const huge = await running.fetch("/v1/embeddings", {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "chat", input: "y".repeat(80_000) }),
    });
    expect(huge.status).toBe(413);
    await expectClientError(huge);
    // The gateway is still healthy after all of that.
    expect((await running.fetch("/health/liveliness")).status).toBe(200);
  });
});
