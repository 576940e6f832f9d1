import { createHash } from "node:crypto";

/**
 * One caller's token bucket, taken atomically in Redis. KEYS[1]: the bucket (a hash of `tokens` and `ms`).
 * ARGV: burst, requests per minute. Returns `{allowed (1|0), ms until one token is back}`.
 *
 * The clock is Redis' own (`TIME`), not the replica's: every replica's request refills the bucket by the
 * same clock, so a pod whose clock runs ahead cannot mint tokens and one that lags cannot starve callers.
 * A clock that steps back (failover to another Redis) counts as no time passing. The key expires when the
 * bucket would be full again, so an idle caller leaves nothing behind: a missing key is a full bucket.
 * Numbers leave Lua as integers (Redis truncates floats), hence the `ceil`.
 */
export const TOKEN_BUCKET_LUA = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local burst = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2]) / 60000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ms')
local tokens = tonumber(state[1])
local last = tonumber(state[2])
if tokens == nil or last == nil then
  tokens = burst
  last = now
end
tokens = math.min(burst, tokens + math.max(0, now - last) * per_ms)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) / per_ms)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ms', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / per_ms) + 1000)
return {allowed, wait}
`;

/** What `EVALSHA` names the script by. */
export const TOKEN_BUCKET_SHA1 = createHash("sha1").update(TOKEN_BUCKET_LUA).digest("hex");
