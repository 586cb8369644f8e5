package dev.sseboot.sse.control;

import dev.sseboot.sse.error.SseErrorCode;
import dev.sseboot.sse.error.SseRequestException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EventPayloadTests {

	@Test
	void parsesTheSeedsEventAndDataLines() {
		assertThat(EventPayload.parse("event: message\ndata: My important data for client"))
			.isEqualTo(new EventPayload("message", "My important data for client"));
	}

	@Test
	void joinsDataLinesAndAcceptsEveryLineBreakAndTheClosingBlankLine() {
		assertThat(EventPayload.parse("data:one\r\ndata: two\rdata\n\n")).isEqualTo(new EventPayload(null, "one\ntwo\n"));
	}

	@Test
	void dropsCommentLines() {
		assertThat(EventPayload.parse(": note\ndata: x")).isEqualTo(new EventPayload(null, "x"));
	}

	@Test
	void refusesABlankLineThatWouldStartASecondEvent() {
		assertRefused("data: a\n\ndata: b", "second event");
	}

	@Test
	void refusesIdAndRetryLines() {
		assertRefused("id: 1-1\ndata: a", "id");
		assertRefused("data: a\nretry: 1", "retry");
	}

	@Test
	void refusesUnknownFieldsAndPlainText() {
		assertRefused("your_data", "'data'");
		assertRefused("data: a\nfoo: bar", "line 2");
	}

	@Test
	void refusesAPayloadWithoutDataOrWithTwoNames() {
		assertRefused("event: x", "no 'data:' line");
		assertRefused("event: x\nevent: y\ndata: z", "second time");
	}

	private static void assertRefused(String payload, String message) {
		assertThatExceptionOfType(SseRequestException.class).isThrownBy(() -> EventPayload.parse(payload))
			.withMessageContaining(message)
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(SseErrorCode.BAD_REQUEST));
	}

}
