package dev.sseboot.sse.broker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import dev.sseboot.sse.SseEvent;
import org.jspecify.annotations.Nullable;

/**
 * Renders events into the bytes of the {@code text/event-stream} format. Every event is
 * rendered once and the same bytes are queued on every recipient stream.
 */
public final class FrameEncoder {

	private FrameEncoder() {
	}

	/**
	 * Renders one event.
	 * @param id the event id, or {@code null} for none
	 * @param name the event name
	 * @param data the data, split into one {@code data:} line per line
	 * @return the frame
	 */
	public static byte[] event(@Nullable String id, String name, String data) {
		return render(null, id, name, data);
	}

	/**
	 * Renders an event sent to a channel under the name {@code <channel> <event>}, for
	 * streams that asked for the channel in event names. Channel names hold no spaces, so
	 * the first space divides the two.
	 * @param event the event, sent to a channel
	 * @return the frame, with the event's id
	 */
	static byte[] withChannelPrefix(SseEvent event) {
		return render(null, event.id(), event.channel() + " " + event.name(), event.data());
	}

	/**
	 * Puts an id line in front of a frame rendered without one, so that the frame can be
	 * rendered before its id is known.
	 * @param id the event id, a single line
	 * @param frame the frame, rendered without id
	 * @return the frame with its id
	 */
	static byte[] withId(String id, byte[] frame) {
		byte[] line = ("id: " + id + "\n").getBytes(StandardCharsets.UTF_8);
		byte[] result = Arrays.copyOf(line, line.length + frame.length);
		System.arraycopy(frame, 0, result, line.length, frame.length);
		return result;
	}

	/**
	 * Renders the first frame of a stream: the reconnection delay and one event.
	 * @param retry the delay browsers wait before reconnecting
	 * @param name the event name
	 * @param data the data
	 * @return the frame
	 */
	public static byte[] eventWithRetry(Duration retry, String name, String data) {
		return render(retry, null, name, data);
	}

	/**
	 * Renders a comment line, which clients ignore.
	 * @param text the comment, a single line
	 * @return the frame
	 */
	public static byte[] comment(String text) {
		return (":" + text + "\n\n").getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Checks that a value may stand in a {@code field: value} line.
	 * @param field the field, for the message
	 * @param value the value
	 * @throws IllegalArgumentException if the value is empty or spans lines
	 */
	public static void requireSingleLine(String field, String value) {
		if (value.isEmpty() || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
			throw new IllegalArgumentException("SSE " + field + " must be a non-empty single line");
		}
	}

	private static byte[] render(@Nullable Duration retry, @Nullable String id, String name, String data) {
		StringBuilder frame = new StringBuilder(data.length() + name.length() + 48);
		if (retry != null) {
			frame.append("retry: ").append(retry.toMillis()).append('\n');
		}
		if (id != null) {
			frame.append("id: ").append(id).append('\n');
		}
		frame.append("event: ").append(name).append('\n');
		appendData(frame, data);
		frame.append('\n');
		return frame.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static void appendData(StringBuilder frame, String data) {
		int start = 0;
		int length = data.length();
		for (int i = 0; i < length; i++) {
			char c = data.charAt(i);
			if (c == '\n' || c == '\r') {
				frame.append("data: ").append(data, start, i).append('\n');
				if (c == '\r' && i + 1 < length && data.charAt(i + 1) == '\n') {
					i++;
				}
				start = i + 1;
			}
		}
		frame.append("data: ").append(data, start, length).append('\n');
	}

}
