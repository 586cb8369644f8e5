-- Adds records, if the log is still of the epoch the node knows, numbered one after
-- another after the newest the log holds (should the counter have lost its value); a
-- revocation is also kept, until the token expires, for nodes that join later. A record
-- with an idempotency key seen within the window is not added: it gets the first one's id.
-- KEYS: the counter, the stream, the epoch, the revoked tokens, the ids by idempotency key
-- (a hash), the keys' expiries (a sorted set), the last event of each channel that keeps it
-- (a hash: a JSON array of the sequence, then the fields), all with one hash tag.
-- ARGV: the epoch the node knows, how many entries the stream keeps, the number of
-- records, the time in milliseconds (revocations and idempotency keys expired by then are
-- dropped), the idempotency window in milliseconds, the sequence through which the node has
-- read (a log behind it went back to an older copy: appending would give ids twice); then
-- each record as its idempotency key (or nothing), its revoked token id (or nothing), that
-- token's expiry, the channel whose last event it is (or nothing), the number of its fields
-- and the fields.
-- Returns, for each record, its sequence, or the id of the record first added with its key.
if redis.call('GET', KEYS[3]) ~= ARGV[1] then
	return redis.error_reply('SSE_EPOCH the log began another epoch')
end
local top = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)[1]
if top then
	local newest = tonumber(string.match(top[1], '^(%d+)'))
	if newest > tonumber(redis.call('GET', KEYS[1]) or '0') then
		redis.call('SET', KEYS[1], newest)
	end
end
if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[6]) then
	return redis.error_reply('SSE_EPOCH the log went back before what this node read')
end
local count = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local keyed = false
local revoked = false
local results = {}
local i = 7
for r = 1, count do
	local key = ARGV[i]
	local fields = tonumber(ARGV[i + 4])
	local earlier = false
	if key ~= '' then
		keyed = true
		local expiry = redis.call('ZSCORE', KEYS[6], key)
		if expiry and tonumber(expiry) > now then
			earlier = redis.call('HGET', KEYS[5], key)
		end
	end
	if earlier then
		-- A write all the same, so that a WAIT for replicas covers the first append.
		redis.call('HSET', KEYS[5], key, earlier)
		results[r] = earlier
	else
		if ARGV[i + 1] ~= '' then
			redis.call('ZADD', KEYS[4], ARGV[i + 2], ARGV[i + 1])
			revoked = true
		end
		local sequence = redis.call('INCR', KEYS[1])
		redis.call('XADD', KEYS[2], sequence .. '-0', 'e', ARGV[1], unpack(ARGV, i + 5, i + 4 + fields))
		if ARGV[i + 3] ~= '' then
			redis.call('HSET', KEYS[7], ARGV[i + 3],
				cjson.encode({tostring(sequence), unpack(ARGV, i + 5, i + 4 + fields)}))
		end
		if key ~= '' then
			redis.call('HSET', KEYS[5], key, ARGV[1] .. '-' .. sequence)
			redis.call('ZADD', KEYS[6], now + tonumber(ARGV[5]), key)
		end
		results[r] = sequence
	end
	i = i + 5 + fields
end
if revoked then
	redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ARGV[4])
end
if keyed then
	local expired = redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', now, 'LIMIT', 0, 256)
	if #expired > 0 then
		redis.call('HDEL', KEYS[5], unpack(expired))
		redis.call('ZREM', KEYS[6], unpack(expired))
	end
end
redis.call('XTRIM', KEYS[2], 'MAXLEN', '~', ARGV[2])
return results
