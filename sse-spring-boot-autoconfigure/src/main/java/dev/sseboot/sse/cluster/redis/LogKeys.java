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
 * @param idempotentIds the id of the first event appended with each idempotency key,
 * {@code {prefix}idem}
 * @param idempotencyExpiries when each idempotency key expires, {@code {prefix}idem-exp}
 * @param latest the last event of each channel whose last event is kept, by channel,
 * {@code {prefix}latest}
 */
record LogKeys(String sequence, String log, String epoch, String revoked, String idempotentIds,
		String idempotencyExpiries, String latest) {

	static LogKeys of(String keyPrefix) {
		String tag = "{" + keyPrefix + "}";
		return new LogKeys(tag + "seq", tag + "log", tag + "epoch", tag + "revoked", tag + "idem", tag + "idem-exp",
				tag + "latest");
	}

	/**
	 * Returns the keys in the order the scripts take them.
	 * @return the keys
	 */
	List<String> all() {
		return List.of(this.sequence, this.log, this.epoch, this.revoked, this.idempotentIds,
				this.idempotencyExpiries, this.latest);
	}

}
