package dev.sseboot.sse.replay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.sseboot.sse.SseEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

class InMemoryReplayBufferTests {

	private static final String EPOCH = "e1";

	@Test
	void replaysEveryLaterEventInOrder() {
		InMemoryReplayBuffer buffer = buffer(100, Duration.ofMinutes(1), 1 << 20);
		appendRange(buffer, 1, 10);
		Replay replay = buffer.after(new EventId(EPOCH, 6));
		assertThat(replay.status()).isEqualTo(ResumeStatus.RECOVERED);
		assertThat(ids(replay)).containsExactly("e1-7", "e1-8", "e1-9", "e1-10");
	}

	@Test
	void replaysNothingToAClientThatIsUpToDate() {
		InMemoryReplayBuffer buffer = buffer(100, Duration.ofMinutes(1), 1 << 20);
		appendRange(buffer, 1, 3);
		Replay replay = buffer.after(new EventId(EPOCH, 3));
		assertThat(replay.status()).isEqualTo(ResumeStatus.RECOVERED);
		assertThat(replay.events()).isEmpty();
	}

	@Test
	void reportsGapWhenEventsAfterTheIdWereEvictedByCount() {
		InMemoryReplayBuffer buffer = buffer(5, Duration.ofMinutes(1), 1 << 20);
		appendRange(buffer, 1, 10);
		assertThat(buffer.size()).isEqualTo(5);
		Replay replay = buffer.after(new EventId(EPOCH, 2));
		assertThat(replay.status()).isEqualTo(ResumeStatus.GAP);
		assertThat(ids(replay)).containsExactly("e1-6", "e1-7", "e1-8", "e1-9", "e1-10");
		assertThat(buffer.after(new EventId(EPOCH, 5)).status()).isEqualTo(ResumeStatus.RECOVERED);
	}

	@Test
	void evictsBySize() {
		byte[] frame = new byte[100];
		InMemoryReplayBuffer buffer = buffer(1000, Duration.ofMinutes(1), 350);
		for (long sequence = 1; sequence <= 10; sequence++) {
			buffer.append(event(sequence), frame);
		}
		assertThat(buffer.size()).isEqualTo(3);
		assertThat(buffer.bytes()).isEqualTo(300);
		assertThat(buffer.after(new EventId(EPOCH, 1)).status()).isEqualTo(ResumeStatus.GAP);
	}

	@Test
	void evictsByAge() {
		InMemoryReplayBuffer buffer = buffer(1000, Duration.ofMillis(50), 1 << 20);
		appendRange(buffer, 1, 3);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			Replay replay = buffer.after(new EventId(EPOCH, 1));
			assertThat(replay.status()).isEqualTo(ResumeStatus.GAP);
			assertThat(replay.events()).isEmpty();
		});
		assertThat(buffer.size()).isZero();
	}

	@Test
	void refusesIdsOfAnotherEpoch() {
		InMemoryReplayBuffer buffer = buffer(10, Duration.ofMinutes(1), 1 << 20);
		assertThatIllegalArgumentException().isThrownBy(() -> buffer.after(new EventId("other", 1)));
		assertThatIllegalArgumentException().isThrownBy(() -> buffer.append(new SseEvent("other-1", "m", "d",
				Instant.now(), null, null, Map.of()), new byte[1]));
	}

	@Test
	void readsStayConsistentUnderConcurrentAppends() throws Exception {
		InMemoryReplayBuffer buffer = buffer(500, Duration.ofMinutes(1), 1 << 24);
		AtomicLong sequence = new AtomicLong();
		ExecutorService pool = Executors.newFixedThreadPool(4);
		CountDownLatch start = new CountDownLatch(1);
		try {
			Future<?> writer = pool.submit(() -> {
				start.await();
				for (int i = 0; i < 20_000; i++) {
					// Appends are serialized by the broker's publishing lock in real use.
					synchronized (buffer) {
						long next = sequence.incrementAndGet();
						buffer.append(event(next), frame(next));
					}
				}
				return null;
			});
			List<Future<?>> readers = new ArrayList<>();
			for (int r = 0; r < 3; r++) {
				readers.add(pool.submit(() -> {
					start.await();
					while (!writer.isDone()) {
						long from = Math.max(0, sequence.get() - 300);
						Replay replay = buffer.after(new EventId(EPOCH, from));
						long previous = from;
						for (BufferedEvent event : replay.events()) {
							long current = EventId.parse(event.event().id()).sequence();
							assertThat(current).isGreaterThan(previous);
							if (replay.status() == ResumeStatus.RECOVERED) {
								assertThat(current).isEqualTo(previous + 1);
							}
							previous = current;
						}
					}
					return null;
				}));
			}
			start.countDown();
			writer.get(30, TimeUnit.SECONDS);
			for (Future<?> reader : readers) {
				reader.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(buffer.size()).isEqualTo(500);
	}

	private static InMemoryReplayBuffer buffer(int maxEvents, Duration ttl, long maxBytes) {
		return new InMemoryReplayBuffer(EPOCH, maxEvents, ttl, maxBytes);
	}

	private static void appendRange(InMemoryReplayBuffer buffer, long from, long to) {
		for (long sequence = from; sequence <= to; sequence++) {
			buffer.append(event(sequence), frame(sequence));
		}
	}

	private static SseEvent event(long sequence) {
		return new SseEvent(EPOCH + "-" + sequence, "m", "data " + sequence, Instant.now(), null, null, Map.of());
	}

	private static byte[] frame(long sequence) {
		return ("id: " + EPOCH + "-" + sequence + "\ndata: data " + sequence + "\n\n").getBytes(StandardCharsets.UTF_8);
	}

	private static List<String> ids(Replay replay) {
		return replay.events().stream().map((event) -> event.event().id()).toList();
	}

}
