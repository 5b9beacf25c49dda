/**
 * The Lua scripts of the Streams bus. Each runs atomically in Redis, so an epoch, a sequence
 * number and the entry they describe can never disagree.
 */

/**
 * Publish: KEYS = stream, meta; ARGV = candidate epoch, data, maxLength ('' = none),
 * maxAgeMs ('' = none). Creates the epoch if the channel has none (SET NX semantics), takes
 * the next sequence number, appends the entry (trimming by length with `MAXLEN ~`, then by age
 * with `MINID ~`). Returns `{epoch, n, id}`.
 */
export const publishScript = `
redis.call('HSETNX', KEYS[2], 'epoch', ARGV[1])
local epoch = redis.call('HGET', KEYS[2], 'epoch')
local n = redis.call('HINCRBY', KEYS[2], 'n', 1)
local id
if ARGV[3] ~= '' then
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', 'e', epoch, 'n', n, 'd', ARGV[2])
else
  id = redis.call('XADD', KEYS[1], '*', 'e', epoch, 'n', n, 'd', ARGV[2])
end
if ARGV[4] ~= '' then
  local now = redis.call('TIME')
  local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[4])
  if oldest > 0 then redis.call('XTRIM', KEYS[1], 'MINID', '~', string.format('%d', oldest)) end
end
return {epoch, n, id}
`;

/**
 * Join: KEYS = stream, meta; ARGV = candidate epoch. Where a new reader of the channel starts:
 * its epoch (created if missing, so that a later loss of the history shows as a new epoch),
 * its last sequence number and the id of its last entry. Returns `{epoch, n, id}`.
 */
export const joinScript = `
redis.call('HSETNX', KEYS[2], 'epoch', ARGV[1])
local meta = redis.call('HMGET', KEYS[2], 'epoch', 'n')
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local id = '0-0'
if last[1] then id = last[1][1] end
return {meta[1], tonumber(meta[2] or '0'), id}
`;
