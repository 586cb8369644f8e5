package dev.sseboot.sse.web.jetty;

import java.time.Duration;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jetty closes a connection silent for its idle timeout, stream or not: the stream's is
 * raised to three heartbeat intervals, so a quiet stream lives on between heartbeats.
 */
@SseIntegrationTest
@TestPropertySource(properties = { "server.jetty.connection-idle-timeout=500ms", "sse.heartbeat.interval=1500ms" })
class JettyIdleTimeoutIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	SseBroker broker;

	@Test
	void keepsAStreamQuieterThanTheConnectorsIdleTimeout() {
		try (SseTestClient.Stream stream = new SseTestClient(this.port).openWithBearer("/sse",
				TestTokens.forUser("quiet"))) {
			assertThat(stream.status()).isEqualTo(200);
			assertThat(stream.next().name()).isEqualTo("sse-connected");
			// Two heartbeats, each after three times the connector's idle timeout of silence.
			assertThat(stream.next(Duration.ofSeconds(5)).name()).isEqualTo("heartbeat");
			assertThat(stream.next(Duration.ofSeconds(5)).name()).isEqualTo("heartbeat");
			assertThat(stream.ended()).isFalse();
			assertThat(this.broker.isOnline("quiet")).isTrue();
		}
	}

}
