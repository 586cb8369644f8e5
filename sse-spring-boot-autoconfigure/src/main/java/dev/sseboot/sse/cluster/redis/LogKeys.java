package dev.sseboot.sse.cluster.redis;

import java.util.List;

/**
 * The keys of the log, which share one hash tag so that a script can touch them all on a
 * Redis Cluster too.
 *
 * @param sequence the counter, {@code {prefix}seq}
 * @param log the stream, {@code {prefix}log}
 * @param epoch the epoch, {@code {prefix}epoch}
 * @param revoked the revoked tokens, until they expire, {@code {prefix}revoked}
 */
record LogKeys(String sequence, String log, String epoch, String revoked) {

	static LogKeys of(String keyPrefix) {
		String tag = "{" + keyPrefix + "}";
		return new LogKeys(tag + "seq", tag + "log", tag + "epoch", tag + "revoked");
	}

	/**
	 * Returns the keys in the order the scripts take them.
	 * @return the keys
	 */
	List<String> all() {
		return List.of(this.sequence, this.log, this.epoch, this.revoked);
	}

}
