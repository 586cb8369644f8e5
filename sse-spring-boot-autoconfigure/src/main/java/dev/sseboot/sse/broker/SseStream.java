package dev.sseboot.sse.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntConsumer;

import dev.sseboot.sse.SseConnection;
import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.cluster.ClusterPresence;
import org.jspecify.annotations.Nullable;

/**
 * One open stream: who it belongs to, what it is subscribed to, and the bounded queue of
 * frames waiting for its writer. Publishers only ever append to the queue, so a slow
 * client never blocks them; a full queue tells the broker to close the stream.
 */
public final class SseStream {

	/** What became of a frame offered to the stream. */
	enum Offer {

		/** Queued; a writer is already on its way. */
		QUEUED,

		/** Queued; the caller must schedule a writer. */
		SCHEDULE,

		/** Not queued: the queue is full. */
		OVERFLOW,

		/** Not queued: the stream is closing. */
		CLOSED

	}

	private final String id;

	private final SsePrincipal principal;

	private final Set<String> channels;

	private final Instant connectedAt;

	private final long closeAtNanos;

	private final StreamOutput output;

	private final int capacity;

	private final @Nullable String clientId;

	private final @Nullable String remoteAddress;

	private final ArrayDeque<Frame> queue = new ArrayDeque<>();

	private boolean drainScheduled;

	private boolean closing;

	private boolean completed;

	/** The writer must abort the connection rather than write on: the client is slow or gone. */
	private boolean dropRequested;

	/** What a dropped stream's writer sends first if the connection takes it at once. */
	private @Nullable Frame dropFrame;

	private long closingSinceNanos;

	/** The output became writable since the writer last looked. */
	private boolean writableSignal;

	private volatile long lastActivityNanos = System.nanoTime();

	/**
	 * When the sweeper next asks whether the client closed the connection. Touched by the
	 * sweeper thread only, so not guarded.
	 */
	private long nextCloseCheckNanos;

	private volatile boolean expiryWarned;

	private final boolean channelPrefix;

	private volatile @Nullable String lastWrittenEventId;

	/** Sequence through which the stream gets no live events; guarded by the publishing lock. */
	private long skipThrough;

	SseStream(String id, StreamRequest request, long closeAtNanos, StreamOutput output, int capacity) {
		this.id = id;
		this.principal = request.principal();
		this.channels = request.channels();
		this.clientId = request.clientId();
		this.remoteAddress = request.remoteAddress();
		this.channelPrefix = request.channelPrefix();
		this.connectedAt = Instant.now();
		this.closeAtNanos = closeAtNanos;
		this.output = output;
		this.capacity = capacity;
	}

	/**
	 * Returns the connection id.
	 * @return the connection id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Returns the principal the stream was opened under.
	 * @return the principal
	 */
	public SsePrincipal principal() {
		return this.principal;
	}

	/**
	 * Returns the channels the stream is subscribed to.
	 * @return the channels
	 */
	public Set<String> channels() {
		return this.channels;
	}

	/**
	 * Returns whether events sent to a channel are named {@code <channel> <event>} on this
	 * stream.
	 * @return whether event names carry their channel
	 */
	public boolean channelPrefix() {
		return this.channelPrefix;
	}

	/**
	 * Returns the client's own stable id, if it sent one.
	 * @return the client id, or {@code null}
	 */
	public @Nullable String clientId() {
		return this.clientId;
	}

	/**
	 * Returns the id of the last event written to the client (or, before any write, the
	 * id the stream resumed after).
	 * @return the id, or {@code null}
	 */
	public @Nullable String lastWrittenEventId() {
		return this.lastWrittenEventId;
	}

	long skipThrough() {
		return this.skipThrough;
	}

	void skipThrough(long sequence) {
		this.skipThrough = sequence;
	}

	void resumedAfter(@Nullable String eventId) {
		this.lastWrittenEventId = eventId;
	}

	void written(Batch batch) {
		if (batch.lastEventId() != null) {
			this.lastWrittenEventId = batch.lastEventId();
		}
	}

	/**
	 * Returns when the stream opened.
	 * @return the time
	 */
	public Instant connectedAt() {
		return this.connectedAt;
	}

	/**
	 * Returns the client's address as the server saw it.
	 * @return the address, or {@code null} if not known
	 */
	public @Nullable String remoteAddress() {
		return this.remoteAddress;
	}

	SseConnection describe() {
		return new SseConnection(this.id, this.principal.userId(), this.channels, this.connectedAt);
	}

	long closeAtNanos() {
		return this.closeAtNanos;
	}

	/**
	 * Returns when the stream is due to end, by its lifetime or its token's expiry.
	 * @param now the time, from {@link System#nanoTime()}
	 * @param wallClock the time, on the wall clock
	 * @return the end, in {@link System#nanoTime()} terms
	 */
	long endNanos(long now, Instant wallClock) {
		Instant expiresAt = this.principal.expiresAt();
		if (expiresAt == null) {
			return this.closeAtNanos;
		}
		long untilExpiry = Duration.between(wallClock, expiresAt).toNanos();
		return (now + untilExpiry - this.closeAtNanos < 0) ? now + untilExpiry : this.closeAtNanos;
	}

	/**
	 * Returns the stream as the presence knows it.
	 * @return the presence's entry
	 */
	ClusterPresence.Connection presenceEntry() {
		long now = System.nanoTime();
		Instant wallClock = Instant.now();
		return new ClusterPresence.Connection(this.id, this.principal.userId(), this.channels, this.connectedAt,
				wallClock.plusNanos(endNanos(now, wallClock) - now));
	}

	long lastActivityNanos() {
		return this.lastActivityNanos;
	}

	/**
	 * Returns whether the stream's connection is due for a check, and if so, when the
	 * next one is due. Called by the sweeper only.
	 * @param now the time, from {@link System#nanoTime()}
	 * @param intervalNanos the time between checks
	 * @return whether a check is due now
	 */
	boolean closeCheckDue(long now, long intervalNanos) {
		if (this.nextCloseCheckNanos == 0) {
			// The first check at a random point of the interval, so that streams opened
			// together do not all come due in the same sweep.
			this.nextCloseCheckNanos = now + ThreadLocalRandom.current().nextLong(intervalNanos);
			return false;
		}
		if (now - this.nextCloseCheckNanos < 0) {
			return false;
		}
		this.nextCloseCheckNanos = now + intervalNanos;
		return true;
	}

	boolean expiryWarned() {
		return this.expiryWarned;
	}

	void markExpiryWarned() {
		this.expiryWarned = true;
	}

	StreamOutput output() {
		return this.output;
	}

	/**
	 * Queues a frame.
	 * @param frame the frame
	 * @param now the time, from {@link System#nanoTime()}, read once per publish
	 * @return what became of the frame
	 */
	synchronized Offer offer(Frame frame, long now) {
		if (this.closing) {
			return Offer.CLOSED;
		}
		if (this.queue.size() >= this.capacity) {
			return Offer.OVERFLOW;
		}
		this.queue.add(frame);
		this.lastActivityNanos = now;
		return scheduleDrain();
	}

	/**
	 * Queues the last frame and refuses any after it.
	 * @param closeFrame the frame that announces the close
	 * @return {@link Offer#SCHEDULE} if the caller must schedule a writer
	 */
	synchronized Offer close(Frame closeFrame) {
		if (this.closing) {
			return Offer.CLOSED;
		}
		this.closing = true;
		this.closingSinceNanos = System.nanoTime();
		this.queue.add(closeFrame);
		return scheduleDrain();
	}

	/**
	 * Ends the stream without waiting for what is queued: the writer aborts the
	 * connection instead. For a client that stopped reading or went away; it replays what
	 * it missed when it reconnects.
	 * @param lastFrame a frame the writer sends before the abort if the connection takes
	 * it without waiting, or {@code null}
	 * @return {@link Offer#SCHEDULE} if the caller must schedule a writer,
	 * {@link Offer#CLOSED} if the stream has ended or is being dropped already
	 */
	synchronized Offer drop(@Nullable Frame lastFrame) {
		return drop(lastFrame, (events) -> {
		});
	}

	/**
	 * Ends the stream as {@link #drop(Frame)} does, telling how many queued events it
	 * cleared.
	 * @param lastFrame a frame to send before the abort if the connection takes it at once,
	 * or {@code null}
	 * @param onDiscarded told the number of events cleared unwritten, if any
	 * @return what {@link #drop(Frame)} returns
	 */
	synchronized Offer drop(@Nullable Frame lastFrame, IntConsumer onDiscarded) {
		if (this.completed || this.dropRequested) {
			return Offer.CLOSED;
		}
		if (!this.closing) {
			this.closing = true;
			this.closingSinceNanos = System.nanoTime();
		}
		this.dropRequested = true;
		this.dropFrame = lastFrame;
		discardQueue(onDiscarded);
		return scheduleDrain();
	}

	/**
	 * Returns whether the stream was dropped and its writer must abort the connection.
	 * @return whether a drop is pending
	 */
	synchronized boolean isDropRequested() {
		return this.dropRequested && !this.completed;
	}

	/**
	 * Drops everything queued after the container ended the response.
	 * @return whether the stream was still live
	 */
	synchronized boolean abandon() {
		return abandon((events) -> {
		});
	}

	/**
	 * Drops everything queued after the container ended the response, telling how many
	 * events it cleared.
	 * @param onDiscarded told the number of events cleared unwritten, if any
	 * @return whether the stream was still live
	 */
	synchronized boolean abandon(IntConsumer onDiscarded) {
		boolean live = !this.completed;
		this.closing = true;
		this.completed = true;
		discardQueue(onDiscarded);
		return live;
	}

	/** Clears the queue and tells how many events it held, under this stream's lock. */
	private void discardQueue(IntConsumer onDiscarded) {
		int events = 0;
		for (Frame frame : this.queue) {
			events += frame.events();
		}
		this.queue.clear();
		if (events > 0) {
			onDiscarded.accept(events);
		}
	}

	/**
	 * Notes that the output can take more.
	 * @return whether the caller must schedule a writer
	 */
	synchronized boolean signalWritable() {
		this.writableSignal = true;
		if (this.drainScheduled || this.completed) {
			return false;
		}
		this.drainScheduled = true;
		return true;
	}

	synchronized void clearWritableSignal() {
		this.writableSignal = false;
	}

	/**
	 * Lets the writer leave a stream whose output is full, unless it became writable in
	 * the meantime.
	 * @return whether the writer must leave; the output's callback brings it back
	 */
	synchronized boolean park() {
		// A dropped stream needs its writer, writable or not.
		if (this.writableSignal || this.dropRequested) {
			this.writableSignal = false;
			return false;
		}
		this.drainScheduled = false;
		return true;
	}

	synchronized boolean isCompleted() {
		return this.completed;
	}

	synchronized long closingSinceNanos() {
		return this.closingSinceNanos;
	}

	private Offer scheduleDrain() {
		if (this.drainScheduled) {
			return Offer.QUEUED;
		}
		this.drainScheduled = true;
		return Offer.SCHEDULE;
	}

	/**
	 * Takes the next frames to write, coalesced into one buffer.
	 * @param maxBytes how many bytes to take at most, unless one frame is larger
	 * @return the batch, one marked {@link Batch#dropped()} when the writer must abort the
	 * connection after it, or {@code null} when there is nothing to do and the writer may
	 * stop
	 */
	synchronized @Nullable Batch nextBatch(int maxBytes) {
		if (this.completed) {
			this.drainScheduled = false;
			return null;
		}
		if (this.dropRequested) {
			this.completed = true;
			return new Batch((this.dropFrame != null) ? this.dropFrame.bytes() : new byte[0], true, null, true, 0, 0);
		}
		if (this.queue.isEmpty()) {
			this.drainScheduled = false;
			return null;
		}
		Frame first = this.queue.poll();
		byte[] frames = first.bytes();
		String lastEventId = first.lastEventId();
		int events = first.events();
		long publishedNanos = first.publishedNanos();
		if (!this.queue.isEmpty() && frames.length < maxBytes) {
			int total = frames.length;
			int count = 1;
			for (Frame next : this.queue) {
				if (total + next.bytes().length > maxBytes) {
					break;
				}
				total += next.bytes().length;
				count++;
			}
			frames = new byte[total];
			System.arraycopy(first.bytes(), 0, frames, 0, first.bytes().length);
			int position = first.bytes().length;
			for (int i = 1; i < count; i++) {
				Frame next = this.queue.poll();
				System.arraycopy(next.bytes(), 0, frames, position, next.bytes().length);
				position += next.bytes().length;
				if (next.lastEventId() != null) {
					lastEventId = next.lastEventId();
				}
				events += next.events();
				if (publishedNanos == 0) {
					publishedNanos = next.publishedNanos();
				}
			}
		}
		boolean last = this.closing && this.queue.isEmpty();
		if (last) {
			this.completed = true;
		}
		return new Batch(frames, last, lastEventId, false, events, publishedNanos);
	}

	@Override
	public String toString() {
		// No user id: it goes in the MDC, where the application allows it.
		return "SseStream[" + this.id + "]";
	}

	/**
	 * Frames to write in one go.
	 * @param frames the coalesced frames
	 * @param last whether the response ends after them
	 * @param lastEventId the id of the last event among them, or {@code null}
	 * @param dropped whether the connection is aborted after them; they are then sent
	 * only if the connection takes them without waiting
	 * @param events how many of the application's events they hold
	 * @param publishedNanos when the oldest live event among them was published, 0 if none
	 */
	record Batch(byte[] frames, boolean last, @Nullable String lastEventId, boolean dropped, int events,
			long publishedNanos) {
	}

}
