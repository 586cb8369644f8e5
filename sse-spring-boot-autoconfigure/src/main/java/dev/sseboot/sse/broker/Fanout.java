package dev.sseboot.sse.broker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import dev.sseboot.sse.SseEvent;
import org.jspecify.annotations.Nullable;

/**
 * Queues frames on streams: an event on every stream it is for, rendered once and shared
 * by all of them. The streams that need a writer are scheduled together once a
 * {@link Delivery} is done, outside the publishing lock.
 */
final class Fanout {

	private final StreamRegistry registry;

	private final StreamWriter writer;

	private final StreamCloser closer;

	private final BrokerMetrics metrics;

	Fanout(StreamRegistry registry, StreamWriter writer, StreamCloser closer, BrokerMetrics metrics) {
		this.registry = registry;
		this.writer = writer;
		this.closer = closer;
		this.metrics = metrics;
	}

	/**
	 * Starts queuing frames; closing the delivery schedules the writers.
	 * @return the delivery
	 */
	Delivery delivery() {
		return new Delivery(System.nanoTime());
	}

	private Collection<SseStream> recipients(@Nullable String userId, @Nullable String channel,
			@Nullable String connectionId) {
		if (connectionId != null) {
			SseStream stream = this.registry.byId(connectionId);
			return (stream != null) ? List.of(stream) : List.of();
		}
		if (userId != null) {
			return this.registry.ofUser(userId);
		}
		if (channel != null) {
			return this.registry.ofChannel(channel);
		}
		return this.registry.all();
	}

	/**
	 * Frames queued at one time, and the streams that need a writer for them.
	 */
	final class Delivery implements AutoCloseable {

		private final long now;

		private final List<SseStream> toWrite = new ArrayList<>();

		private Delivery(long now) {
			this.now = now;
		}

		/**
		 * Returns when the delivery began, from {@link System#nanoTime()}, read once for
		 * all its frames.
		 * @return the time
		 */
		long now() {
			return this.now;
		}

		/**
		 * Queues an event on every stream it is for. Called by {@link EventOrder} only,
		 * under the publishing lock, in sequence order.
		 * @param event the event
		 * @param frame the event rendered, with its id
		 * @param sequence its sequence: streams that got it already, from another node's
		 * log position, skip it
		 * @param connectionId the one connection it is for, or {@code null}
		 */
		void dispatch(SseEvent event, Frame frame, long sequence, @Nullable String connectionId) {
			@Nullable Frame prefixed = null;
			for (SseStream stream : recipients(event.userId(), event.channel(), connectionId)) {
				// The indexes narrow the candidates; the one rule of SseEvent decides.
				if (sequence > stream.skipThrough()
						&& (connectionId != null || event.isAddressedTo(stream.principal().userId(), stream.channels()))) {
					if (stream.channelPrefix() && event.channel() != null) {
						// Rendered once per event, and only when some recipient asked for it.
						if (prefixed == null) {
							prefixed = new Frame(FrameEncoder.withChannelPrefix(event), frame.lastEventId(),
									frame.events(), frame.publishedNanos());
						}
						offer(stream, prefixed);
					}
					else {
						offer(stream, frame);
					}
				}
			}
		}

		/**
		 * Queues a frame on a stream.
		 * @param stream the stream
		 * @param frame the frame
		 */
		void offer(SseStream stream, Frame frame) {
			switch (stream.offer(frame, this.now)) {
				case SCHEDULE -> this.toWrite.add(stream);
				// Its backlog is dropped, and so is its connection: the kernel would otherwise
				// keep sending megabytes to a client that replays them from Last-Event-ID anyway.
				case OVERFLOW -> {
					Fanout.this.metrics.dropped(BrokerMetrics.DROPPED_SLOW_CONSUMER, frame.events());
					Fanout.this.closer.dropSlowConsumer(stream);
				}
				default -> {
				}
			}
		}

		/**
		 * Schedules a writer for every stream that needs one; always, since each of them
		 * waits for it.
		 */
		@Override
		public void close() {
			Fanout.this.writer.schedule(this.toWrite);
		}

	}

}
