package dev.sseboot.sse.replay;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A {@link DeliveryTracker} in this node's memory. Bounded: the least recently used
 * entries go first, and entries expire.
 */
public final class InMemoryDeliveryTracker implements DeliveryTracker {

	private final int maxClients;

	private final long ttlNanos;

	private final LinkedHashMap<Key, Entry> entries;

	/**
	 * Creates a tracker.
	 * @param maxClients how many clients to remember
	 * @param ttl how long to remember a client after its last stream ended
	 */
	public InMemoryDeliveryTracker(int maxClients, Duration ttl) {
		this.maxClients = maxClients;
		this.ttlNanos = ttl.toNanos();
		this.entries = new LinkedHashMap<>(16, 0.75f, true) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<Key, InMemoryDeliveryTracker.Entry> eldest) {
				return size() > InMemoryDeliveryTracker.this.maxClients;
			}
		};
	}

	@Override
	public synchronized void record(String userId, String clientId, String lastEventId) {
		this.entries.put(new Key(userId, clientId), new Entry(lastEventId, System.nanoTime()));
	}

	@Override
	public synchronized @Nullable String lastEventId(String userId, String clientId) {
		Key key = new Key(userId, clientId);
		Entry entry = this.entries.get(key);
		if (entry == null) {
			return null;
		}
		if (System.nanoTime() - entry.recordedAtNanos() > this.ttlNanos) {
			this.entries.remove(key);
			return null;
		}
		return entry.lastEventId();
	}

	/**
	 * Returns the number of clients remembered.
	 * @return the number of clients
	 */
	public synchronized int size() {
		return this.entries.size();
	}

	private record Key(String userId, String clientId) {
	}

	private record Entry(String lastEventId, long recordedAtNanos) {
	}

}
