package dev.sseboot.sse.actuate;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.sseboot.sse.broker.NodeBroker;
import dev.sseboot.sse.fixtures.OpenActuator;
import dev.sseboot.sse.fixtures.SseActuatorIntegrationTest;
import dev.sseboot.sse.fixtures.SseTestApplication;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code sse} actuator endpoint and health contributor on a real server, read over
 * HTTP as an operator would.
 */
@SseActuatorIntegrationTest
class ActuatorIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	NodeBroker broker;

	SseTestClient client;

	@BeforeEach
	void setUp() {
		this.client = new SseTestClient(this.port);
		await().until(() -> this.broker.status().localConnectionCount() == 0);
	}

	@Test
	void summarizesStreamsUsersAndChannelsWithTheTopOnes() {
		try (Stream first = this.client.openWithBearer("/sse?channel=news", TestTokens.forUser("ann", "news"));
				Stream second = this.client.openWithBearer("/sse?channel=news", TestTokens.forUser("ann", "news"));
				Stream third = this.client.openWithBearer("/sse?channel=news&channel=chat",
						TestTokens.forUser("bob", "news", "chat"))) {
			first.connectionId();
			second.connectionId();
			third.connectionId();
			this.broker.toChannel("news").send("headline", "kept for replay");
			JsonNode summary = get("/actuator/sse");
			assertThat(summary.get("streams").asInt()).isEqualTo(3);
			assertThat(summary.get("users").asInt()).isEqualTo(2);
			assertThat(summary.get("channels").asInt()).isEqualTo(2);
			assertThat(summary.get("bufferedEvents").asInt()).isPositive();
			assertThat(summary.get("closingStreams").asInt()).isZero();
			assertThat(summary.get("topChannels").get(0).get("name").asString()).isEqualTo("news");
			assertThat(summary.get("topChannels").get(0).get("streams").asInt()).isEqualTo(3);
			assertThat(summary.get("topUsers").get(0).get("name").asString()).isEqualTo("ann");
			assertThat(summary.get("topUsers").get(0).get("streams").asInt()).isEqualTo(2);
			JsonNode node = summary.get("node");
			assertThat(node.get("streams").asInt()).isEqualTo(3);
			assertThat(node.get("writer").get("threads").asInt()).isPositive();
			assertThat(node.get("replay").get("enabled").asBoolean()).isTrue();
			assertThat(node.get("replay").get("epoch").asString()).isEqualTo(this.broker.status().epoch());
			assertThat(node.has("cluster")).isTrue();
			assertThat(node.get("cluster").isNull()).isTrue();
		}
	}

	@Test
	void showsAUsersConnectionsWithoutTheirTokens() {
		String token = TestTokens.forUser("carol", "news");
		try (Stream stream = this.client.openWithBearer("/sse?channel=news", token)) {
			String connectionId = stream.connectionId();
			String id = this.broker.toUser("carol").send("note", "hello");
			stream.next("note");
			await().untilAsserted(() -> {
				HttpResponse<String> response = this.client.send("GET", "/actuator/sse/carol", Map.of());
				assertThat(response.body()).doesNotContain(token);
				JsonNode user = JSON.readTree(response.body());
				assertThat(user.get("userId").asString()).isEqualTo("carol");
				JsonNode connection = user.get("connections").get(0);
				assertThat(connection.get("connectionId").asString()).isEqualTo(connectionId);
				assertThat(connection.get("channels").get(0).asString()).isEqualTo("news");
				assertThat(connection.get("local").asBoolean()).isTrue();
				assertThat(connection.get("remoteAddress").asString()).isEqualTo("127.0.0.1");
				assertThat(connection.get("lastEventId").asString()).isEqualTo(id);
				assertThat(connection.get("connectedAt").asString()).isNotEmpty();
			});
			assertThat(get("/actuator/sse/nobody").get("connections")).isEmpty();
		}
	}

	@Test
	void disconnectsAUserWithReasonRevoked() {
		try (Stream first = this.client.openWithBearer("/sse", TestTokens.forUser("dave"));
				Stream second = this.client.openWithBearer("/sse", TestTokens.forUser("dave"))) {
			first.connectionId();
			second.connectionId();
			HttpResponse<String> response = this.client.send("DELETE", "/actuator/sse/dave", Map.of());
			assertThat(response.statusCode()).isEqualTo(200);
			JsonNode body = JSON.readTree(response.body());
			assertThat(body.get("userId").asString()).isEqualTo("dave");
			assertThat(body.get("closed").asInt()).isEqualTo(2);
			assertThat(first.next("sse-close").field("reason")).isEqualTo("revoked");
			assertThat(second.next("sse-close").field("reason")).isEqualTo("revoked");
		}
		assertThat(this.broker.isOnline("dave")).isFalse();
	}

	@Test
	void reportsHealthDownWhileTheBrokerIsStopped() {
		HttpResponse<String> up = this.client.send("GET", "/actuator/health/sse", Map.of());
		assertThat(up.statusCode()).isEqualTo(200);
		JsonNode health = JSON.readTree(up.body());
		assertThat(health.get("status").asString()).isEqualTo("UP");
		assertThat(health.get("details").get("streams").asInt()).isZero();
		this.broker.stop();
		try {
			HttpResponse<String> down = this.client.send("GET", "/actuator/health/sse", Map.of());
			assertThat(down.statusCode()).isEqualTo(503);
			assertThat(JSON.readTree(down.body()).get("status").asString()).isEqualTo("DOWN");
			assertThat(down.body()).contains("\"broker\":\"stopped\"");
			assertThat(this.client.send("GET", "/actuator/health", Map.of()).statusCode()).isEqualTo(503);
		}
		finally {
			this.broker.start();
		}
		assertThat(this.client.send("GET", "/actuator/health/sse", Map.of()).statusCode()).isEqualTo(200);
	}

	@Test
	void refusesTrafficBeforeShutdownClosesTheStreams() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SseTestApplication.class,
				OpenActuator.class)
			.properties("server.port=0", "sse.security.jwt.secret=" + TestTokens.SECRET,
					"management.endpoint.health.probes.enabled=true")
			.run();
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
		try (Stream stream = new SseTestClient(port).openWithBearer("/sse", TestTokens.forUser("erin"))) {
			stream.connectionId();
			assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
			CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
			assertThat(stream.next("sse-close").field("reason")).isEqualTo("shutdown");
			// Read when the stream learned of the shutdown: the load balancer was told first.
			assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
			closing.get();
		}
		finally {
			context.close();
		}
	}

	private JsonNode get(String path) {
		HttpResponse<String> response = this.client.send("GET", path, Map.of());
		assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
		return JSON.readTree(response.body());
	}

}
