/**
 * The Redis side of SharedState. Each script runs atomically, so N replicas counting against one
 * limit see one counter. Keys of one scope are laid out together (see redis-state.ts).
 */

/**
 * Sliding-window limits: the previous minute's count, weighted by how much of it still overlaps the
 * last 60 s, plus this minute's count — no burst of twice the limit across a minute boundary.
 * KEYS per scope: rpm now, rpm previous, tpm now, tpm previous, spent, reserved.
 * ARGV: tokens, cost, window ttl (s), reservation ttl (s), previous-window weight, then per scope:
 * rpm, tpm, budget (-1 = none).
 * Returns {0} when admitted, else {reason (1 rpm, 2 tpm, 3 budget), scope index}.
 */
export const ADMIT = `
local tokens = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local windowTtl = tonumber(ARGV[3])
local reservationTtl = tonumber(ARGV[4])
local weight = tonumber(ARGV[5])
local function used(now, previous)
  return tonumber(redis.call('GET', now) or '0') + weight * tonumber(redis.call('GET', previous) or '0')
end
local scopes = #KEYS / 6
for i = 0, scopes - 1 do
  local k = i * 6
  local rpm = tonumber(ARGV[6 + i * 3])
  local tpm = tonumber(ARGV[7 + i * 3])
  local budget = tonumber(ARGV[8 + i * 3])
  if rpm >= 0 and used(KEYS[k + 1], KEYS[k + 2]) + 1 > rpm then return {1, i} end
  if tpm >= 0 and used(KEYS[k + 3], KEYS[k + 4]) + tokens > tpm then return {2, i} end
  if budget >= 0 then
    local spent = tonumber(redis.call('GET', KEYS[k + 5]) or '0')
    local reserved = tonumber(redis.call('GET', KEYS[k + 6]) or '0')
    if spent + reserved + cost > budget then return {3, i} end
  end
end
for i = 0, scopes - 1 do
  local k = i * 6
  redis.call('INCR', KEYS[k + 1])
  redis.call('EXPIRE', KEYS[k + 1], windowTtl)
  redis.call('INCRBY', KEYS[k + 3], tokens)
  redis.call('EXPIRE', KEYS[k + 3], windowTtl)
  redis.call('INCRBY', KEYS[k + 6], cost)
  redis.call('EXPIRE', KEYS[k + 6], reservationTtl)
end
return {0}
`;

/**
 * KEYS per scope: tpm window, spent, reserved.
 * ARGV: token delta, reserved cost, actual cost, window ttl (s), then per scope: spent ttl (s, -1 = keep).
 */
export const SETTLE = `
local delta = tonumber(ARGV[1])
local reserved = tonumber(ARGV[2])
local actual = tonumber(ARGV[3])
local windowTtl = tonumber(ARGV[4])
for i = 0, #KEYS / 3 - 1 do
  redis.call('INCRBY', KEYS[i * 3 + 1], delta)
  redis.call('EXPIRE', KEYS[i * 3 + 1], windowTtl)
  redis.call('INCRBY', KEYS[i * 3 + 2], actual)
  local ttl = tonumber(ARGV[5 + i])
  if ttl > 0 then redis.call('EXPIRE', KEYS[i * 3 + 2], ttl) end
  if tonumber(redis.call('DECRBY', KEYS[i * 3 + 3], reserved)) < 0 then redis.call('SET', KEYS[i * 3 + 3], 0, 'KEEPTTL') end
end
return 0
`;

/**
 * KEYS: calls window, fails window, open-breakers hash. ARGV: deployment id, ok (1/0), window ttl (s),
 * allowed fails, fail ratio (-1 = none), cooldown (ms), now (ms).
 * Returns {0} unchanged, {1, until} opened, {2} closed.
 */
export const RECORD_OUTCOME = `
local id = ARGV[1]
local calls = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
local open = redis.call('HGET', KEYS[3], id)
if ARGV[2] == '1' then
  if open then
    redis.call('HDEL', KEYS[3], id)
    return {2}
  end
  return {0}
end
local fails = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
local ratio = tonumber(ARGV[5])
local ratioMet = ratio < 0 or fails / calls >= ratio
if open or (fails >= tonumber(ARGV[4]) and ratioMet) then
  local untilMs = tonumber(ARGV[7]) + tonumber(ARGV[6])
  redis.call('HSET', KEYS[3], id, untilMs)
  redis.call('DEL', KEYS[2])
  return {1, untilMs}
end
return {0}
`;
