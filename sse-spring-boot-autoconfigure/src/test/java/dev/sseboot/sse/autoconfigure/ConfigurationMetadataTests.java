package dev.sseboot.sse.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the keys of the generated configuration metadata as applications set them,
 * whichever properties class binds each.
 */
class ConfigurationMetadataTests {

	private static final Path METADATA = Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json");

	/** Every key the starter reads, sorted; one that moves or goes breaks applications. */
	private static final List<String> KEYS = List.of(
			"management.endpoint.sse.access",
			"management.endpoint.sse.cache.time-to-live",
			"sse.channels",
			"sse.cluster.idempotency-window",
			"sse.cluster.node-id",
			"sse.cluster.node-timeout",
			"sse.cluster.publish-timeout",
			"sse.cluster.redis.acknowledging-replicas",
			"sse.cluster.redis.key-prefix",
			"sse.cluster.type",
			"sse.connection.close-check-interval",
			"sse.connection.lifetime-jitter",
			"sse.connection.max-channels",
			"sse.connection.max-lifetime",
			"sse.connection.max-per-user",
			"sse.connection.max-total",
			"sse.connection.on-limit",
			"sse.connection.queue-capacity",
			"sse.connection.tune-server",
			"sse.connection.writer-threads",
			"sse.control.address",
			"sse.control.api-key",
			"sse.control.enabled",
			"sse.control.max-body-size",
			"sse.control.max-token-ttl",
			"sse.control.port",
			"sse.cors.allow-credentials",
			"sse.cors.allowed-origins",
			"sse.cors.max-age",
			"sse.enabled",
			"sse.heartbeat.interval",
			"sse.heartbeat.mode",
			"sse.logging.include-user-id",
			"sse.metrics.enabled",
			"sse.path",
			"sse.replay.enabled",
			"sse.replay.max-bytes",
			"sse.replay.max-events",
			"sse.replay.max-tracked-clients",
			"sse.replay.track-clients",
			"sse.replay.ttl",
			"sse.retry",
			"sse.security.cache.enabled",
			"sse.security.cache.max-size",
			"sse.security.cache.ttl",
			"sse.security.cookie-name",
			"sse.security.expiry-warning",
			"sse.security.failed-attempts.enabled",
			"sse.security.failed-attempts.max",
			"sse.security.failed-attempts.max-clients",
			"sse.security.failed-attempts.window",
			"sse.security.filter-chain-order",
			"sse.security.jwt.audience",
			"sse.security.jwt.clock-skew",
			"sse.security.jwt.encryption-secret",
			"sse.security.jwt.issuer",
			"sse.security.jwt.jwk-set-uri",
			"sse.security.jwt.key-id",
			"sse.security.jwt.public-key-location",
			"sse.security.jwt.require-expiry",
			"sse.security.jwt.secret",
			"sse.security.jwt.type",
			"sse.security.max-revoked-tokens",
			"sse.security.query-parameter",
			"sse.security.query-parameter-enabled",
			"sse.shutdown.drain-delay",
			"sse.shutdown.drain-period",
			"sse.tomcat.response-buffer-size",
			"sse.tomcat.socket-read-buffer-size",
			"sse.tomcat.socket-write-buffer-size");

	@Test
	void generatedMetadataHasExactlyTheStartersKeys() throws IOException {
		assertThat(properties()).extracting(ConfigurationMetadataTests::name).containsExactlyElementsOf(KEYS);
	}

	@Test
	void everyPropertyOfTheStarterIsDescribedAndNoneIsDeprecated() throws IOException {
		for (JsonNode property : properties()) {
			if (name(property).startsWith("sse.")) {
				assertThat(property.hasNonNull("description")).as(name(property)).isTrue();
				assertThat(property.get("description").asString()).as(name(property)).isNotBlank();
				assertThat(property.has("deprecated")).as(name(property)).isFalse();
			}
		}
	}

	private static List<JsonNode> properties() throws IOException {
		JsonNode metadata = JsonMapper.builder().build().readTree(Files.readString(METADATA));
		List<JsonNode> properties = new ArrayList<>();
		metadata.get("properties").forEach(properties::add);
		properties.sort(Comparator.comparing(ConfigurationMetadataTests::name));
		return properties;
	}

	private static String name(JsonNode property) {
		return property.get("name").asString();
	}

}
