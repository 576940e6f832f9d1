/**
 * Exact-match response cache: same model group, same request body (minus fields that do not change
 * the answer) → the stored answer. Opt-in per key or per request; streams with tools only if enabled.
 */
import { createHash } from "node:crypto";
import type { GatewayContext } from "../app/gateway-context";
import type { CacheSettings } from "../config/gateway-config";
import type { Caller } from "./caller";

export interface CacheControl {
  readonly "no-cache"?: boolean;
  readonly "no-store"?: boolean;
  readonly ttl?: number;
}

export interface CachePolicy {
  readonly settings: CacheSettings;
  readonly caller: Caller;
  readonly body: Record<string, unknown>;
  readonly stream: boolean;
  readonly control?: CacheControl;
}

/** Fields that do not change the answer. */
const IGNORED = new Set(["stream", "stream_options", "user", "metadata"]);

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The cache key for this request, or undefined when this request must not use the cache. */
export function cacheKeyFor(policy: CachePolicy, group: string, path: string): string | undefined {
  const enabled = policy.caller.key?.cache ?? policy.settings.enabledByDefault;
  if (!enabled || policy.control?.["no-cache"]) return undefined;
  const hasTools = Array.isArray(policy.body.tools) && policy.body.tools.length > 0;
  if (policy.stream && hasTools && !policy.settings.cacheToolStreams) return undefined;
  const relevant = Object.fromEntries(Object.entries(policy.body).filter(([field]) => !IGNORED.has(field)));
  const digest = createHash("sha256")
    .update(`${path}\n${group}\n${policy.stream ? "s" : "j"}\n${canonical(relevant)}`)
    .digest("hex");
  return policy.control?.["no-store"] ? `${digest}:read-only` : digest;
}

export async function readCache(context: GatewayContext, key: string): Promise<unknown> {
  const stored = await context.state.cacheGet(key.replace(/:read-only$/, "")).catch(() => undefined);
  return stored === undefined ? undefined : JSON.parse(stored);
}

export async function writeCache(
  context: GatewayContext,
  key: string,
  value: unknown,
  ttlSeconds?: number,
): Promise<void> {
  if (key.endsWith(":read-only")) return;
  await context.state.cacheSet(
    key,
    JSON.stringify(value),
    ttlSeconds ?? context.runtime.config.cache.ttlSeconds,
  );
}
