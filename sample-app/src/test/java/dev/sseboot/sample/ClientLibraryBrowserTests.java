package dev.sseboot.sample;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.security.JwtTokenIssuer;
import dev.sseboot.sse.test.SseTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The browser client ({@code sse-spring-boot-client}) in real headless Chromium against the
 * sample app: {@code client-harness.html} (test resources) drives it and records what it
 * sees. Streams live four seconds here, so every test also rides through server-forced
 * reconnects, and a user may hold one stream, refused beyond it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "demo.ticker-interval=100ms", "sse.retry=500ms", "sse.connection.max-lifetime=4s",
				"sse.connection.lifetime-jitter=0", "sse.security.expiry-warning=1s",
				"sse.connection.max-per-user=1", "sse.connection.on-limit=reject" })
class ClientLibraryBrowserTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** One browser for the class, started with it and closed after its last test. */
	@AutoClose
	private static final HeadlessChromium browser = new HeadlessChromium();

	@LocalServerPort
	int port;

	@Autowired
	SseBroker broker;

	@Autowired
	JwtTokenIssuer tokens;

	@AfterEach
	void leavePage(TestInfo test) throws IOException {
		browser.screenshot("client-" + test.getTestMethod().orElseThrow().getName());
		browser.open("about:blank");
	}

	@Test
	void renewsTheTokenBeforeItExpiresWithoutLosingOrRepeatingAnEvent() {
		openHarness("user=renewer&channel=ticker&ttl=3");
		browser.awaitScript("two renewals", "return window.record.logins >= 3 && window.record.resumes.length >= 3");
		int ticks = record().get("ticks").size();
		browser.awaitScript("ticks after the renewals", "return window.record.ticks.length >= arguments[0]", ticks + 5);
		JsonNode record = record();
		assertThat(reasons(record)).contains("token-renewal").doesNotContain("token-expired", "unauthorized");
		assertThat(strings(record.get("resumes"))).first().isEqualTo("none");
		assertThat(strings(record.get("resumes")).subList(1, record.get("resumes").size())).containsOnly("recovered");
		assertEachTickOnceInOrder(record);
	}

	@Test
	void reloadResumesWhereThePageLeftOff() {
		openHarness("user=reloader&channel=ticker&storageKey=harness-last-id");
		browser.awaitScript("ticks", "return window.record.ticks.length >= 3");
		browser.reload();
		browser.awaitScript("a stream after the reload",
				"return window.harnessReady === true && window.record.resumes.length >= 1"
						+ " && window.record.ticks.length >= 3");
		JsonNode record = record();
		assertThat(record.get("resumes").get(0).asString()).isEqualTo("recovered");
		// The page before the reload handled up to here; the new one goes on from the next.
		assertThat(record.get("ticks").get(0).get("n").asLong())
			.isEqualTo(record.get("lastTickBeforeLoad").asLong() + 1);
		assertEachTickOnceInOrder(record);
	}

	@Test
	void stopsForGoodWhenTheServerRevokesTheStream() {
		openHarness("user=revokee&channel=ticker");
		browser.awaitScript("an open stream", "return window.client.status.state === 'open'");
		assertThat(this.broker.disconnectUser("revokee")).isEqualTo(1);
		browser.awaitScript("closed", "return window.client.status.state === 'closed'");
		assertThat(browser.script("return window.client.status.reason")).isEqualTo("revoked");
		// Longer than the client's retry: it does not come back.
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !this.broker.isOnline("revokee"));
		assertThat(record().get("logins").asInt()).isEqualTo(1);
	}

	@Test
	void waitsOutTooManyRequestsAndOpensWhenTheSlotFrees() {
		String token = this.tokens.issue("busy", List.of("ticker"), Duration.ofMinutes(5)).token();
		try (SseTestClient.Stream holder = new SseTestClient(this.port).openWithQueryToken("/sse", token,
				"channel=ticker")) {
			assertThat(holder.status()).isEqualTo(200);
			openHarness("user=busy&channel=ticker");
			browser.awaitScript("a 429", "return window.record.statuses.some((s) => s.reason === 'too-many-requests')");
			JsonNode refused = statuses(record()).stream()
				.filter((status) -> "too-many-requests".equals(status.get("reason").asString()))
				.findFirst()
				.orElseThrow();
			assertThat(refused.get("state").asString()).isEqualTo("reconnecting");
			assertThat(refused.get("error").get("status").asInt()).isEqualTo(429);
			// Retry-After: until the holder's stream ends, at its four-second lifetime.
			assertThat(refused.get("retryIn").asLong()).isBetween(1000L, 5000L);
			assertThat(holder.closeReason()).isEqualTo("max-lifetime");
		}
		browser.awaitScript("an open stream", "return window.client.status.state === 'open'");
		browser.awaitScript("ticks", "return window.record.ticks.length >= 3");
	}

	@Test
	void fetchTransportSendsTheTokenInAHeaderAndNeverInTheUrl() {
		openHarness("user=carol&channel=ticker&transport=fetch");
		browser.awaitScript("ticks", "return window.record.ticks.length >= 5");
		List<JsonNode> streamRequests = new ArrayList<>();
		record().get("requests").forEach((request) -> {
			if (request.get("url").asString().contains("/sse")) {
				streamRequests.add(request);
			}
		});
		assertThat(streamRequests).isNotEmpty().allSatisfy((request) -> {
			assertThat(request.get("bearer").asBoolean()).isTrue();
			assertThat(request.get("url").asString()).doesNotContain("token=");
		});
		assertEachTickOnceInOrder(record());
	}

	@Test
	void seesEachEventOnceAcrossThreeServerForcedReconnects() {
		openHarness("user=steady&channel=ticker");
		browser.awaitScript("three reconnects", "return window.record.resumes.length >= 4");
		JsonNode record = record();
		assertThat(reasons(record).stream().filter("max-lifetime"::equals)).hasSizeGreaterThanOrEqualTo(3);
		assertThat(strings(record.get("resumes")).subList(1, 4)).containsOnly("recovered");
		assertEachTickOnceInOrder(record);
	}

	private void openHarness(String query) {
		browser.open("http://127.0.0.1:" + this.port + "/client-harness.html?" + query);
	}

	private static JsonNode record() {
		return JSON.readTree((String) browser.script("return JSON.stringify(window.record)"));
	}

	/** The ticker numbers its events: each number once, none skipped. */
	private static void assertEachTickOnceInOrder(JsonNode record) {
		List<Long> numbers = new ArrayList<>();
		Set<String> ids = new HashSet<>();
		record.get("ticks").forEach((tick) -> {
			numbers.add(tick.get("n").asLong());
			assertThat(ids.add(tick.get("id").asString())).as("id %s seen twice", tick.get("id")).isTrue();
		});
		assertThat(numbers).isNotEmpty();
		for (int i = 1; i < numbers.size(); i++) {
			assertThat(numbers.get(i)).as("tick after %s", numbers.get(i - 1)).isEqualTo(numbers.get(i - 1) + 1);
		}
	}

	private static List<JsonNode> statuses(JsonNode record) {
		List<JsonNode> statuses = new ArrayList<>();
		record.get("statuses").forEach(statuses::add);
		return statuses;
	}

	private static List<String> reasons(JsonNode record) {
		return statuses(record).stream()
			.map((status) -> status.get("reason"))
			.filter((reason) -> !reason.isNull())
			.map(JsonNode::asString)
			.toList();
	}

	private static List<String> strings(JsonNode array) {
		List<String> strings = new ArrayList<>();
		array.forEach((value) -> strings.add(value.asString()));
		return strings;
	}

}
