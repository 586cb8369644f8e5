package dev.sseboot.sse.broker;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * The ids of a node's sends by their idempotency keys, for the idempotency window: a send
 * with a key seen within it returns the first send's id and sends nothing. The check and
 * the send are one step per key, so that two threads sending with one key send once. In
 * cluster mode the log's store keeps them instead, in the script that appends.
 */
final class IdempotentSends {

	private final long windowNanos;

	private final Map<String, Sent> sent = new ConcurrentHashMap<>();

	/** The keys in the order they were sent, so that the expired ones go first. */
	private final Queue<Sent> byAge = new ConcurrentLinkedQueue<>();

	IdempotentSends(Duration window) {
		this.windowNanos = window.toNanos();
	}

	/**
	 * Sends, unless a send with the key was made within the window.
	 * @param key the idempotency key
	 * @param send what sends and returns the event's id
	 * @return the id of this send, or of the first with the key
	 */
	String send(String key, Supplier<String> send) {
		long now = System.nanoTime();
		forgetExpired(now);
		Sent[] made = new Sent[1];
		Sent result = this.sent.compute(key, (ignored, earlier) -> {
			if (earlier != null && now - earlier.expiresAtNanos() < 0) {
				return earlier;
			}
			made[0] = new Sent(key, send.get(), now + this.windowNanos);
			return made[0];
		});
		if (made[0] != null) {
			this.byAge.add(made[0]);
		}
		return result.id();
	}

	private void forgetExpired(long now) {
		for (Sent oldest; (oldest = this.byAge.peek()) != null && now - oldest.expiresAtNanos() >= 0;) {
			if (this.byAge.remove(oldest)) {
				this.sent.remove(oldest.key(), oldest);
			}
		}
	}

	/**
	 * Returns how many keys are remembered.
	 * @return the number of keys
	 */
	int size() {
		return this.sent.size();
	}

	private record Sent(String key, String id, long expiresAtNanos) {
	}

}
