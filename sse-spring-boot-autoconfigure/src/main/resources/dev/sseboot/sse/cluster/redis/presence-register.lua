-- Registers streams without limits, as when a node registers its streams again.
-- KEYS: the streams.
-- ARGV: the hash tag, the node, then each stream's id, user and value.
local tag, node = ARGV[1], ARGV[2]
for i = 3, #ARGV, 3 do
	redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
	redis.call('SADD', tag .. 'user:' .. ARGV[i + 1], ARGV[i])
	redis.call('SADD', tag .. 'node:' .. node, ARGV[i])
end
return 1
