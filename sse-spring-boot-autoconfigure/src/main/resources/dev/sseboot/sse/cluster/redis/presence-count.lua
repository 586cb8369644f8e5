-- Counts the streams of live nodes.
-- KEYS: the nodes.
-- ARGV: the hash tag, the time in milliseconds, the node timeout.
local total = 0
for node in pairs(liveNodes(KEYS[1], tonumber(ARGV[2]), tonumber(ARGV[3]))) do
	total = total + redis.call('SCARD', ARGV[1] .. 'node:' .. node)
end
return total
