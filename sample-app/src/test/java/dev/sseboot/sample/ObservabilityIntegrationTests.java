package dev.sseboot.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app as an operator sees it, in cluster mode on the real Redis: health open,
 * the other actuator endpoints behind the operator's login, and the repository's Grafana
 * dashboard asking only for meters the application exports.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.cluster.type=redis", "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=6379",
				"sse.connection.close-check-interval=200ms" })
@AutoConfigureMetrics
class ObservabilityIntegrationTests {

	private static final Path DASHBOARD = Path.of("..", "grafana", "sse-dashboard.json");

	private static final Pattern METER = Pattern.compile("\\bsse_[a-z_]+\\b");

	private static final String OPERATOR = "Basic "
			+ Base64.getEncoder().encodeToString("operator:operator-demo-password".getBytes(StandardCharsets.UTF_8));

	@LocalServerPort
	int port;

	final HttpClient http = HttpClient.newHttpClient();

	@Test
	void healthIsOpenAndTheOtherEndpointsNeedTheOperator() throws Exception {
		HttpResponse<String> health = get("/actuator/health", null);
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("\"sse\"");
		assertThat(get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
		for (String endpoint : new String[] { "/actuator/prometheus", "/actuator/sse", "/actuator/metrics" }) {
			assertThat(get(endpoint, null).statusCode()).as(endpoint).isEqualTo(401);
			assertThat(get(endpoint, OPERATOR).statusCode()).as(endpoint).isEqualTo(200);
		}
		JsonNode details = JsonMapper.builder().build().readTree(get("/actuator/health", OPERATOR).body());
		JsonNode sse = details.get("components").get("sse");
		assertThat(sse.get("status").asString()).isEqualTo("UP");
		assertThat(sse.get("details").get("cluster").get("available").asBoolean()).isTrue();
	}

	@Test
	void everyDashboardQueryNamesAMeterTheApplicationExports() throws Exception {
		// Counters tagged by reason or code appear once something happened.
		String token = login("operator-test-" + UUID.randomUUID());
		HttpRequest stream = HttpRequest.newBuilder(URI.create(url("/sse?token=" + token))).build();
		HttpResponse<java.util.stream.Stream<String>> opened = this.http.send(stream, HttpResponse.BodyHandlers.ofLines());
		try (java.util.stream.Stream<String> lines = opened.body()) {
			assertThat(lines.filter((line) -> line.equals("event: sse-connected")).findFirst()).isPresent();
		}
		assertThat(get("/sse?token=not-a-token", null).statusCode()).isEqualTo(403);
		await().untilAsserted(() -> assertThat(get("/actuator/prometheus", OPERATOR).body())
			.contains("sse_streams_closed_total{reason=\"client-abort\"}"));

		Set<String> exported = get("/actuator/prometheus", OPERATOR).body()
			.lines()
			.filter((line) -> !line.startsWith("#") && !line.isBlank())
			.map((line) -> line.split("[{ ]", 2)[0])
			.collect(Collectors.toSet());
		Set<String> queried = queriedMeters();
		assertThat(queried).hasSizeGreaterThanOrEqualTo(15);
		assertThat(exported).containsAll(queried);
	}

	private static Set<String> queriedMeters() throws IOException {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		Set<String> meters = new LinkedHashSet<>();
		for (JsonNode panel : dashboard.get("panels")) {
			assertThat(panel.get("targets")).as(panel.get("title").asString()).isNotEmpty();
			for (JsonNode target : panel.get("targets")) {
				Matcher matcher = METER.matcher(target.get("expr").asString());
				assertThat(matcher.find()).as(target.get("expr").asString()).isTrue();
				do {
					meters.add(matcher.group());
				}
				while (matcher.find());
			}
		}
		return meters;
	}

	private String login(String user) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(url("/demo/login")))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("user=" + user))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return JsonMapper.builder().build().readTree(response.body()).get("token").asString();
	}

	private HttpResponse<String> get(String path, String authorization) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

}
