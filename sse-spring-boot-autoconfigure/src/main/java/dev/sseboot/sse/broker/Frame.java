package dev.sseboot.sse.broker;

import org.jspecify.annotations.Nullable;

/**
 * Rendered bytes queued on streams. One instance is shared by every recipient of an
 * event.
 *
 * @param bytes the {@code text/event-stream} bytes
 * @param lastEventId the id of the last event in the bytes, or {@code null} if they
 * carry none (heartbeats, control events)
 */
record Frame(byte[] bytes, @Nullable String lastEventId) {

	static Frame of(byte[] bytes) {
		return new Frame(bytes, null);
	}

}
