package dev.sseboot.sse.broker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

class FrameEncoderTests {

	@Test
	void rendersIdNameAndDataFollowedByBlankLine() {
		assertThat(text(FrameEncoder.event("e-1", "message", "hello")))
			.isEqualTo("id: e-1\nevent: message\ndata: hello\n\n");
	}

	@Test
	void prependsIdToAFrameRenderedWithoutOne() {
		assertThat(FrameEncoder.withId("e-1", FrameEncoder.event(null, "message", "hé\nllo")))
			.isEqualTo(FrameEncoder.event("e-1", "message", "hé\nllo"));
	}

	@Test
	void omitsIdWhenNoneIsGiven() {
		assertThat(text(FrameEncoder.event(null, "heartbeat", "now"))).isEqualTo("event: heartbeat\ndata: now\n\n");
	}

	@Test
	void splitsDataOnLineFeeds() {
		assertThat(text(FrameEncoder.event("1", "m", "a\nb\nc"))).isEqualTo("id: 1\nevent: m\ndata: a\ndata: b\ndata: c\n\n");
	}

	@Test
	void splitsDataOnCarriageReturnLineFeedsAsOneBreak() {
		assertThat(text(FrameEncoder.event("1", "m", "a\r\nb"))).isEqualTo("id: 1\nevent: m\ndata: a\ndata: b\n\n");
	}

	@Test
	void splitsDataOnLoneCarriageReturns() {
		assertThat(text(FrameEncoder.event("1", "m", "a\rb"))).isEqualTo("id: 1\nevent: m\ndata: a\ndata: b\n\n");
	}

	@Test
	void keepsEmptyLinesInsideData() {
		assertThat(text(FrameEncoder.event("1", "m", "a\n\nb"))).isEqualTo("id: 1\nevent: m\ndata: a\ndata: \ndata: b\n\n");
	}

	@Test
	void keepsTrailingLineBreakAsEmptyDataLine() {
		assertThat(text(FrameEncoder.event("1", "m", "a\n"))).isEqualTo("id: 1\nevent: m\ndata: a\ndata: \n\n");
	}

	@Test
	void rendersEmptyDataAsOneEmptyDataLine() {
		assertThat(text(FrameEncoder.event("1", "m", ""))).isEqualTo("id: 1\nevent: m\ndata: \n\n");
	}

	@Test
	void neverLetsDataStartANewFieldOrEvent() {
		String frame = text(FrameEncoder.event("1", "m", "x\n\nevent: evil\rid: 99\r\ndata: y"));
		assertThat(frame.split("\n")).allSatisfy((line) -> assertThat(line).matches("(id|event|data): .*|"));
		assertThat(frame).doesNotContain("\nevent: evil").doesNotContain("\nid: 99").doesNotContain("\r");
		assertThat(frame).endsWith("\n\n").doesNotContain("\n\n\n");
		assertThat(frame.indexOf("\n\n")).isEqualTo(frame.length() - 2);
	}

	@Test
	void rendersComment() {
		assertThat(text(FrameEncoder.comment(" heartbeat"))).isEqualTo(": heartbeat\n\n");
	}

	@Test
	void rendersRetryBeforeTheFirstEvent() {
		assertThat(text(FrameEncoder.eventWithRetry(Duration.ofSeconds(3), "sse-connected", "{}")))
			.isEqualTo("retry: 3000\nevent: sse-connected\ndata: {}\n\n");
	}

	@Test
	void encodesUtf8() {
		assertThat(FrameEncoder.event("1", "m", "é")).isEqualTo("id: 1\nevent: m\ndata: é\n\n".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void refusesMultiLineOrEmptyFieldValues() {
		assertThatIllegalArgumentException().isThrownBy(() -> FrameEncoder.requireSingleLine("event name", "a\nb"));
		assertThatIllegalArgumentException().isThrownBy(() -> FrameEncoder.requireSingleLine("event name", "a\rb"));
		assertThatIllegalArgumentException().isThrownBy(() -> FrameEncoder.requireSingleLine("event name", "a\0b"));
		assertThatIllegalArgumentException().isThrownBy(() -> FrameEncoder.requireSingleLine("event name", ""));
		assertThatNoException().isThrownBy(() -> FrameEncoder.requireSingleLine("event name", "chat.message"));
	}

	private static String text(byte[] frame) {
		return new String(frame, StandardCharsets.UTF_8);
	}

}
