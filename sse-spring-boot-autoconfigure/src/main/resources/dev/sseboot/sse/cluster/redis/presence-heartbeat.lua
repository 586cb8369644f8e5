-- Records that the node is alive, forgets nodes silent for long with their streams,
-- and tells whether the node was unknown (first beat, or Redis lost it).
-- KEYS: the nodes, the streams, then the log's counter, stream and epoch.
-- ARGV: the hash tag, the node, the time in milliseconds, how long after its last beat a
-- node is forgotten.
-- Returns 1 when the node was unknown, else 0, then the changes of who is present that
-- forgetting made.
local tag, node, now, forgetAfter = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local result = {redis.call('HSET', KEYS[1], node, ARGV[3])}
local nodes = redis.call('HGETALL', KEYS[1])
for i = 1, #nodes, 2 do
	if now - tonumber(nodes[i + 1]) > forgetAfter then
		for _, id in ipairs(redis.call('SMEMBERS', tag .. 'node:' .. nodes[i])) do
			forget(KEYS[2], tag, nodes[i], id, result)
		end
		redis.call('HDEL', KEYS[1], nodes[i])
	end
end
return result
