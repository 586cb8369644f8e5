-- Returns a user's streams on live nodes, id and value in turn.
-- KEYS: the nodes, the streams, the user's streams.
-- ARGV: the time in milliseconds, the node timeout.
local live = liveNodes(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
local result = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[3])) do
	local value = redis.call('HGET', KEYS[2], id)
	if value and live[fields(value)] then
		table.insert(result, id)
		table.insert(result, value)
	end
end
return result
