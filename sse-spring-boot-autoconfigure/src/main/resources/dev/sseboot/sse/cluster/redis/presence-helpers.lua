-- Lua helpers the presence scripts start with: the live nodes, a stream's fields, and
-- adding and forgetting a stream. A stream's value is <node> <connected> <ends> <channels>
-- <user>, tab-separated. A user's streams on each channel are counted in
-- {prefix}uch:<user>, so that adding or forgetting a stream tells whether its user came
-- online, joined or left a channel, or went offline, without reading their other streams:
-- each such change goes into a list as three entries (kind, user, channel or '').
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
local function userAndChannels(value)
	local channels, user = value:match('^[^\t]*\t[^\t]*\t[^\t]*\t([^\t]*)\t(.*)$')
	return user, channels
end
local function change(changes, kind, user, channel)
	table.insert(changes, kind)
	table.insert(changes, user)
	table.insert(changes, channel)
end
local function add(connsKey, tag, node, id, value, changes)
	if redis.call('HSETNX', connsKey, id, value) == 0 then
		return
	end
	local user, channels = userAndChannels(value)
	local userKey = tag .. 'user:' .. user
	redis.call('SADD', userKey, id)
	if redis.call('SCARD', userKey) == 1 then
		change(changes, 'online', user, '')
	end
	for channel in string.gmatch(channels, '[^,]+') do
		if redis.call('HINCRBY', tag .. 'uch:' .. user, channel, 1) == 1 then
			change(changes, 'joined', user, channel)
		end
	end
	redis.call('SADD', tag .. 'node:' .. node, id)
end
local function forget(connsKey, tag, node, id, changes)
	local value = redis.call('HGET', connsKey, id)
	if value then
		local user, channels = userAndChannels(value)
		local userKey = tag .. 'user:' .. user
		redis.call('SREM', userKey, id)
		redis.call('HDEL', connsKey, id)
		local counts = tag .. 'uch:' .. user
		for channel in string.gmatch(channels, '[^,]+') do
			if redis.call('HINCRBY', counts, channel, -1) <= 0 then
				redis.call('HDEL', counts, channel)
				change(changes, 'left', user, channel)
			end
		end
		if redis.call('SCARD', userKey) == 0 then
			change(changes, 'offline', user, '')
		end
	end
	redis.call('SREM', tag .. 'node:' .. node, id)
end
