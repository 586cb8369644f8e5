-- Lua helpers the presence scripts start with: the live nodes, a stream's fields, and
-- forgetting a stream. A stream's value is <node> <connected> <ends> <channels> <user>,
-- tab-separated.
local function liveNodes(nodesKey, now, timeout)
	local live = {}
	local nodes = redis.call('HGETALL', nodesKey)
	for i = 1, #nodes, 2 do
		if now - tonumber(nodes[i + 1]) <= timeout then
			live[nodes[i]] = true
		end
	end
	return live
end
local function fields(value)
	return value:match('^([^\t]*)\t([^\t]*)\t([^\t]*)\t')
end
local function forget(connsKey, tag, node, id)
	local value = redis.call('HGET', connsKey, id)
	if value then
		local user = value:match('^[^\t]*\t[^\t]*\t[^\t]*\t[^\t]*\t(.*)$')
		redis.call('SREM', tag .. 'user:' .. user, id)
		redis.call('HDEL', connsKey, id)
	end
	redis.call('SREM', tag .. 'node:' .. node, id)
end
