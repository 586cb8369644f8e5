package dev.sseboot.sse.broker;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import dev.sseboot.sse.SsePrincipal;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SseStreamTests {

	private static final StreamOutput DISCARD = new StreamOutput() {

		@Override
		public void listen(Runnable writable, java.util.function.Consumer<Throwable> failed) {
		}

		@Override
		public boolean isWritable() {
			return true;
		}

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
		assertThat(stream.offer(frame("a"), 0)).isEqualTo(SseStream.Offer.SCHEDULE);
		assertThat(stream.offer(frame("b"), 0)).isEqualTo(SseStream.Offer.QUEUED);
		assertThat(text(stream.nextBatch(1024).frames())).isEqualTo("ab");
		assertThat(stream.offer(frame("c"), 0)).isEqualTo(SseStream.Offer.QUEUED);
		assertThat(text(stream.nextBatch(1024).frames())).isEqualTo("c");
		assertThat(stream.nextBatch(1024)).isNull();
		assertThat(stream.offer(frame("d"), 0)).isEqualTo(SseStream.Offer.SCHEDULE);
	}

	@Test
	void reportsOverflowWhenTheQueueIsFullWithoutQueueing() {
		SseStream stream = stream(2);
		assertThat(stream.offer(frame("a"), 0)).isEqualTo(SseStream.Offer.SCHEDULE);
		assertThat(stream.offer(frame("b"), 0)).isEqualTo(SseStream.Offer.QUEUED);
		assertThat(stream.offer(frame("c"), 0)).isEqualTo(SseStream.Offer.OVERFLOW);
		assertThat(text(stream.nextBatch(1024).frames())).isEqualTo("ab");
	}

	@Test
	void writesTheCloseFrameAfterQueuedFramesAndMarksItLast() {
		SseStream stream = stream(10);
		stream.offer(frame("a"), 0);
		stream.offer(frame("b"), 0);
		assertThat(stream.close(frame("Z"))).isEqualTo(SseStream.Offer.QUEUED);
		SseStream.Batch batch = stream.nextBatch(1024);
		assertThat(text(batch.frames())).isEqualTo("abZ");
		assertThat(batch.last()).isTrue();
		assertThat(stream.nextBatch(1024)).isNull();
	}

	@Test
	void closeOfAnIdleStreamAsksForAWriter() {
		SseStream stream = stream(10);
		assertThat(stream.close(frame("Z"))).isEqualTo(SseStream.Offer.SCHEDULE);
		SseStream.Batch batch = stream.nextBatch(1024);
		assertThat(text(batch.frames())).isEqualTo("Z");
		assertThat(batch.last()).isTrue();
	}

	@Test
	void dropDiscardsTheBacklogAndHandsTheWriterOnlyItsLastFrame() {
		SseStream stream = stream(2);
		stream.offer(frame("a"), 0);
		stream.offer(frame("b"), 0);
		assertThat(stream.drop(frame("Z"))).isEqualTo(SseStream.Offer.QUEUED);
		SseStream.Batch batch = stream.nextBatch(1024);
		assertThat(text(batch.frames())).isEqualTo("Z");
		assertThat(batch.dropped()).isTrue();
		assertThat(stream.nextBatch(1024)).isNull();
		assertThat(stream.isCompleted()).isTrue();
	}

	@Test
	void dropOfAnIdleStreamAsksForAWriterOnce() {
		SseStream stream = stream(2);
		assertThat(stream.drop(null)).isEqualTo(SseStream.Offer.SCHEDULE);
		assertThat(stream.drop(null)).isEqualTo(SseStream.Offer.CLOSED);
		assertThat(stream.offer(frame("a"), 0)).isEqualTo(SseStream.Offer.CLOSED);
		SseStream.Batch batch = stream.nextBatch(1024);
		assertThat(batch.dropped()).isTrue();
		assertThat(batch.frames()).isEmpty();
	}

	@Test
	void droppedStreamKeepsItsWriterWhileItsConnectionIsFull() {
		SseStream stream = stream(2);
		stream.offer(frame("a"), 0);
		stream.drop(null);
		// The writer found the connection full: it must not park, but abort.
		assertThat(stream.isDropRequested()).isTrue();
		assertThat(stream.park()).isFalse();
		assertThat(stream.nextBatch(1024).dropped()).isTrue();
		assertThat(stream.isDropRequested()).isFalse();
	}

	@Test
	void dropOfAClosingStreamReplacesItsCloseFrame() {
		SseStream stream = stream(2);
		stream.close(frame("Z"));
		assertThat(stream.drop(null)).isEqualTo(SseStream.Offer.QUEUED);
		assertThat(stream.nextBatch(1024).dropped()).isTrue();
	}

	@Test
	void completedStreamCannotBeDropped() {
		SseStream stream = stream(2);
		stream.close(frame("Z"));
		assertThat(stream.nextBatch(1024).last()).isTrue();
		assertThat(stream.drop(null)).isEqualTo(SseStream.Offer.CLOSED);
	}

	@Test
	void closedStreamRefusesFramesAndSecondClose() {
		SseStream stream = stream(10);
		stream.close(frame("Z"));
		assertThat(stream.offer(frame("a"), 0)).isEqualTo(SseStream.Offer.CLOSED);
		assertThat(stream.close(frame("Y"))).isEqualTo(SseStream.Offer.CLOSED);
		assertThat(text(stream.nextBatch(1024).frames())).isEqualTo("Z");
	}

	@Test
	void abandonedStreamDropsEverythingAndRefusesFrames() {
		SseStream stream = stream(10);
		stream.offer(frame("a"), 0);
		assertThat(stream.abandon()).isTrue();
		assertThat(stream.abandon()).isFalse();
		assertThat(stream.nextBatch(1024)).isNull();
		assertThat(stream.offer(frame("b"), 0)).isEqualTo(SseStream.Offer.CLOSED);
		assertThat(stream.close(frame("Z"))).isEqualTo(SseStream.Offer.CLOSED);
	}

	@Test
	void coalescesQueuedFramesUpToMaxBytes() {
		SseStream stream = stream(10);
		stream.offer(frame("aaa"), 0);
		stream.offer(frame("bbb"), 0);
		stream.offer(frame("ccc"), 0);
		stream.offer(frame("ddd"), 0);
		assertThat(text(stream.nextBatch(7).frames())).isEqualTo("aaabbb");
		assertThat(text(stream.nextBatch(7).frames())).isEqualTo("cccddd");
		assertThat(stream.nextBatch(7)).isNull();
	}

	@Test
	void coalescesExactlyUpToMaxBytes() {
		SseStream stream = stream(10);
		stream.offer(frame("aaa"), 0);
		stream.offer(frame("bbb"), 0);
		stream.offer(frame("c"), 0);
		assertThat(text(stream.nextBatch(6).frames())).isEqualTo("aaabbb");
		assertThat(text(stream.nextBatch(6).frames())).isEqualTo("c");
	}

	@Test
	void takesAFrameLargerThanMaxBytesAlone() {
		SseStream stream = stream(10);
		stream.offer(frame("a".repeat(20)), 0);
		stream.offer(frame("b"), 0);
		assertThat(text(stream.nextBatch(8).frames())).isEqualTo("a".repeat(20));
		assertThat(text(stream.nextBatch(8).frames())).isEqualTo("b");
	}

	@Test
	void batchIsLastOnlyWhenItHoldsTheCloseFrame() {
		SseStream stream = stream(10);
		stream.offer(frame("aaaa"), 0);
		stream.offer(frame("bbbb"), 0);
		stream.close(frame("Z"));
		SseStream.Batch first = stream.nextBatch(4);
		assertThat(first.last()).isFalse();
		SseStream.Batch second = stream.nextBatch(5);
		assertThat(text(second.frames())).isEqualTo("bbbbZ");
		assertThat(second.last()).isTrue();
	}

	@Test
	void describesItsConnection() {
		SseStream stream = new SseStream("c-1",
				new StreamRequest(SsePrincipal.of("alex", Set.of("chat", "news:*")), Set.of("chat"), null, null), 0,
				DISCARD, 1);
		assertThat(stream.describe().connectionId()).isEqualTo("c-1");
		assertThat(stream.describe().userId()).isEqualTo("alex");
		assertThat(stream.describe().channels()).containsExactly("chat");
		assertThat(stream.describe().connectedAt()).isNotNull();
	}

	private static SseStream stream(int capacity) {
		return new SseStream("c-1", new StreamRequest(SsePrincipal.of("alex", Set.of("chat")), Set.of("chat"), null, null),
				0, DISCARD, capacity);
	}

	private static Frame frame(String text) {
		return Frame.of(text.getBytes(StandardCharsets.UTF_8));
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
