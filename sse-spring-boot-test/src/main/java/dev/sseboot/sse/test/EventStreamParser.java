package dev.sseboot.sse.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import dev.sseboot.sse.test.SseTestClient.Event;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code text/event-stream} line by line as browsers do: a blank line dispatches
 * the event built so far if it has data, a line starting with a colon is a comment, a
 * single space after a field's colon is not part of its value, and unknown fields are
 * ignored.
 */
final class EventStreamParser {

	private final Consumer<Event> events;

	private final Consumer<String> comments;

	private @Nullable String id;

	private @Nullable String name;

	private @Nullable String retry;

	private @Nullable StringBuilder data;

	/**
	 * Creates a parser that hands on what it reads.
	 * @param events takes each event, the name {@code message} when none was sent
	 * @param comments takes each comment line without its leading colon
	 */
	EventStreamParser(Consumer<Event> events, Consumer<String> comments) {
		this.events = events;
		this.comments = comments;
	}

	/**
	 * Reads a stream to its end: lines end with CR, LF or CRLF.
	 * @param body the stream, UTF-8
	 * @throws IOException if reading fails, as it does when either side closes
	 */
	void parse(InputStream body) throws IOException {
		try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				line(line);
			}
		}
	}

	/**
	 * Takes one line, without its line break.
	 * @param line the line
	 */
	void line(String line) {
		if (line.isEmpty()) {
			dispatch();
		}
		else if (line.startsWith(":")) {
			this.comments.accept(line.substring(1));
		}
		else {
			int colon = line.indexOf(':');
			String field = (colon < 0) ? line : line.substring(0, colon);
			String value = (colon < 0) ? "" : line.substring(colon + 1);
			if (value.startsWith(" ")) {
				value = value.substring(1);
			}
			switch (field) {
				case "id" -> this.id = value;
				case "event" -> this.name = value;
				case "retry" -> this.retry = value;
				case "data" -> this.data = (this.data == null) ? new StringBuilder(value)
						: this.data.append('\n').append(value);
				default -> {
				}
			}
		}
	}

	private void dispatch() {
		if (this.data != null) {
			this.events.accept(new Event(this.id, (this.name != null) ? this.name : "message", this.data.toString(),
					this.retry));
		}
		this.id = null;
		this.name = null;
		this.retry = null;
		this.data = null;
	}

}
