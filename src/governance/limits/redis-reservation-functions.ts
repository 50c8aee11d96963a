/**
 * The Lua of the functions that act on an admitted reservation (`sy_meter_v1`, `sy_settle_v1`, `sy_renew_v1`)
 * and of the read-only `sy_quota_v1`: part of the library assembled in `redis-functions.ts`, whose helpers
 * (`int`, `clock`, `parse`, `set_tat`, ...) they use.
 */
export const RESERVATION_FUNCTIONS_LUA = `local function record_of(rkey)
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
`;
