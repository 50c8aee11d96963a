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

local function record_of(rkey)
  local rec = redis.call('HGETALL', rkey)
  if #rec == 0 then return nil end
  local r = {}
  for f = 1, #rec, 2 do r[rec[f]] = rec[f + 1] end
  return r
end

local function renew_one(resq, rkey, id, r, now_ms)
  local deadline = now_ms + tonumber(r.lease)
  for s = 1, tonumber(r.n) do
    if r['t' .. s] == 'c' then
      redis.call('ZADD', r['k' .. s], 'XX', int(deadline), id)
      redis.call('PEXPIRE', r['k' .. s], int(tonumber(r.lease) * 2))
    end
  end
  redis.call('ZADD', resq, 'XX', int(deadline), id)
  redis.call('PEXPIRE', rkey, int(tonumber(r.lease) + TOMBSTONE_MS))
end

-- KEYS: resq, res:<id>  ARGV: id, extra tokens, extra cost
local function meter(keys, argv)
  local now_us, now_ms = clock()
  local id = argv[1]
  local extra_tokens = tonumber(argv[2])
  local extra_cost = tonumber(argv[3])
  local r = record_of(keys[2])
  if r == nil or r.status ~= 'open' then return { 'unknown' } end
  local tats = {}
  for s = 1, tonumber(r.n) do
    local f = tostring(s)
    local kind = r['t' .. f]
    if kind == 'r' and r['u' .. f] == 't' and extra_tokens > 0 then
      local key = r['k' .. f]
      local interval = tonumber(r['i' .. f])
      local tat = tonumber(redis.call('GET', key) or '')
      local start = now_us
      if tat ~= nil and tat > now_us then start = tat end
      local nxt = start + extra_tokens * interval
      local tolerance = tonumber(r['bu' .. f]) * interval
      if nxt - now_us > tolerance + SLACK then return { 'exhausted', s - 1 } end
      tats[s] = nxt
    elseif kind == 'b' and extra_cost > 0 then
      local key = r['k' .. f]
      local used, held = budget_counters(key, tonumber(r['w' .. f]))
      if r['a' .. f] == 'reject' and used + held + extra_cost > tonumber(r['m' .. f]) then return { 'exhausted', s - 1 } end
    end
  end
  for s = 1, tonumber(r.n) do
    local f = tostring(s)
    if tats[s] ~= nil then
      set_tat(r['k' .. f], tats[s], now_us)
      redis.call('HINCRBY', keys[2], 'h' .. f, int(extra_tokens))
    elseif r['t' .. f] == 'b' and extra_cost > 0 then
      redis.call('HINCRBY', r['k' .. f], r['w' .. f] .. ':held', int(extra_cost))
      redis.call('HINCRBY', keys[2], 'h' .. f, int(extra_cost))
    end
  end
  redis.call('HINCRBY', keys[2], 'tokens', int(extra_tokens))
  redis.call('HINCRBY', keys[2], 'cost', int(extra_cost))
  renew_one(keys[1], keys[2], id, r, now_ms)
  return { 'ok' }
end

-- KEYS: resq, res:<id>  ARGV: id, tokens, cost
local function settle(keys, argv)
  local now_us, now_ms = clock()
  local id = argv[1]
  local tokens = tonumber(argv[2])
  local cost = tonumber(argv[3])
  local r = record_of(keys[2])
  if r == nil then return { 'unknown' } end
  if r.status == 'settled' then return { 'already' } end
  local expired = r.status == 'expired'
  local out = { expired and 'corrected' or 'settled' }
  for s = 1, tonumber(r.n) do
    local f = tostring(s)
    local kind = r['t' .. f]
    local key = r['k' .. f]
    if kind == 'r' and r['u' .. f] == 't' then
      local interval = tonumber(r['i' .. f])
      local tat = tonumber(redis.call('GET', key) or '') or now_us
      local moved = tat + (tokens - tonumber(r['h' .. f])) * interval
      if moved < now_us then moved = now_us end
      set_tat(key, moved, now_us)
    elseif kind == 'c' then
      redis.call('ZREM', key, id)
    elseif kind == 'b' then
      local w = r['w' .. f]
      local held = tonumber(r['h' .. f])
      local used
      if expired then
        used = redis.call('HINCRBY', key, w .. ':used', int(cost - held))
      else
        redis.call('HINCRBY', key, w .. ':held', int(-held))
        used = redis.call('HINCRBY', key, w .. ':used', int(cost))
      end
      redis.call('PEXPIRE', key, OLD_WINDOW_MS)
      -- Alert thresholds crossed for the first time in this window (read only when the budget has some).
      local thresholds = r['x' .. f] or ''
      local crossed = nil
      if thresholds ~= '' then
        local amount = tonumber(r['m' .. f])
        local alerted = tonumber(redis.call('HGET', key, w .. ':alerted') or '0')
        for threshold in string.gmatch(thresholds, '[^,]+') do
          local t = tonumber(threshold)
          if t > alerted and used >= math.ceil(t * amount) then crossed = threshold end
        end
      end
      if crossed ~= nil then
        redis.call('HSET', key, w .. ':alerted', crossed)
        out[#out + 1] = s - 1
        out[#out + 1] = crossed
        out[#out + 1] = int(used)
        out[#out + 1] = w
      end
    end
  end
  redis.call('HSET', keys[2], 'status', 'settled')
  redis.call('PEXPIRE', keys[2], TOMBSTONE_MS)
  redis.call('ZREM', keys[1], id)
  return out
end

-- KEYS: resq  ARGV: ids... (their records are {tag}:res:<id>)
local function renew(keys, argv)
  local _, now_ms = clock()
  local prefix = string.sub(keys[1], 1, -5) .. 'res:'
  for _, id in ipairs(argv) do
    local rkey = prefix .. id
    local r = record_of(rkey)
    if r ~= nil and r.status == 'open' then renew_one(keys[1], rkey, id, r, now_ms) end
  end
  return 'ok'
end

-- KEYS: limit keys  ARGV: #specs, specs...   (reads only)
local function quota(keys, argv)
  local now_us, now_ms = clock()
  local specs = parse(keys, 1, argv, 2, tonumber(argv[1]))
  local out = {}
  for _, spec in ipairs(specs) do
    if spec.kind == 'r' then
      local tat = tonumber(redis.call('GET', spec.key) or '')
      local ahead = 0
      if tat ~= nil and tat > now_us then ahead = tat - now_us end
      local remaining, reset = rate_state(ahead, spec.burst * spec.interval, spec.interval)
      out[#out + 1] = remaining
      out[#out + 1] = reset
    elseif spec.kind == 'c' then
      local count = redis.call('ZCOUNT', spec.key, '(' .. int(now_ms), '+inf')
      local left = spec.max - count
      if left < 0 then left = 0 end
      out[#out + 1] = left
      out[#out + 1] = 0
    else
      local w = window_of(spec.bounds, now_ms)
      if w == -1 then
        out[#out + 1] = -1
        out[#out + 1] = -1
      else
        local used, held = budget_counters(spec.key, spec.bounds[w])
        local left = spec.amount - used - held
        if left < 0 then left = 0 end
        out[#out + 1] = left
        out[#out + 1] = math.ceil(spec.bounds[w + 1] - now_ms)
      end
    end
  end
  return out
end

redis.register_function('${FUNCTIONS.admit}', admit)
redis.register_function('${FUNCTIONS.meter}', meter)
redis.register_function('${FUNCTIONS.settle}', settle)
redis.register_function('${FUNCTIONS.renew}', renew)
redis.register_function{ function_name = '${FUNCTIONS.quota}', callback = quota, flags = { 'no-writes' } }
`;
