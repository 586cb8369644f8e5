-- Lua helpers the presence scripts start with: the live nodes, a stream's fields, and
-- adding and forgetting a stream. A stream's value is <node> <connected> <ends> <channels>
-- <announced channels> <user>, tab-separated. A user's streams on each channel are counted
-- in {prefix}uch:<user>, so that adding or forgetting a stream tells whether its user came
-- online or went offline, and joined or left a channel, without reading their other
-- streams. Coming online and going offline go into a list for the node, as two entries
-- (kind, user); joining and leaving a channel whose subscribers are told is appended to
-- the cluster's log as an sse-join or sse-leave event, in the same step, so that every node
-- delivers it in the log's order. The scripts pass the log's keys (counter, stream, epoch)
-- as their last three keys.
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
	local channels, announced, user = value:match('^[^\t]*\t[^\t]*\t[^\t]*\t([^\t]*)\t([^\t]*)\t(.*)$')
	if not user then
		-- Written by a node of the version before announced channels: it announces none.
		channels, user = value:match('^[^\t]*\t[^\t]*\t[^\t]*\t([^\t]*)\t(.*)$')
		announced = ''
	end
	local told = {}
	for channel in string.gmatch(announced, '[^,]+') do
		told[channel] = true
	end
	return user, channels, told
end
local function change(changes, kind, user)
	table.insert(changes, kind)
	table.insert(changes, user)
end
-- Appends an event for the channel's subscribers to the log, as append.lua writes events
-- (fields e, n, d, t, c); nothing while the log has no epoch.
local function announce(name, user, channel)
	local seqKey, logKey, epochKey = KEYS[#KEYS - 2], KEYS[#KEYS - 1], KEYS[#KEYS]
	local epoch = redis.call('GET', epochKey)
	if not epoch then
		return
	end
	local time = redis.call('TIME')
	local millis = string.format('%.0f', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000))
	local data = '{"userId":' .. cjson.encode(user) .. ',"channel":' .. cjson.encode(channel) .. '}'
	local sequence = redis.call('INCR', seqKey)
	local top = redis.call('XREVRANGE', logKey, '+', '-', 'COUNT', 1)[1]
	if top and tonumber(string.match(top[1], '^(%d+)')) >= sequence then
		-- The counter lost its value: go on after the newest entry, as append.lua does.
		sequence = tonumber(string.match(top[1], '^(%d+)')) + 1
		redis.call('SET', seqKey, sequence)
	end
	redis.call('XADD', logKey, sequence .. '-0', 'e', epoch, 'n', name, 'd', data, 't', millis, 'c', channel)
end
local function add(connsKey, tag, node, id, value, changes)
	if redis.call('HSETNX', connsKey, id, value) == 0 then
		return
	end
	local user, channels, told = userAndChannels(value)
	local userKey = tag .. 'user:' .. user
	redis.call('SADD', userKey, id)
	if redis.call('SCARD', userKey) == 1 then
		change(changes, 'online', user)
	end
	for channel in string.gmatch(channels, '[^,]+') do
		if redis.call('HINCRBY', tag .. 'uch:' .. user, channel, 1) == 1 and told[channel] then
			announce('sse-join', user, channel)
		end
	end
	redis.call('SADD', tag .. 'node:' .. node, id)
end
local function forget(connsKey, tag, node, id, changes)
	local value = redis.call('HGET', connsKey, id)
	if value then
		local user, channels, told = userAndChannels(value)
		local userKey = tag .. 'user:' .. user
		redis.call('SREM', userKey, id)
		redis.call('HDEL', connsKey, id)
		local counts = tag .. 'uch:' .. user
		for channel in string.gmatch(channels, '[^,]+') do
			if redis.call('HINCRBY', counts, channel, -1) <= 0 then
				redis.call('HDEL', counts, channel)
				if told[channel] then
					announce('sse-leave', user, channel)
				end
			end
		end
		if redis.call('SCARD', userKey) == 0 then
			change(changes, 'offline', user)
		end
	end
	redis.call('SREM', tag .. 'node:' .. node, id)
end
