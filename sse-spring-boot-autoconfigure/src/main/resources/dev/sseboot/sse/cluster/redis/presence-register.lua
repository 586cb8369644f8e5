-- Registers streams without limits, as when a node registers its streams again; those
-- the presence holds already stay as they are.
-- KEYS: the streams, then the log's counter, stream and epoch.
-- ARGV: the hash tag, the node, then each stream's id and value.
-- Returns the changes of who is present.
local tag, node = ARGV[1], ARGV[2]
local changes = {}
for i = 3, #ARGV, 2 do
	add(KEYS[1], tag, node, ARGV[i], ARGV[i + 1], changes)
end
return changes
