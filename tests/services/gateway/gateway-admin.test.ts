/** Admin API: master key or a Keycloak-style JWT checked against a JWKS served on loopback; cache. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeUpstream } from "./fakes/openai-upstream";
import {
  createKey,
  deployment,
  MASTER_KEY,
  type RunningGateway,
  readJson,
  startGateway,
} from "./start-gateway";

let upstream: FakeUpstream;
let running: RunningGateway;
let jwksServer: Server;
let issuer: string;
let sign: (
  claims: Record<string, unknown>,
  options?: { audience?: string; expiresIn?: string; issuer?: string },
) => Promise<string>;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test", alg: "RS256", use: "sig" };
  jwksServer = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/realms/platform`;
  sign = (claims, options = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "test" })
      .setIssuer(options.issuer ?? issuer)
      .setAudience(options.audience ?? "llm-gateway")
      .setSubject("alice")
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? "5m")
      .sign(privateKey);
  upstream = await startFakeUpstream("admin");
  running = await startGateway({
    model_list: [deployment("chat", upstream.baseUrl)],
    litellm_settings: { cache: false, cache_params: { ttl: 60 } },
    general_settings: {
      master_key: MASTER_KEY,
      admin_jwt: {
        issuer,
        audience: "llm-gateway",
        jwks_url: `${issuer}/protocol/openid-connect/certs`,
        role: "gateway-admin",
      },
    },
  });
});

afterAll(async () => {
  await running.close();
  await upstream.close();
  await new Promise((resolve) => jwksServer.close(resolve));
});

const adminWith = (token: string, path = "/team/list") =>
  running.fetch(path, { headers: { authorization: `Bearer ${token}` } });

describe("admin authentication", () => {
  it("accepts a JWT with the admin realm role, from the right issuer, for this audience", async () => {
    const token = await sign({ realm_access: { roles: ["gateway-admin"] } });
    expect((await adminWith(token)).status).toBe(200);
    const clientRole = await sign({ resource_access: { "llm-gateway": { roles: ["gateway-admin"] } } });
    expect((await adminWith(clientRole)).status).toBe(200);
  });

  it("refuses a token without the role (403), for another audience, from another issuer, or expired (401)", async () => {
    expect((await adminWith(await sign({ realm_access: { roles: ["viewer"] } }))).status).toBe(403);
    const roles = { realm_access: { roles: ["gateway-admin"] } };
    expect((await adminWith(await sign(roles, { audience: "other" }))).status).toBe(401);
    expect((await adminWith(await sign(roles, { issuer: "http://evil/realms/x" }))).status).toBe(401);
    const expired = await adminWith(await sign(roles, { expiresIn: "-1m" }));
    expect(expired.status).toBe(401);
    expect((await readJson(expired)).error.type).toBe("authentication_error");
  });

  it("does not let a virtual key use the admin API", async () => {
    const { key } = await createKey(running);
    expect((await adminWith(key)).status).toBe(401);
  });
});

describe("keys and teams", () => {
  it("validates admin bodies and names the bad field", async () => {
    const bad = await running.admin("/key/generate", { rpm_limit: -1, budget_duration: "forever" });
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).error.message).toMatch(
      /rpm_limit.*budget_duration|budget_duration.*rpm_limit/,
    );
    const unknownTeam = await running.admin("/key/generate", { team_id: "team_nope" });
    expect(unknownTeam.status).toBe(400);
  });

  it("updates a key's models and expires keys past their duration", async () => {
    const { key, key_id } = await createKey(running, { models: ["chat"] });
    const ask = () =>
      running.fetch("/v1/chat/completions", {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "x" }] }),
      });
    expect((await ask()).status).toBe(200);
    expect((await running.admin("/key/update", { key: key_id, models: ["other"] })).status).toBe(200);
    expect((await ask()).status).toBe(403);
    const info = await readJson(running.admin(`/key/info?key=${key_id}`));
    expect(info).toMatchObject({ key_id, models: ["other"], revoked: false });
    expect(JSON.stringify(info)).not.toContain(key);
  });
});

describe("response cache", () => {
  it("serves an identical request from the cache when the key opts in, with x-cache", async () => {
    const { key } = await createKey(running, { cache: true });
    const client = running.client(key);
    const request = {
      model: "chat",
      messages: [{ role: "user" as const, content: "cache me" }],
      temperature: 0,
    };
    const first = await client.chat.completions.create(request).withResponse();
    const before = upstream.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await client.chat.completions.create(request).withResponse();
    expect(first.response.headers.get("x-cache")).toBe("MISS");
    expect(second.response.headers.get("x-cache")).toBe("HIT");
    expect(second.data.choices[0]?.message.content).toBe(first.data.choices[0]?.message.content);
    expect(upstream.requests.length).toBe(before);
    // A different request is a miss; a key without cache never sees x-cache.
    const other = await client.chat.completions.create({ ...request, temperature: 1 }).withResponse();
    expect(other.response.headers.get("x-cache")).toBe("MISS");
    const plain = await running.client().chat.completions.create(request).withResponse();
    expect(plain.response.headers.get("x-cache")).toBeNull();
  });

  it("replays a cached stream and skips the cache on request with no-cache", async () => {
    const { key } = await createKey(running, { cache: true });
    const client = running.client(key);
    const collect = async () => {
      let text = "";
      const stream = await client.chat.completions.create({
        model: "chat",
        messages: [{ role: "user", content: "stream me" }],
        stream: true,
      });
      for await (const part of stream) text += part.choices[0]?.delta.content ?? "";
      return text;
    };
    expect(await collect()).toBe(upstream.reply);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = upstream.requests.length;
    expect(await collect()).toBe(upstream.reply);
    expect(upstream.requests.length).toBe(before);
    const bypass = await running.fetch("/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "chat",
        messages: [{ role: "user", content: "stream me" }],
        cache: { "no-cache": true },
      }),
    });
    expect(bypass.headers.get("x-cache")).toBeNull();
    expect(upstream.requests.length).toBe(before + 1);
  });
});
