-- Adds records, if the log is still of the epoch the node knows, numbered one after
-- another after the newest the log holds (should the counter have lost its value); a
-- revocation is also kept, until the token expires, for nodes that join later.
-- KEYS: the counter, the stream, the epoch, the revoked tokens (one hash tag).
-- ARGV: the epoch the node knows, how many entries the stream keeps, the number of
-- records, the time in milliseconds (revocations expired by then are dropped); then each
-- record as its revoked token id (or nothing), that token's expiry, the number of its
-- fields and the fields.
-- Returns the last record's sequence.
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
local count = tonumber(ARGV[3])
local last = redis.call('INCRBY', KEYS[1], count)
local sequence = last - count
local revoked = false
local i = 5
for _ = 1, count do
	if ARGV[i] ~= '' then
		redis.call('ZADD', KEYS[4], ARGV[i + 1], ARGV[i])
		revoked = true
	end
	local fields = tonumber(ARGV[i + 2])
	sequence = sequence + 1
	redis.call('XADD', KEYS[2], sequence .. '-0', 'e', ARGV[1], unpack(ARGV, i + 3, i + 2 + fields))
	i = i + 3 + fields
end
if revoked then
	redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ARGV[4])
end
redis.call('XTRIM', KEYS[2], 'MAXLEN', '~', ARGV[2])
return last
