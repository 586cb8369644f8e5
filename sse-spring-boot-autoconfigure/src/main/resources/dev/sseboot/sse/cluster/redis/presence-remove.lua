-- Removes streams of a node: those given ('only'), or all but those given ('except').
-- KEYS: the streams, then the log's counter, stream and epoch.
-- ARGV: the hash tag, the node, 'only' or 'except', the streams' ids.
-- Returns the changes of who is present.
local tag, node, only = ARGV[1], ARGV[2], ARGV[3] == 'only'
local changes = {}
if only then
	for i = 4, #ARGV do
		forget(KEYS[1], tag, node, ARGV[i], changes)
	end
else
	local kept = {}
	for i = 4, #ARGV do
		kept[ARGV[i]] = true
	end
	for _, id in ipairs(redis.call('SMEMBERS', tag .. 'node:' .. node)) do
		if not kept[id] then
			forget(KEYS[1], tag, node, id, changes)
		end
	end
end
return changes
