-- Checks the limits, makes room by evicting the user's oldest streams if asked, and
-- registers the stream.
-- KEYS: the nodes, the streams, the user's streams, the node's streams, then the log's
-- counter, stream and epoch.
-- ARGV: the hash tag, the node, the stream's id and value, the time in milliseconds, the
-- node timeout, the limits per user and in total (0: none), '1' to evict.
-- Returns {'total'}, {'user', when the user's first stream ends} or {'ok', how many
-- streams were evicted, their ids..., the changes of who is present...}.
local tag, node, id, value = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local now, timeout = tonumber(ARGV[5]), tonumber(ARGV[6])
local maxPerUser, maxTotal, evict = tonumber(ARGV[7]), tonumber(ARGV[8]), ARGV[9] == '1'
local live = liveNodes(KEYS[1], now, timeout)
live[node] = true
if maxTotal > 0 then
	local total = 0
	for liveNode in pairs(live) do
		total = total + redis.call('SCARD', tag .. 'node:' .. liveNode)
	end
	if total >= maxTotal then
		return {'total'}
	end
end
local evicted = {}
if maxPerUser > 0 then
	local streams = {}
	for _, other in ipairs(redis.call('SMEMBERS', KEYS[3])) do
		local otherValue = redis.call('HGET', KEYS[2], other)
		if not otherValue then
			redis.call('SREM', KEYS[3], other)
		else
			local otherNode, connected, ends = fields(otherValue)
			if live[otherNode] then
				table.insert(streams, {other, tonumber(connected), tonumber(ends), otherNode})
			end
		end
	end
	local excess = #streams - maxPerUser + 1
	if excess > 0 then
		if not evict then
			local first = streams[1][3]
			for _, stream in ipairs(streams) do
				first = math.min(first, stream[3])
			end
			return {'user', string.format('%.0f', first)}
		end
		table.sort(streams, function(x, y) return x[2] < y[2] end)
		for i = 1, excess do
			table.insert(evicted, streams[i])
		end
	end
end
local result = {'ok', #evicted}
-- Added before the evicted go: a user whose stream replaces another stays online.
local changes = {}
add(KEYS[2], tag, node, id, value, changes)
for _, stream in ipairs(evicted) do
	forget(KEYS[2], tag, stream[4], stream[1], changes)
	table.insert(result, stream[1])
end
for _, entry in ipairs(changes) do
	table.insert(result, entry)
end
return result
