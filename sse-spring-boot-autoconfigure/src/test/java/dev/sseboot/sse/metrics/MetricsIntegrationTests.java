package dev.sseboot.sse.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.sseboot.sse.broker.NodeBroker;
import dev.sseboot.sse.fixtures.Prometheus;
import dev.sseboot.sse.fixtures.Prometheus.Scrape;
import dev.sseboot.sse.fixtures.SseActuatorIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Event;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter's meters, scraped from {@code /actuator/prometheus} of a real server as
 * real clients open, read, resume and leave streams.
 */
@SseActuatorIntegrationTest
class MetricsIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	NodeBroker broker;

	SseTestClient client;

	Prometheus prometheus;

	@BeforeEach
	void setUp() {
		this.client = new SseTestClient(this.port);
		this.prometheus = new Prometheus(this.client, "/actuator/prometheus");
		// The streams of the tests before, which their clients closed, gone and counted.
		await().until(() -> this.broker.status().localConnectionCount() == 0);
	}

	@Test
	void gaugesAndCountersFollowStreamsAsTheyOpenAndClose() {
		Scrape before = this.prometheus.scrape();
		try (Stream first = this.client.openWithBearer("/sse?channel=gauges", TestTokens.forUser("gauge-1", "gauges"));
				Stream second = this.client.openWithBearer("/sse", TestTokens.forUser("gauge-2"))) {
			first.next("sse-connected");
			second.next("sse-connected");
			Scrape open = this.prometheus.scrape();
			assertThat(open.value("sse_streams_open")).isEqualTo(before.value("sse_streams_open") + 2);
			assertThat(open.value("sse_users_connected")).isEqualTo(before.value("sse_users_connected") + 2);
			assertThat(open.value("sse_channels_subscribed")).isEqualTo(before.value("sse_channels_subscribed") + 1);
			assertThat(open.value("sse_streams_opened_total", "resume", "none"))
				.isEqualTo(before.value("sse_streams_opened_total", "resume", "none") + 2);

			this.broker.disconnectUser("gauge-1");
			assertThat(first.readToEnd(Duration.ofSeconds(10))).extracting(Event::name).contains("sse-close");
			await().untilAsserted(() -> {
				Scrape closed = this.prometheus.scrape();
				assertThat(closed.value("sse_streams_closed_total", "reason", "revoked"))
					.isEqualTo(before.value("sse_streams_closed_total", "reason", "revoked") + 1);
				assertThat(closed.value("sse_streams_open")).isEqualTo(before.value("sse_streams_open") + 1);
			});
		}
	}

	@Test
	void countsAClientThatWentAwayAsAClientAbort() {
		Scrape before = this.prometheus.scrape();
		Stream stream = this.client.openWithBearer("/sse", TestTokens.forUser("leaver"));
		stream.next("sse-connected");
		stream.close();
		await().untilAsserted(() -> {
			Scrape after = this.prometheus.scrape();
			assertThat(after.value("sse_streams_closed_total", "reason", "client-abort"))
				.isEqualTo(before.value("sse_streams_closed_total", "reason", "client-abort") + 1);
			assertThat(after.value("sse_streams_open")).isEqualTo(before.value("sse_streams_open"));
		});
	}

	@Test
	void countsEventsByTargetAndTheFramesDelivered() {
		String token = TestTokens.forUser("counted", "news");
		try (Stream stream = this.client.openWithBearer("/sse?channel=news", token)) {
			String connectionId = stream.connectionId();
			Scrape before = this.prometheus.scrape();
			this.broker.toUser("counted").send("one", "1");
			this.broker.toChannel("news").send("two", "2");
			this.broker.toUser("counted").channel("news").send("three", "3");
			this.broker.toAll().send("four", "4");
			this.broker.toConnection(connectionId).send("five", "5");
			this.broker.toUser("nobody-here").send("six", "6");
			for (String name : List.of("one", "two", "three", "four", "five")) {
				stream.next(name);
			}
			await().untilAsserted(() -> {
				Scrape after = this.prometheus.scrape();
				for (String target : List.of("channel", "user-channel", "all", "connection")) {
					assertThat(after.value("sse_events_published_total", "target", target)).as(target)
						.isEqualTo(before.value("sse_events_published_total", "target", target) + 1);
				}
				assertThat(after.value("sse_events_published_total", "target", "user"))
					.isEqualTo(before.value("sse_events_published_total", "target", "user") + 2);
				// The stream's five events; the event for nobody, sse-connected and heartbeats are not frames of events.
				assertThat(after.value("sse_frames_delivered_total"))
					.isEqualTo(before.value("sse_frames_delivered_total") + 5);
				assertThat(after.value("sse_replay_events")).isPositive();
				assertThat(after.value("sse_replay_size_bytes")).isPositive();
			});
		}
	}

	@Test
	void measuresTheDelayFromSendToWriteInAHistogram() {
		double before = this.prometheus.scrape().value("sse_delivery_latency_seconds_count");
		try (Stream stream = this.client.openWithBearer("/sse", TestTokens.forUser("timed"))) {
			stream.next("sse-connected");
			// One write per event, one write in 16 measured: 400 writes miss all with p < 1e-11.
			for (int i = 0; i < 400; i++) {
				this.broker.toUser("timed").send("tick", Integer.toString(i));
				stream.next("tick");
			}
		}
		Scrape after = this.prometheus.scrape();
		double count = after.value("sse_delivery_latency_seconds_count");
		assertThat(count).isGreaterThan(before).isLessThanOrEqualTo(before + 400);
		// Each event was written while the test waited for it: well under a second.
		assertThat(after.value("sse_delivery_latency_seconds_max")).isPositive().isLessThan(1.0);
		assertThat(after.has("sse_delivery_latency_seconds_bucket", "le", "+Inf")).isTrue();
		assertThat(after.value("sse_delivery_latency_seconds_bucket", "le", "+Inf"))
			.isEqualTo(after.value("sse_delivery_latency_seconds_count"));
	}

	@Test
	void countsResumesThatRecoverAndThatGapWithTheEventsReplayed() {
		String token = TestTokens.forUser("resumer");
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			ids.add(this.broker.toUser("resumer").send("tick", Integer.toString(i)));
		}
		Scrape before = this.prometheus.scrape();
		try (Stream recovered = this.client.open("/sse",
				Map.of("Authorization", "Bearer " + token, "Last-Event-ID", ids.get(0)))) {
			assertThat(recovered.next().data()).contains("\"resume\":\"recovered\"");
		}
		for (int i = 0; i < 10; i++) {
			this.broker.toUser("resumer").send("tick", Integer.toString(i));
		}
		try (Stream gap = this.client.open("/sse",
				Map.of("Authorization", "Bearer " + token, "Last-Event-ID", ids.get(0)))) {
			assertThat(gap.next().data()).contains("\"resume\":\"gap\"");
		}
		try (Stream reset = this.client.open("/sse",
				Map.of("Authorization", "Bearer " + token, "Last-Event-ID", "not-an-id"))) {
			assertThat(reset.next().data()).contains("\"resume\":\"reset\"");
		}
		Scrape after = this.prometheus.scrape();
		for (String status : List.of("recovered", "gap", "reset")) {
			assertThat(after.value("sse_streams_opened_total", "resume", status)).as(status)
				.isEqualTo(before.value("sse_streams_opened_total", "resume", status) + 1);
		}
		// Two after the first id, then the five the buffer holds.
		assertThat(after.value("sse_events_replayed_total")).isEqualTo(before.value("sse_events_replayed_total") + 7);
	}

	@Test
	void countsASlowConsumerAndTheEventsItLost() {
		Scrape before = this.prometheus.scrape();
		Stream stalled = this.client.openPaused("/sse",
				Map.of("Authorization", "Bearer " + TestTokens.forUser("stalled")));
		String payload = "x".repeat(8 * 1024);
		await().until(() -> this.broker.isOnline("stalled"));
		for (int i = 0; i < 20_000 && this.broker.isOnline("stalled"); i++) {
			this.broker.toUser("stalled").send("tick", payload);
		}
		assertThat(this.broker.isOnline("stalled")).as("dropped as a slow consumer").isFalse();
		stalled.close();
		Scrape after = this.prometheus.scrape();
		assertThat(after.value("sse_streams_closed_total", "reason", "slow-consumer"))
			.isEqualTo(before.value("sse_streams_closed_total", "reason", "slow-consumer") + 1);
		// The event that overflowed the queue of 16, and those still queued, each once: how
		// many were still queued, rather than in a writer's hands or the server's buffers,
		// depends on timing (from 1 to 16 seen, on Tomcat and on Jetty).
		assertThat(after.value("sse_events_dropped_total", "reason", "slow-consumer")
				- before.value("sse_events_dropped_total", "reason", "slow-consumer"))
			.isBetween(1.0, 17.0);
	}

	@Test
	void countsRefusedRequestsByCodeAndNeverTagsATokenOrAUser() {
		Scrape before = this.prometheus.scrape();
		String forged = TestTokens.forUser("mallory-the-user") + "x";
		assertThat(this.client.openWithBearer("/sse", forged).status()).isEqualTo(403);
		assertThat(this.client.open("/sse", Map.of()).status()).isEqualTo(401);
		assertThat(this.client.openWithBearer("/sse?channel=secret", TestTokens.forUser("mallory-the-user")).status())
			.isEqualTo(403);
		Scrape after = this.prometheus.scrape();
		assertThat(after.value("sse_streams_refused_total", "code", "FORBIDDEN"))
			.isEqualTo(before.value("sse_streams_refused_total", "code", "FORBIDDEN") + 2);
		assertThat(after.value("sse_streams_refused_total", "code", "UNAUTHORIZED"))
			.isEqualTo(before.value("sse_streams_refused_total", "code", "UNAUTHORIZED") + 1);
		assertThat(after.text()).doesNotContain("mallory").doesNotContain(forged).doesNotContain("secret\"");
	}

}
