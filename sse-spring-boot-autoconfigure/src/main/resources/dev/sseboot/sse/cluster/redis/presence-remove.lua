-- Removes streams of a node, those given or, with none given, all of them.
-- KEYS: the streams.
-- ARGV: the hash tag, the node, the streams' ids.
-- Returns how many streams it removed.
local tag, node = ARGV[1], ARGV[2]
local ids = {}
for i = 3, #ARGV do
	table.insert(ids, ARGV[i])
end
if #ids == 0 then
	ids = redis.call('SMEMBERS', tag .. 'node:' .. node)
end
for _, id in ipairs(ids) do
	forget(KEYS[1], tag, node, id)
end
return #ids
