package dev.sseboot.sse.broker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.sseboot.sse.SsePrincipal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StreamWriterTests {

	private final CountDownLatch ended = new CountDownLatch(1);

	private final StreamWriter writer = new StreamWriter(1, (stream, failure) -> {
	}, (stream) -> this.ended.countDown(), BrokerMetrics.NONE);

	@AfterEach
	void shutdown() {
		this.writer.shutdown(Duration.ofSeconds(1));
	}

	@Test
	void abortsADroppedStreamEvenWhenItsOutputFailsOnTheLastFrame() throws InterruptedException {
		BrokenOutput output = new BrokenOutput();
		SseStream stream = new SseStream("c-1",
				new StreamRequest(SsePrincipal.of("alex", Set.of("chat")), Set.of("chat"), null, null), 0, output, 4);
		assertThat(stream.drop(Frame.of("event: sse-close\n\n".getBytes(StandardCharsets.UTF_8))))
			.isEqualTo(SseStream.Offer.SCHEDULE);
		this.writer.schedule(stream);
		assertThat(this.ended.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(output.aborted).isTrue();
		assertThat(output.completed).isFalse();
	}

	/** An output whose container fails as the writer asks it anything. */
	private static final class BrokenOutput implements StreamOutput {

		volatile boolean aborted;

		volatile boolean completed;

		@Override
		public void listen(Runnable writable, Consumer<Throwable> failed) {
		}

		@Override
		public boolean isWritable() {
			throw new IllegalStateException("output broken");
		}

		@Override
		public void write(byte[] frames) {
			throw new IllegalStateException("output broken");
		}

		@Override
		public void complete() {
			this.completed = true;
		}

		@Override
		public void abort() {
			this.aborted = true;
		}

	}

}
