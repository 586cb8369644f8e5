package dev.sseboot.sse.broker;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import dev.sseboot.sse.SseEvent;
import dev.sseboot.sse.cluster.ClusterPresence;
import dev.sseboot.sse.replay.DeliveryTracker;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Ends streams, whatever ends them: the server closing one with a reason (its client gets
 * {@code sse-close} first), dropping a slow or gone client's connection, the container
 * ending the response, or a failed write. Each stream leaves the registry and the
 * presence once, is counted once by the first reason, and is tracked until its response
 * has ended.
 */
final class StreamCloser {

	private static final Log logger = LogFactory.getLog(NodeBroker.class);

	/** How long a closing stream may take to write its close frame. */
	private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

	private static final Duration SHUTDOWN_POLL = Duration.ofMillis(5);

	/** The shortest time between two batches of a spread close. */
	private static final Duration DRAIN_TICK = Duration.ofMillis(20);

	private final StreamRegistry registry;

	private final ClusterPresence presence;

	private final BrokerMetrics metrics;

	private final @Nullable DeliveryTracker deliveryTracker;

	private final boolean logUserIds;

	private final ConnectionEvents events;

	private final Map<CloseReason, Frame> closeFrames = new EnumMap<>(CloseReason.class);

	/** Streams closed by the server whose response has not ended yet. */
	private final Set<SseStream> closing = ConcurrentHashMap.newKeySet();

	/** Set once, since the writer is made with this closer's callbacks. */
	private @Nullable StreamWriter writer;

	StreamCloser(StreamRegistry registry, ClusterPresence presence, BrokerMetrics metrics,
			@Nullable DeliveryTracker deliveryTracker, boolean logUserIds, JsonEncoder json, ConnectionEvents events) {
		this.registry = registry;
		this.events = events;
		this.presence = presence;
		this.metrics = metrics;
		this.deliveryTracker = deliveryTracker;
		this.logUserIds = logUserIds;
		for (CloseReason reason : CloseReason.values()) {
			this.closeFrames.put(reason,
					Frame.of(FrameEncoder.event(null, SseEvent.CLOSE, json.write(Map.of("reason", reason.value())))));
		}
	}

	void setWriter(StreamWriter writer) {
		this.writer = writer;
	}

	private StreamWriter writer() {
		StreamWriter writer = this.writer;
		if (writer == null) {
			throw new IllegalStateException("No writer yet");
		}
		return writer;
	}

	/**
	 * Closes a stream: it gets {@code sse-close} with the reason, then its response ends.
	 * @param stream the stream
	 * @param reason why
	 * @return whether this call closed it
	 */
	boolean close(SseStream stream, CloseReason reason) {
		return end(stream, () -> stream.close(this.closeFrames.get(reason)), reason.value());
	}

	/**
	 * Closes every stream of a user on this node.
	 * @param userId the user
	 * @param reason why
	 * @return how many this call closed
	 */
	int closeUser(String userId, CloseReason reason) {
		int closed = 0;
		for (SseStream stream : this.registry.ofUser(userId)) {
			if (close(stream, reason)) {
				closed++;
			}
		}
		return closed;
	}

	/**
	 * Closes a stream of this node by its connection id.
	 * @param connectionId the connection id
	 * @param reason why
	 * @return whether this call closed it
	 */
	boolean closeConnection(String connectionId, CloseReason reason) {
		SseStream stream = this.registry.byId(connectionId);
		return stream != null && close(stream, reason);
	}

	/**
	 * Closes every stream of this node opened with a token, by its id ({@code jti}), with
	 * reason {@code revoked}.
	 * @param tokenId the token id
	 * @return how many streams this call closed
	 */
	int closeToken(String tokenId) {
		int closed = 0;
		for (SseStream stream : this.registry.all()) {
			if (tokenId.equals(stream.principal().tokenId()) && close(stream, CloseReason.REVOKED)) {
				closed++;
			}
		}
		return closed;
	}

	/**
	 * Closes streams after a delay, in equal batches spread over a period, so that their
	 * clients reconnect elsewhere at a bounded rate. Returns once the last batch was
	 * closed.
	 * @param streams the streams
	 * @param reason why
	 * @param delay how long before the first batch
	 * @param period over how long; zero closes them all at once
	 */
	void closeSpread(List<SseStream> streams, CloseReason reason, Duration delay, Duration period) {
		int batches = (int) Math.max(1, Math.min(streams.size(), period.toNanos() / DRAIN_TICK.toNanos()));
		long start = System.nanoTime() + delay.toNanos();
		for (int batch = 0; batch < batches; batch++) {
			long due = start + period.toNanos() / batches * batch;
			for (long left; (left = due - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted();) {
				LockSupport.parkNanos(left);
			}
			for (SseStream stream : streams.subList((int) ((long) streams.size() * batch / batches),
					(int) ((long) streams.size() * (batch + 1) / batches))) {
				close(stream, reason);
			}
		}
	}

	/**
	 * Closes every stream of this node.
	 * @param reason why
	 */
	void closeAll(CloseReason reason) {
		for (SseStream stream : this.registry.all()) {
			close(stream, reason);
		}
	}

	/**
	 * Ends a stream without waiting for what it has queued and aborts its connection; its
	 * client gets {@code sse-close} with reason {@code slow-consumer} if the connection
	 * takes it at once.
	 * @param stream the stream whose queue overflowed
	 */
	void dropSlowConsumer(SseStream stream) {
		drop(stream, this.closeFrames.get(CloseReason.SLOW_CONSUMER), CloseReason.SLOW_CONSUMER.value());
	}

	/**
	 * Ends a stream whose client closed its connection, without a close frame.
	 * @param stream the stream
	 * @return whether this call ended it
	 */
	boolean dropClosedClient(SseStream stream) {
		return drop(stream, null, BrokerMetrics.CLIENT_ABORT);
	}

	/**
	 * Ends a stream without waiting for what it has queued and aborts its connection.
	 * @param lastFrame sent first if the connection takes it at once, or {@code null}
	 * @param reason why: a close reason's value, or {@link BrokerMetrics#CLIENT_ABORT}
	 * @return whether this call ended it
	 */
	private boolean drop(SseStream stream, @Nullable Frame lastFrame, String reason) {
		String dropReason = CloseReason.SLOW_CONSUMER.value().equals(reason) ? BrokerMetrics.DROPPED_SLOW_CONSUMER
				: BrokerMetrics.DROPPED_CLIENT_GONE;
		return end(stream, () -> stream.drop(lastFrame, (events) -> this.metrics.dropped(dropReason, events)), reason);
	}

	private boolean end(SseStream stream, Supplier<SseStream.Offer> ending, String reason) {
		unregister(stream, reason);
		// Tracked before the stream is told: a writer may finish it at once.
		boolean alreadyClosing = !this.closing.add(stream);
		SseStream.Offer offer = ending.get();
		if (offer == SseStream.Offer.CLOSED) {
			// Another ender may have closed it meanwhile and still count on the entry: only
			// an ended stream's entry goes, and the sweep ends the others.
			if (!alreadyClosing && stream.isCompleted()) {
				this.closing.remove(stream);
			}
			return false;
		}
		if (logger.isDebugEnabled()) {
			try (StreamMdc mdc = StreamMdc.of(stream, this.logUserIds)) {
				logger.debug("Closing " + stream + ": " + reason);
			}
		}
		if (offer == SseStream.Offer.SCHEDULE) {
			writer().schedule(stream);
		}
		return true;
	}

	/**
	 * Forgets a stream whose response the container ended (completion, timeout or error).
	 * @param stream the stream
	 */
	void detach(SseStream stream) {
		unregister(stream, BrokerMetrics.CLIENT_ABORT);
		if (abandon(stream) && logger.isDebugEnabled()) {
			try (StreamMdc mdc = StreamMdc.of(stream, this.logUserIds)) {
				logger.debug("Stream " + stream + " ended by the container");
			}
		}
		ended(stream);
	}

	/** Ends a stream whose response ended: what it still had queued is lost. */
	private boolean abandon(SseStream stream) {
		return stream.abandon((events) -> this.metrics.dropped(BrokerMetrics.DROPPED_CLIENT_GONE, events));
	}

	/**
	 * Removes a stream from this node's registry, and from the presence.
	 * @param reason why it leaves, for the meters: the first caller's reason counts
	 */
	void unregister(SseStream stream, String reason) {
		if (this.registry.remove(stream)) {
			this.metrics.closed(reason);
			this.presence.remove(stream.presenceEntry());
			this.events.closed(stream, reason);
		}
	}

	/**
	 * Ends a stream whose write failed.
	 * @param stream the stream
	 * @param failure why
	 */
	void writeFailed(SseStream stream, Throwable failure) {
		// The usual cause is a client that went away: not worth a stack trace. The
		// container ends such a request itself; completing it here would send the
		// resulting error to the application's exception handlers.
		unregister(stream, (failure instanceof IOException) ? BrokerMetrics.CLIENT_ABORT : BrokerMetrics.ERROR);
		boolean live = abandon(stream);
		try (StreamMdc mdc = StreamMdc.of(stream, this.logUserIds)) {
			if (failure instanceof IOException) {
				logger.debug("Stream " + stream + " ended on a failed write: " + failure);
			}
			else {
				logger.warn("Stream " + stream + " failed", failure);
			}
		}
		// Not the client's doing: the container would keep such a request open.
		if (!(failure instanceof IOException) && live) {
			writer().complete(stream);
			return;
		}
		ended(stream);
	}

	/**
	 * A stream's response has ended: it is no longer closing, and its client id, if any,
	 * remembers the last event it got.
	 * @param stream the stream
	 */
	void ended(SseStream stream) {
		this.closing.remove(stream);
		String clientId = stream.clientId();
		String lastEventId = stream.lastWrittenEventId();
		if (this.deliveryTracker != null && clientId != null && lastEventId != null) {
			this.deliveryTracker.record(stream.principal().userId(), clientId, lastEventId);
		}
	}

	/**
	 * Ends the closing streams that no writer could finish in time, such as one whose
	 * client stopped reading before its close frame went out.
	 * @param now the time, from {@link System#nanoTime()}
	 */
	void endOverdue(long now) {
		for (SseStream stream : this.closing) {
			if (now - stream.closingSinceNanos() > CLOSE_GRACE.toNanos()) {
				if (dropClosedClient(stream)) {
					try (StreamMdc mdc = StreamMdc.of(stream, this.logUserIds)) {
						logger.debug("Stream " + stream + " aborted: its last frame was not written within "
								+ CLOSE_GRACE.toSeconds() + "s");
					}
				}
				else if (stream.isCompleted()) {
					ended(stream);
				}
			}
		}
	}

	/**
	 * Waits for the closing streams to write their close frames, at most for a time.
	 * @param grace the longest wait
	 */
	void awaitClosed(Duration grace) {
		long deadline = System.nanoTime() + grace.toNanos();
		while (!this.closing.isEmpty() && System.nanoTime() < deadline) {
			LockSupport.parkNanos(SHUTDOWN_POLL.toNanos());
		}
	}

	/**
	 * Ends what could not write its close frame in time, without it: once the writer has
	 * stopped.
	 */
	void abortClosing() {
		for (SseStream stream : this.closing) {
			if (abandon(stream)) {
				writer().abort(stream);
			}
			else {
				ended(stream);
			}
		}
	}

	/**
	 * Returns the number of streams closed by the server whose last frame is not yet
	 * written.
	 * @return the number of closing streams
	 */
	int closingCount() {
		return this.closing.size();
	}

}
