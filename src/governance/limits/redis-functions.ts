/**
 * The limits engine as Redis Functions (Redis >= 7.0), the same semantics as `limit-ledger.ts`: every decision
 * is one atomic function call over every limit that applies, timed by Redis `TIME` only (never a replica's
 * clock). Keys of limits are passed in KEYS; a reservation's record keeps them, so the sweeper and renewals
 * can reach the keys of reservations they finalize (all keys share one hash tag, so one slot).
 *
 * The library's name and every function name carry a version: a rolling deploy never calls new code with old
 * arguments. Integers are written with `%.0f` (Lua 5.1 numbers are doubles; `tostring` would write 1e+15), a
 * TAT with three decimals (Redis refuses fractional numbers as command arguments).
 *
 * Spec encoding in ARGV (per limit, in KEYS order after the fixed keys):
 *   rate: "r", unit ("q" requests | "t" tokens), limit, window ms, burst
 *   concurrency: "c", max
 *   budget: "b", amount nano-USD, action ("reject" | "alert"), #boundaries, boundaries..., #alerts, alerts...
 */
import { RESERVATION_FUNCTIONS_LUA } from "./redis-reservation-functions.js";

export const FUNCTION_LIBRARY = "switchyard_limits_v1";

export const FUNCTIONS = {
  admit: "sy_admit_v1",
  meter: "sy_meter_v1",
  settle: "sy_settle_v1",
  renew: "sy_renew_v1",
  quota: "sy_quota_v1",
} as const;

export const REDIS_FUNCTIONS_SOURCE = `#!lua name=${FUNCTION_LIBRARY}
local EPOCH_S = 1735689600
local SLACK = 0.001
local TOMBSTONE_MS = 3600000
local SWEEP_MAX = 4
local OLD_WINDOW_MS = 62 * 86400000

local function int(x) return string.format('%.0f', x) end

local function clock()
  local t = redis.call('TIME')
  local sec = tonumber(t[1])
  local usec = tonumber(t[2])
  return (sec - EPOCH_S) * 1000000 + usec, sec * 1000 + math.floor(usec / 1000)
end

local function parse(keys, first_key, argv, i, n)
  local specs = {}
  for s = 1, n do
    local spec = { kind = argv[i], key = keys[first_key + s - 1] }
    if spec.kind == 'r' then
      spec.unit = argv[i + 1]
      spec.limit = tonumber(argv[i + 2])
      spec.window = tonumber(argv[i + 3])
      spec.burst = tonumber(argv[i + 4])
      spec.interval = spec.window * 1000 / spec.limit
      i = i + 5
    elseif spec.kind == 'c' then
      spec.max = tonumber(argv[i + 1])
      i = i + 2
    else
      spec.amount = tonumber(argv[i + 1])
      spec.action = argv[i + 2]
      local nb = tonumber(argv[i + 3])
      spec.bounds = {}
      for b = 1, nb do spec.bounds[b] = tonumber(argv[i + 3 + b]) end
      i = i + 4 + nb
      local na = tonumber(argv[i])
      spec.alerts = {}
      for a = 1, na do spec.alerts[a] = argv[i + a] end
      i = i + 1 + na
    end
    specs[s] = spec
  end
  return specs
end

local function rate_state(ahead, tolerance, interval)
  local remaining = math.floor((tolerance - ahead) / interval + 1e-9)
  if remaining < 0 then remaining = 0 end
  local reset = math.ceil(ahead / 1000)
  if reset < 0 then reset = 0 end
  return remaining, reset
end

local function window_of(bounds, now_ms)
  for w = 1, #bounds - 1 do
    if now_ms >= bounds[w] and now_ms < bounds[w + 1] then return w end
  end
  return -1
end

local function budget_counters(key, start)
  local values = redis.call('HMGET', key, int(start) .. ':used', int(start) .. ':held')
  return tonumber(values[1] or '0'), tonumber(values[2] or '0')
end

local function set_tat(key, tat, now_us)
  local ttl = math.ceil((tat - now_us) / 1000) + 1000
  redis.call('SET', key, string.format('%.3f', tat), 'PX', int(ttl))
end

-- Finalizes reservations whose holders stopped renewing them: held budget becomes spend, leases go.
local function sweep(resq, expired_stream, now_ms)
  local ids = redis.call('ZRANGEBYSCORE', resq, '-inf', int(now_ms), 'LIMIT', 0, SWEEP_MAX)
  for _, id in ipairs(ids) do
    local rkey = string.sub(resq, 1, -5) .. 'res:' .. id
    local rec = redis.call('HGETALL', rkey)
    local r = {}
    for f = 1, #rec, 2 do r[rec[f]] = rec[f + 1] end
    if r.status == 'open' then
      for s = 1, tonumber(r.n or '0') do
        local kind = r['t' .. s]
        local key = r['k' .. s]
        if kind == 'c' then
          redis.call('ZREM', key, id)
        elseif kind == 'b' then
          local held = tonumber(r['h' .. s])
          redis.call('HINCRBY', key, r['w' .. s] .. ':held', int(-held))
          redis.call('HINCRBY', key, r['w' .. s] .. ':used', int(held))
        end
      end
      redis.call('HSET', rkey, 'status', 'expired')
      redis.call('PEXPIRE', rkey, TOMBSTONE_MS)
      redis.call('XADD', expired_stream, 'MAXLEN', '~', 10000, '*', 'id', id, 'tokens', r.tokens, 'cost', r.cost)
    end
    redis.call('ZREM', resq, id)
  end
end

-- KEYS: resq, res:<id>, expired stream, limit keys...  ARGV: id, lease ms, tokens, cost, #specs, specs...
local function admit(keys, argv)
  local now_us, now_ms = clock()
  sweep(keys[1], keys[3], now_ms)
  local id = argv[1]
  local lease = tonumber(argv[2])
  local tokens = tonumber(argv[3])
  local cost = tonumber(argv[4])
  local n = tonumber(argv[5])
  local specs = parse(keys, 4, argv, 6, n)
  -- Every rate limit's TAT in one read.
  local rate_keys = {}
  for _, spec in ipairs(specs) do
    if spec.kind == 'r' then rate_keys[#rate_keys + 1] = spec.key end
  end
  local tats = {}
  if #rate_keys > 0 then tats = redis.call('MGET', unpack(rate_keys)) end
  local next_tat = 0
  local decided = {}
  local out = { 'ok' }
  for s, spec in ipairs(specs) do
    if spec.kind == 'r' then
      local units = tokens
      if spec.unit == 'q' then units = 1 end
      next_tat = next_tat + 1
      local tat = tonumber(tats[next_tat] or '')
      local tolerance = spec.burst * spec.interval
      local start = now_us
      if tat ~= nil and tat > now_us then start = tat end
      local nxt = start + units * spec.interval
      local ahead = nxt - now_us
      if ahead > tolerance + SLACK then
        local never = units * spec.interval > tolerance + SLACK
        local retry = 0
        if not never then retry = math.ceil((ahead - tolerance) / 1000) end
        local remaining, reset = rate_state(start - now_us, tolerance, spec.interval)
        return { 'deny', s - 1, never and 1 or 0, retry, remaining, reset }
      end
      decided[s] = nxt
      local remaining, reset = rate_state(ahead, tolerance, spec.interval)
      out[#out + 1] = remaining
      out[#out + 1] = reset
    elseif spec.kind == 'c' then
      redis.call('ZREMRANGEBYSCORE', spec.key, '-inf', int(now_ms))
      local count = redis.call('ZCARD', spec.key)
      if count + 1 > spec.max then
        local first = redis.call('ZRANGE', spec.key, 0, 0, 'WITHSCORES')
        local retry = math.ceil(tonumber(first[2]) - now_ms)
        if retry < 1 then retry = 1 end
        return { 'deny', s - 1, 0, retry, 0, retry }
      end
      out[#out + 1] = spec.max - count - 1
      out[#out + 1] = 0
    else
      local w = window_of(spec.bounds, now_ms)
      if w == -1 then return { 'stale', now_ms } end
      local start = spec.bounds[w]
      local reset = math.ceil(spec.bounds[w + 1] - now_ms)
      local used, held = budget_counters(spec.key, start)
      local committed = used + held
      if spec.action == 'reject' and committed + cost > spec.amount then
        local left = spec.amount - committed
        if left < 0 then left = 0 end
        return { 'deny', s - 1, 0, reset, left, reset }
      end
      decided[s] = start
      local left = spec.amount - committed - cost
      if left < 0 then left = 0 end
      out[#out + 1] = left
      out[#out + 1] = reset
    end
  end
  local deadline = now_ms + lease
  local rkey = keys[2]
  -- The reservation's record, written in one command.
  local record = { 'status', 'open', 'lease', int(lease), 'tokens', int(tokens), 'cost', int(cost), 'n', n }
  local function field(name, value)
    record[#record + 1] = name
    record[#record + 1] = value
  end
  for s, spec in ipairs(specs) do
    local f = tostring(s)
    field('t' .. f, spec.kind)
    field('k' .. f, spec.key)
    if spec.kind == 'r' then
      set_tat(spec.key, decided[s], now_us)
      local held = tokens
      if spec.unit == 'q' then held = 1 end
      field('u' .. f, spec.unit)
      field('i' .. f, string.format('%.6f', spec.interval))
      field('bu' .. f, int(spec.burst))
      field('h' .. f, int(held))
    elseif spec.kind == 'c' then
      redis.call('ZADD', spec.key, int(deadline), id)
      redis.call('PEXPIRE', spec.key, int(lease * 2))
    else
      redis.call('HINCRBY', spec.key, int(decided[s]) .. ':held', int(cost))
      field('h' .. f, int(cost))
      field('w' .. f, int(decided[s]))
      field('m' .. f, int(spec.amount))
      field('a' .. f, spec.action)
      field('x' .. f, table.concat(spec.alerts, ','))
    end
  end
  redis.call('HSET', rkey, unpack(record))
  redis.call('PEXPIRE', rkey, int(lease + TOMBSTONE_MS))
  redis.call('ZADD', keys[1], int(deadline), id)
  return out
end

${RESERVATION_FUNCTIONS_LUA}
redis.register_function('${FUNCTIONS.admit}', admit)
redis.register_function('${FUNCTIONS.meter}', meter)
redis.register_function('${FUNCTIONS.settle}', settle)
redis.register_function('${FUNCTIONS.renew}', renew)
redis.register_function{ function_name = '${FUNCTIONS.quota}', callback = quota, flags = { 'no-writes' } }
`;
