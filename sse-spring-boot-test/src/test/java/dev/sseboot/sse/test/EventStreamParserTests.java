package dev.sseboot.sse.test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.sseboot.sse.test.SseTestClient.Event;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class EventStreamParserTests {

	private final List<Event> events = new ArrayList<>();

	private final List<String> comments = new ArrayList<>();

	private final EventStreamParser parser = new EventStreamParser(this.events::add, this.comments::add);

	@Test
	void dispatchesAnEventWithItsFieldsAtABlankLine() throws IOException {
		parse("retry: 3000\nid: e-1\nevent: order-shipped\ndata: {\"order\":42}\n\n");
		assertThat(this.events).containsExactly(new Event("e-1", "order-shipped", "{\"order\":42}", "3000"));
	}

	@Test
	void namesAnEventWithoutNameMessage() throws IOException {
		parse("data: plain\n\n");
		assertThat(this.events).containsExactly(new Event(null, "message", "plain", null));
	}

	@Test
	void joinsDataLinesWithLineFeeds() throws IOException {
		parse("data: first\ndata:second\ndata\ndata:  indented\n\n");
		assertThat(this.events).extracting(Event::data).containsExactly("first\nsecond\n\n indented");
	}

	@Test
	void endsLinesAtCarriageReturnsLineFeedsOrBoth() throws IOException {
		parse("event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\r");
		assertThat(this.events).extracting(Event::name, Event::data)
			.containsExactly(tuple("a", "1"), tuple("b", "2"));
	}

	@Test
	void keepsCommentsApartAndIgnoresUnknownFields() throws IOException {
		parse(": heartbeat\nfoo: bar\ndata: x\n\n");
		assertThat(this.comments).containsExactly(" heartbeat");
		assertThat(this.events).containsExactly(new Event(null, "message", "x", null));
	}

	@Test
	void dispatchesNothingForAnEventWithoutDataAndForgetsItsFields() throws IOException {
		parse("event: empty\nid: 7\n\ndata: next\n\n");
		assertThat(this.events).containsExactly(new Event(null, "message", "next", null));
	}

	@Test
	void dispatchesNothingForAnEventTheStreamEndedInTheMiddleOf() throws IOException {
		parse("data: complete\n\ndata: cut off");
		assertThat(this.events).extracting(Event::data).containsExactly("complete");
	}

	private void parse(String stream) throws IOException {
		this.parser.parse(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)));
	}

}
