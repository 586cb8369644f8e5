package dev.sseboot.sse.observation;

import java.util.Map;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Stream;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter's observations on a real server: one for every send, one for every
 * handshake with how it resumed.
 */
@SseIntegrationTest
@Import(ObservationIntegrationTests.Observations.class)
@TestPropertySource(properties = { "sse.connection.max-per-user=1", "sse.connection.on-limit=reject" })
class ObservationIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	SseBroker broker;

	@Autowired
	TestObservationRegistry registry;

	@BeforeEach
	void clear() {
		this.registry.clear();
	}

	@Test
	void observesEverySendWithItsTargetAsALowCardinalityKey() {
		this.broker.toUser("fay").channel("news").send("headline", "1");
		this.broker.toAll().send("notice", "2");
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasNumberOfObservationsWithNameEqualTo("sse.send", 2)
			.hasObservationWithNameEqualTo("sse.send")
			.that()
			.hasBeenStarted()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("sse.target", "user-channel")
			.hasHighCardinalityKeyValue("sse.event", "headline")
			.hasHighCardinalityKeyValue("sse.channel", "news")
			.doesNotHaveError();
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasAnObservation((observation) -> observation.hasNameEqualTo("sse.send")
				.hasLowCardinalityKeyValue("sse.target", "all")
				.hasHighCardinalityKeyValue("sse.event", "notice"));
	}

	@Test
	void observesEveryHandshakeWithHowItResumed() {
		SseTestClient client = new SseTestClient(this.port);
		String token = TestTokens.forUser("gus");
		String id = this.broker.toUser("gus").send("tick", "1");
		this.broker.toUser("gus").send("tick", "2");
		this.registry.clear();
		try (Stream stream = client.open("/sse", Map.of("Authorization", "Bearer " + token, "Last-Event-ID", id))) {
			assertThat(stream.next().field("resume")).isEqualTo("recovered");
			// A second stream beyond the user's limit of one: refused, and observed as such.
			assertThat(client.openWithBearer("/sse", token).status()).isEqualTo(429);
		}
		await().untilAsserted(() -> TestObservationRegistryAssert.assertThat(this.registry)
			.hasNumberOfObservationsWithNameEqualTo("sse.connect", 2));
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasAnObservation((observation) -> observation.hasNameEqualTo("sse.connect")
				.hasLowCardinalityKeyValue("sse.resume", "recovered")
				.doesNotHaveError())
			.hasAnObservation((observation) -> observation.hasNameEqualTo("sse.connect")
				.hasLowCardinalityKeyValue("sse.resume", "refused")
				.hasError());
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Observations {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.create();
		}

	}

}
