package dev.sseboot.sse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.sseboot.sse.fixtures.SseTestApplication;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.Test;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node that shuts down drains: it is not ready and refuses new streams at once, its open
 * streams keep their events through the drain delay, then they are closed with
 * {@code shutdown} in batches over the drain period rather than all at once.
 */
class ShutdownDrainIntegrationTests {

	private static final Duration DRAIN_DELAY = Duration.ofSeconds(1);

	private static final Duration DRAIN_PERIOD = Duration.ofSeconds(2);

	@Test
	void refusesNewStreamsThenClosesOpenOnesSpreadOverTheDrainPeriod() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SseTestApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off", "sse.security.jwt.secret=" + TestTokens.SECRET,
					"sse.shutdown.drain-delay=" + DRAIN_DELAY.toMillis() + "ms",
					"sse.shutdown.drain-period=" + DRAIN_PERIOD.toMillis() + "ms")
			.run();
		SseTestClient client = new SseTestClient(((WebServerApplicationContext) context).getWebServer().getPort());
		SseBroker broker = context.getBean(SseBroker.class);
		List<Stream> streams = new ArrayList<>();
		ExecutorService readers = Executors.newFixedThreadPool(20);
		try {
			for (int i = 0; i < 20; i++) {
				Stream stream = client.openWithBearer("/sse", TestTokens.forUser("drained" + i, "chat"));
				stream.connectionId();
				streams.add(stream);
			}
			// Each stream's reader: the event sent during the drain, then the close, timed.
			List<String> ticks = new CopyOnWriteArrayList<>();
			List<CompletableFuture<Long>> closedAt = new ArrayList<>();
			for (Stream stream : streams) {
				closedAt.add(CompletableFuture.supplyAsync(() -> {
					ticks.add(stream.next("tick").id());
					assertThat(stream.next().field("reason")).isEqualTo("shutdown");
					return System.nanoTime();
				}, readers));
			}
			long closing = System.nanoTime();
			CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close);

			ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> availability.getReadinessState() == ReadinessState.REFUSING_TRAFFIC);
			// New streams are refused once the broker's stop began, a moment after readiness.
			Stream refused = await().atMost(Duration.ofSeconds(5)).until(() -> {
				Stream latecomer = client.openWithBearer("/sse", TestTokens.forUser("latecomer", "chat"));
				latecomer.close();
				return latecomer;
			}, (latecomer) -> latecomer.status() == 503);
			assertThat(refused.header("Retry-After")).isNotNull();
			// The open streams still get what is sent while they wait for their turn.
			String during = broker.toAll().send("tick", "during the drain");

			List<Long> times = new ArrayList<>();
			for (CompletableFuture<Long> each : closedAt) {
				times.add(each.get(15, TimeUnit.SECONDS));
			}
			closed.get(30, TimeUnit.SECONDS);
			assertThat(ticks).hasSize(streams.size()).containsOnly(during);
			long first = times.stream().mapToLong(Long::longValue).min().getAsLong();
			long last = times.stream().mapToLong(Long::longValue).max().getAsLong();
			assertThat(Duration.ofNanos(first - closing)).as("until the first close").isGreaterThanOrEqualTo(
					DRAIN_DELAY.minusMillis(100));
			// 20 batches over the period: the last one closes 95 % of it after the first.
			assertThat(Duration.ofNanos(last - first)).as("from the first close to the last")
				.isGreaterThanOrEqualTo(DRAIN_PERIOD.dividedBy(2));
		}
		finally {
			readers.shutdownNow();
			streams.forEach(Stream::close);
			context.close();
		}
	}

}
