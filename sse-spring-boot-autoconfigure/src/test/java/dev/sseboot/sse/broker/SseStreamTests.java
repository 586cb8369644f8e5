package dev.sseboot.sse.broker;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import dev.sseboot.sse.SsePrincipal;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SseStreamTests {

	private static final StreamOutput DISCARD = new StreamOutput() {

		@Override
		public void write(byte[] frames) {
		}

		@Override
		public void complete() {
		}

	};

	@Test
	void asksForOneWriterUntilTheQueueIsDrained() {
		SseStream stream = stream(10);
		assertThat(stream.offer(bytes("a"))).isEqualTo(SseStream.Offer.SCHEDULE);
		assertThat(stream.offer(bytes("b"))).isEqualTo(SseStream.Offer.QUEUED);
		assertThat(text(stream.nextBatch(1024).frames())).isEqualTo("ab");
		assertThat(stream.offer(bytes("c"))).isEqualTo(SseStream.Offer.QUEUED);
		assertThat(text(stream.nextBatch(1024).frames())).isEqualTo("c");
		assertThat(stream.nextBatch(1024)).isNull();
		assertThat(stream.offer(bytes("d"))).isEqualTo(SseStream.Offer.SCHEDULE);
	}

	@Test
	void reportsOverflowWhenTheQueueIsFullWithoutQueueing() {
		SseStream stream = stream(2);
		assertThat(stream.offer(bytes("a"))).isEqualTo(SseStream.Offer.SCHEDULE);
		assertThat(stream.offer(bytes("b"))).isEqualTo(SseStream.Offer.QUEUED);
		assertThat(stream.offer(bytes("c"))).isEqualTo(SseStream.Offer.OVERFLOW);
		assertThat(text(stream.nextBatch(1024).frames())).isEqualTo("ab");
	}

	@Test
	void writesTheCloseFrameAfterQueuedFramesAndMarksItLast() {
		SseStream stream = stream(10);
		stream.offer(bytes("a"));
		stream.offer(bytes("b"));
		assertThat(stream.close(bytes("Z"), false)).isEqualTo(SseStream.Offer.QUEUED);
		SseStream.Batch batch = stream.nextBatch(1024);
		assertThat(text(batch.frames())).isEqualTo("abZ");
		assertThat(batch.last()).isTrue();
		assertThat(stream.nextBatch(1024)).isNull();
	}

	@Test
	void closeOfAnIdleStreamAsksForAWriter() {
		SseStream stream = stream(10);
		assertThat(stream.close(bytes("Z"), false)).isEqualTo(SseStream.Offer.SCHEDULE);
		SseStream.Batch batch = stream.nextBatch(1024);
		assertThat(text(batch.frames())).isEqualTo("Z");
		assertThat(batch.last()).isTrue();
	}

	@Test
	void closeOfSlowConsumerDropsItsBacklog() {
		SseStream stream = stream(2);
		stream.offer(bytes("a"));
		stream.offer(bytes("b"));
		stream.close(bytes("Z"), true);
		SseStream.Batch batch = stream.nextBatch(1024);
		assertThat(text(batch.frames())).isEqualTo("Z");
		assertThat(batch.last()).isTrue();
	}

	@Test
	void closedStreamRefusesFramesAndSecondClose() {
		SseStream stream = stream(10);
		stream.close(bytes("Z"), false);
		assertThat(stream.offer(bytes("a"))).isEqualTo(SseStream.Offer.CLOSED);
		assertThat(stream.close(bytes("Y"), false)).isEqualTo(SseStream.Offer.CLOSED);
		assertThat(text(stream.nextBatch(1024).frames())).isEqualTo("Z");
	}

	@Test
	void abandonedStreamDropsEverythingAndRefusesFrames() {
		SseStream stream = stream(10);
		stream.offer(bytes("a"));
		assertThat(stream.abandon()).isTrue();
		assertThat(stream.abandon()).isFalse();
		assertThat(stream.nextBatch(1024)).isNull();
		assertThat(stream.offer(bytes("b"))).isEqualTo(SseStream.Offer.CLOSED);
		assertThat(stream.close(bytes("Z"), false)).isEqualTo(SseStream.Offer.CLOSED);
	}

	@Test
	void coalescesQueuedFramesUpToMaxBytes() {
		SseStream stream = stream(10);
		stream.offer(bytes("aaa"));
		stream.offer(bytes("bbb"));
		stream.offer(bytes("ccc"));
		stream.offer(bytes("ddd"));
		assertThat(text(stream.nextBatch(7).frames())).isEqualTo("aaabbb");
		assertThat(text(stream.nextBatch(7).frames())).isEqualTo("cccddd");
		assertThat(stream.nextBatch(7)).isNull();
	}

	@Test
	void coalescesExactlyUpToMaxBytes() {
		SseStream stream = stream(10);
		stream.offer(bytes("aaa"));
		stream.offer(bytes("bbb"));
		stream.offer(bytes("c"));
		assertThat(text(stream.nextBatch(6).frames())).isEqualTo("aaabbb");
		assertThat(text(stream.nextBatch(6).frames())).isEqualTo("c");
	}

	@Test
	void takesAFrameLargerThanMaxBytesAlone() {
		SseStream stream = stream(10);
		stream.offer(bytes("a".repeat(20)));
		stream.offer(bytes("b"));
		assertThat(text(stream.nextBatch(8).frames())).isEqualTo("a".repeat(20));
		assertThat(text(stream.nextBatch(8).frames())).isEqualTo("b");
	}

	@Test
	void batchIsLastOnlyWhenItHoldsTheCloseFrame() {
		SseStream stream = stream(10);
		stream.offer(bytes("aaaa"));
		stream.offer(bytes("bbbb"));
		stream.close(bytes("Z"), false);
		SseStream.Batch first = stream.nextBatch(4);
		assertThat(first.last()).isFalse();
		SseStream.Batch second = stream.nextBatch(5);
		assertThat(text(second.frames())).isEqualTo("bbbbZ");
		assertThat(second.last()).isTrue();
	}

	@Test
	void describesItsConnection() {
		SseStream stream = new SseStream("c-1", SsePrincipal.of("alex", Set.of("chat", "news:*")), Set.of("chat"), 0,
				DISCARD, 1);
		assertThat(stream.describe().connectionId()).isEqualTo("c-1");
		assertThat(stream.describe().userId()).isEqualTo("alex");
		assertThat(stream.describe().channels()).containsExactly("chat");
		assertThat(stream.describe().connectedAt()).isNotNull();
	}

	private static SseStream stream(int capacity) {
		return new SseStream("c-1", SsePrincipal.of("alex", Set.of("chat")), Set.of("chat"), 0, DISCARD, capacity);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
