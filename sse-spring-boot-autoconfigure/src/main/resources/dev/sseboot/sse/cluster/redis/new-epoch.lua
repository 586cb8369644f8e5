-- Begins a new epoch, empty, unless another node began one already: the epoch key is
-- still the one the node saw (or missing, as it was).
-- KEYS: the counter, the stream, the epoch, then the other keys of the log: the kept last
-- events (the seventh) are of the old epoch too.
-- ARGV: the epoch the node saw (empty when there was none), the new epoch.
-- Returns the epoch the log now has.
local current = redis.call('GET', KEYS[3])
if (current or '') == ARGV[1] then
	redis.call('DEL', KEYS[1], KEYS[2], KEYS[7])
	redis.call('SET', KEYS[3], ARGV[2])
	return ARGV[2]
end
return current
