package dev.sseboot.sse.control;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The {@code payload} of the seed's {@code POST /emit}: one event written in the
 * {@code text/event-stream} format ({@code event: x\ndata: y}). It is parsed, never
 * forwarded: only its name and data reach the broker, which renders the frame itself.
 * So a payload cannot add fields, an id, a retry delay or a second event. Lines that
 * would do so are refused rather than dropped, because the publisher meant something by
 * them; comment lines, which clients ignore anyway, are dropped.
 *
 * @param name the event name, or {@code null} when the payload names none
 * @param data the data lines joined with {@code \n}
 */
record EventPayload(@Nullable String name, String data) {

	/**
	 * Parses a payload.
	 * @param payload the payload
	 * @return the event it describes
	 * @throws dev.sseboot.sse.error.SseRequestException 400 for anything but one event of
	 * {@code event:} and {@code data:} lines
	 */
	static EventPayload parse(String payload) {
		List<String> lines = new ArrayList<>(List.of(payload.split("\r\n|\r|\n", -1)));
		// The blank line that ends an event in the stream format is not a second event.
		while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
			lines.remove(lines.size() - 1);
		}
		String name = null;
		List<String> data = new ArrayList<>();
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			int number = i + 1;
			if (line.isEmpty()) {
				throw refused("payload line " + number + " is blank, which would start a second event: "
						+ "send one event per request");
			}
			if (line.startsWith(":")) {
				continue;
			}
			int colon = line.indexOf(':');
			String field = (colon < 0) ? line : line.substring(0, colon);
			String value = (colon < 0) ? "" : line.substring(colon + 1);
			if (value.startsWith(" ")) {
				value = value.substring(1);
			}
			switch (field) {
				case "data" -> data.add(value);
				case "event" -> {
					if (name != null) {
						throw refused("payload line " + number + " names the event a second time");
					}
					name = value.isEmpty() ? null : value;
				}
				case "id" -> throw refused("payload line " + number + " sets an id: event ids are assigned by "
						+ "the server, so that clients can resume with Last-Event-ID");
				case "retry" -> throw refused("payload line " + number + " sets retry: the reconnection delay "
						+ "is set by sse.retry");
				default -> throw refused("payload line " + number + " is not an 'event:' or 'data:' line: send "
						+ "plain text as the 'data' parameter instead");
			}
		}
		if (data.isEmpty()) {
			throw refused("payload has no 'data:' line");
		}
		return new EventPayload(name, String.join("\n", data));
	}

	private static RuntimeException refused(String message) {
		return ControlParameters.badRequest(message);
	}

}
