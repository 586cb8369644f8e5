package dev.sseboot.sse.cluster.redis;

/**
 * The keys of the presence, which share one hash tag so that a script can touch them all
 * on a Redis Cluster too.
 *
 * @param tag the hash tag, {@code {prefix}}, which the scripts make the keys of users and
 * nodes with
 * @param nodes when each node was last seen, {@code {prefix}nodes}
 * @param connections every stream, {@code {prefix}conns}
 */
record PresenceKeys(String tag, String nodes, String connections) {

	static PresenceKeys of(String keyPrefix) {
		String tag = "{" + keyPrefix + "}";
		return new PresenceKeys(tag, tag + "nodes", tag + "conns");
	}

	/** A user's streams, {@code {prefix}user:<user>}. */
	String user(String userId) {
		return this.tag + "user:" + userId;
	}

	/** A node's streams, {@code {prefix}node:<node>}. */
	String node(String nodeId) {
		return this.tag + "node:" + nodeId;
	}

}
