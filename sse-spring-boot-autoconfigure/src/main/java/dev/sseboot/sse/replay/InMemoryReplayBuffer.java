package dev.sseboot.sse.replay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import dev.sseboot.sse.SseEvent;

import org.springframework.util.Assert;

/**
 * A replay buffer in this node's memory, bounded by count, age and size. Lookup by id is
 * a skip-list seek, O(log n), never a scan from the oldest event.
 */
public final class InMemoryReplayBuffer implements ReplayBuffer {

	private final String epoch;

	private final int maxEvents;

	private final long ttlNanos;

	private final long maxBytes;

	private final ConcurrentSkipListMap<Long, Entry> events = new ConcurrentSkipListMap<>();

	private long bytes;

	/** Counted here: the skip list counts its entries one by one. Written under the lock. */
	private volatile int size;

	/** Sequence of the newest event evicted so far: resuming from below it is a gap. */
	private long evictedThrough;

	/**
	 * Creates a buffer.
	 * @param epoch the epoch of the ids it holds
	 * @param maxEvents how many events to keep
	 * @param ttl how long to keep an event
	 * @param maxBytes how many bytes of frames to keep
	 */
	public InMemoryReplayBuffer(String epoch, int maxEvents, Duration ttl, long maxBytes) {
		this(epoch, maxEvents, ttl.toNanos(), maxBytes, 0);
	}

	private InMemoryReplayBuffer(String epoch, int maxEvents, long ttlNanos, long maxBytes, long startsAfter) {
		Assert.isTrue(maxEvents > 0, "maxEvents must be positive");
		Assert.isTrue(maxBytes > 0, "maxBytes must be positive");
		this.epoch = epoch;
		this.maxEvents = maxEvents;
		this.ttlNanos = ttlNanos;
		this.maxBytes = maxBytes;
		this.evictedThrough = startsAfter;
	}

	@Override
	public InMemoryReplayBuffer restart(String epoch, long startsAfter) {
		return new InMemoryReplayBuffer(epoch, this.maxEvents, this.ttlNanos, this.maxBytes, startsAfter);
	}

	@Override
	public synchronized boolean holdsAllAfter(EventId lastEventId) {
		evict();
		return lastEventId.sequence() >= this.evictedThrough;
	}

	@Override
	public String epoch() {
		return this.epoch;
	}

	@Override
	public synchronized void append(SseEvent event, byte[] frame) {
		EventId id = EventId.parse(event.id());
		Assert.isTrue(id != null && id.epoch().equals(this.epoch), () -> "Event id " + event.id() + " is not of epoch " + this.epoch);
		this.events.put(id.sequence(), new Entry(new BufferedEvent(event, frame), System.nanoTime()));
		this.size++;
		this.bytes += frame.length;
		evict();
	}

	@Override
	public synchronized Replay after(EventId lastEventId) {
		Assert.isTrue(lastEventId.epoch().equals(this.epoch), "lastEventId must be of this buffer's epoch");
		evict();
		ResumeStatus status = (lastEventId.sequence() < this.evictedThrough) ? ResumeStatus.GAP
				: ResumeStatus.RECOVERED;
		Map<Long, Entry> missed = this.events.tailMap(lastEventId.sequence(), false);
		List<BufferedEvent> replayed = new ArrayList<>(missed.size());
		for (Entry entry : missed.values()) {
			replayed.add(entry.event());
		}
		return new Replay(status, replayed);
	}

	@Override
	public int size() {
		return this.size;
	}

	/**
	 * Returns the number of frame bytes kept.
	 * @return the number of bytes
	 */
	@Override
	public synchronized long bytes() {
		return this.bytes;
	}

	private void evict() {
		long now = System.nanoTime();
		while (!this.events.isEmpty()) {
			Map.Entry<Long, Entry> oldest = this.events.firstEntry();
			boolean expired = now - oldest.getValue().appendedAtNanos() > this.ttlNanos;
			if (!expired && this.size <= this.maxEvents && this.bytes <= this.maxBytes) {
				return;
			}
			this.events.pollFirstEntry();
			this.size--;
			this.bytes -= oldest.getValue().event().frame().length;
			this.evictedThrough = oldest.getKey();
		}
	}

	private record Entry(BufferedEvent event, long appendedAtNanos) {
	}

}
