package dev.sseboot.sse.broker;

import org.jspecify.annotations.Nullable;

/**
 * Rendered bytes queued on streams. One instance is shared by every recipient of an
 * event.
 *
 * @param bytes the {@code text/event-stream} bytes
 * @param lastEventId the id of the last event in the bytes, or {@code null} if they
 * carry none (heartbeats, control events)
 * @param events how many of the application's events the bytes hold: one for a live
 * event, several for replayed events joined together, none for heartbeats and control
 * events
 * @param publishedNanos when a live event was published, from {@link System#nanoTime()},
 * or 0 for frames whose delay is not measured
 */
record Frame(byte[] bytes, @Nullable String lastEventId, int events, long publishedNanos) {

	static Frame of(byte[] bytes) {
		return new Frame(bytes, null, 0, 0);
	}

	static Frame event(byte[] bytes, String id, long publishedNanos) {
		return new Frame(bytes, id, 1, publishedNanos);
	}

}
