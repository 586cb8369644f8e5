package dev.sseboot.sse.replay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.SseEvent;
import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Event;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SseIntegrationTest
class ReplayIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	SseBroker broker;

	SseTestClient client;

	@BeforeEach
	void setUp() {
		this.client = new SseTestClient(this.port);
	}

	@Test
	void resumesWithoutLossAfterReconnectWithLastEventIdHeader() {
		String token = TestTokens.forUser("ria", "news");
		String lastSeen;
		try (SseTestClient.Stream stream = this.client.openWithBearer("/sse", token)) {
			assertThat(resume(stream)).isEqualTo("none");
			this.broker.toChannel("news").send("tick", "1");
			lastSeen = stream.next("tick").id();
		}
		List<String> missed = publish(3, () -> this.broker.toChannel("news"));
		try (SseTestClient.Stream stream = this.client.open("/sse",
				Map.of("Authorization", "Bearer " + token, "Last-Event-ID", lastSeen))) {
			assertThat(resume(stream)).isEqualTo("recovered");
			assertThat(ticks(stream, 3)).extracting(Event::id).containsExactlyElementsOf(missed);
			String live = this.broker.toChannel("news").send("tick", "live");
			assertThat(stream.next("tick").id()).isEqualTo(live);
		}
	}

	@Test
	void resumesFromLastEventIdQueryParameterAndPrefersTheHeader() {
		String token = TestTokens.forUser("quinn", "q");
		String first = this.broker.toChannel("q").send("tick", "1");
		String second = this.broker.toChannel("q").send("tick", "2");
		try (SseTestClient.Stream stream = this.client.openWithQueryToken("/sse", token, "lastEventId=" + first)) {
			assertThat(resume(stream)).isEqualTo("recovered");
			assertThat(stream.next("tick").id()).isEqualTo(second);
		}
		try (SseTestClient.Stream stream = this.client.open("/sse?lastEventId=" + first,
				Map.of("Authorization", "Bearer " + token, "Last-Event-ID", second))) {
			assertThat(resume(stream)).isEqualTo("recovered");
			String live = this.broker.toChannel("q").send("tick", "3");
			assertThat(stream.next("tick").id()).isEqualTo(live);
		}
	}

	@Test
	void namesChannelEventsAfterTheirChannelOnlyForStreamsThatAsk() {
		String token = TestTokens.forUser("cleo", "a", "b");
		String before = this.broker.toChannel("a").send("tick", "a0");
		String missed = this.broker.toChannel("b").send("tick", "b1");
		try (SseTestClient.Stream prefixed = this.client.openWithQueryToken("/sse", token,
				"channel=a&channel=b&channelPrefix=true&lastEventId=" + before);
				SseTestClient.Stream plain = this.client.openWithQueryToken("/sse", token,
						"channel=a&channel=b&lastEventId=" + before)) {
			assertThat(resume(prefixed)).isEqualTo("recovered");
			assertThat(resume(plain)).isEqualTo("recovered");
			assertThat(nextEvent(prefixed)).extracting(Event::name, Event::id).containsExactly("b tick", missed);
			assertThat(nextEvent(plain)).extracting(Event::name, Event::id).containsExactly("tick", missed);
			String live = this.broker.toChannel("a").send("tick", "a2");
			assertThat(nextEvent(prefixed)).extracting(Event::name, Event::id, Event::data)
				.containsExactly("a tick", live, "a2");
			assertThat(nextEvent(plain)).extracting(Event::name, Event::id).containsExactly("tick", live);
			// Events for the user, not a channel, keep their names.
			this.broker.toUser("cleo").send("note", "n");
			assertThat(nextEvent(prefixed).name()).isEqualTo("note");
			assertThat(nextEvent(plain).name()).isEqualTo("note");
		}
	}

	@Test
	void replaysNothingToAClientThatDidNotAsk() {
		this.broker.toAll().send("tick", "before");
		try (SseTestClient.Stream stream = this.client.openWithBearer("/sse", TestTokens.forUser("nina"))) {
			assertThat(resume(stream)).isEqualTo("none");
			String live = this.broker.toUser("nina").send("tick", "after");
			assertThat(stream.next("tick").id()).isEqualTo(live);
		}
	}

	@Test
	void reportsGapAndReplaysWhatIsRetainedWhenMissedEventsWereEvicted() {
		String token = TestTokens.forUser("gus", "gap");
		String lastSeen = this.broker.toChannel("gap").send("tick", "0");
		List<String> published = publish(600, () -> this.broker.toChannel("gap"));
		try (SseTestClient.Stream stream = this.client.open("/sse",
				Map.of("Authorization", "Bearer " + token, "Last-Event-ID", lastSeen))) {
			assertThat(resume(stream)).isEqualTo("gap");
			assertThat(ticks(stream, 500)).extracting(Event::id)
				.containsExactlyElementsOf(published.subList(100, 600));
		}
	}

	@Test
	void reportsResetAndReplaysNothingForUnknownEpochOrMalformedId() {
		String token = TestTokens.forUser("rex", "r");
		this.broker.toChannel("r").send("tick", "old");
		for (String lastEventId : List.of("otherepoch-1", "not an id", "12345", epoch() + "-999999999")) {
			try (SseTestClient.Stream stream = this.client.open("/sse",
					Map.of("Authorization", "Bearer " + token, "Last-Event-ID", lastEventId))) {
				assertThat(resume(stream)).as(lastEventId).isEqualTo("reset");
				String live = this.broker.toChannel("r").send("tick", "live");
				assertThat(stream.next("tick").id()).isEqualTo(live);
			}
		}
	}

	@Test
	void replaysOnlyEventsTheStreamWouldReceiveLive() {
		String since = this.broker.toAll().send("tick", "start");
		List<String> forAlex = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			forAlex.add(this.broker.toUser("alex").send("tick", "alex " + i));
			this.broker.toUser("sam").send("tick", "sam " + i);
			forAlex.add(this.broker.toChannel("room:1").send("tick", "room1 " + i));
			this.broker.toChannel("room:2").send("tick", "room2 " + i);
			this.broker.toUser("sam").channel("room:1").send("tick", "sam on room1 " + i);
			forAlex.add(this.broker.toUser("alex").channel("room:1").send("tick", "alex on room1 " + i));
			this.broker.toUser("alex").channel("room:2").send("tick", "alex on room2 " + i);
		}
		forAlex.add(this.broker.toAll().send("tick", "end"));
		SsePrincipal alex = SsePrincipal.of("alex", Set.of("room:1"));
		assertThat(this.broker.eventsSince(since, alex)).extracting(SseEvent::id).containsExactlyElementsOf(forAlex);
		assertThat(this.broker.bufferedEventCount()).isPositive();
		// Granted both rooms once, alex now holds a token for room:1 only.
		String token = TestTokens.forUser("alex", "room:1");
		try (SseTestClient.Stream stream = this.client.open("/sse",
				Map.of("Authorization", "Bearer " + token, "Last-Event-ID", since))) {
			assertThat(resume(stream)).isEqualTo("recovered");
			List<Event> replayed = ticks(stream, forAlex.size());
			assertThat(replayed).extracting(Event::id).containsExactlyElementsOf(forAlex);
			assertThat(replayed).extracting(Event::data).noneMatch((data) -> data.contains("sam") || data.contains("room2"));
			String fence = this.broker.toUser("alex").send("tick", "fence");
			assertThat(stream.next("tick").id()).isEqualTo(fence);
		}
	}

	@Test
	void deliversEventsPublishedDuringResumeAfterTheReplayedOnesWithoutLossOrDuplicate() throws Exception {
		int publishers = 3;
		int perPublisher = 100;
		int clients = 6;
		ExecutorService pool = Executors.newFixedThreadPool(publishers + clients);
		ConcurrentLinkedQueue<String> published = new ConcurrentLinkedQueue<>();
		try {
			List<Future<List<String>>> received = new ArrayList<>();
			for (int c = 0; c < clients; c++) {
				String user = "storm-" + c;
				received.add(pool.submit(() -> readWithReconnects(user, publishers * perPublisher)));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> IntStream.range(0, clients)
				.allMatch((c) -> this.broker.isOnline("storm-" + c)));
			List<Future<?>> publishing = new ArrayList<>();
			for (int p = 0; p < publishers; p++) {
				publishing.add(pool.submit(() -> {
					for (int i = 0; i < perPublisher; i++) {
						published.add(this.broker.toChannel("storm").send("tick", "x"));
					}
				}));
			}
			for (Future<?> publisher : publishing) {
				publisher.get(30, TimeUnit.SECONDS);
			}
			List<String> inIdOrder = published.stream().sorted(ReplayIntegrationTests::compareIds).toList();
			for (Future<List<String>> ids : received) {
				assertThat(ids.get(60, TimeUnit.SECONDS)).containsExactlyElementsOf(inIdOrder);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void resumesAPageReloadFromTheTrackedClientId() {
		String token = TestTokens.forUser("tess", "t");
		String lastSeen;
		try (SseTestClient.Stream stream = this.client.openWithQueryToken("/sse", token, "clientId=tab-1")) {
			assertThat(resume(stream)).isEqualTo("none");
			this.broker.toChannel("t").send("tick", "1");
			lastSeen = stream.next("tick").id();
		}
		// The close check finds the closed connection; the tracker records what was written.
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.broker.isOnline("tess"));
		List<String> missed = publish(2, () -> this.broker.toChannel("t"));
		try (SseTestClient.Stream stream = this.client.openWithQueryToken("/sse", token, "clientId=tab-1")) {
			assertThat(resume(stream)).isEqualTo("recovered");
			assertThat(ticks(stream, 2)).extracting(Event::id).containsExactlyElementsOf(missed);
		}
		try (SseTestClient.Stream other = this.client.openWithQueryToken("/sse", TestTokens.forUser("mallory", "t"),
				"clientId=tab-1")) {
			assertThat(resume(other)).as("client ids are per user").isEqualTo("none");
		}
		assertThat(lastSeen).isNotNull();
	}

	@Test
	void refusesMalformedClientId() {
		SseTestClient.Stream stream = this.client.openWithQueryToken("/sse", TestTokens.forUser("ivy"),
				"clientId=%0Abad");
		assertThat(stream.status()).isEqualTo(400);
		assertThat(stream.errorBody()).contains("BAD_REQUEST");
	}

	/**
	 * Reads the storm channel, dropping the connection every few events and resuming with
	 * the last id seen, until the expected number of events has arrived.
	 */
	private List<String> readWithReconnects(String user, int expected) {
		String token = TestTokens.forUser(user, "storm");
		List<String> ids = new ArrayList<>();
		String lastSeen = null;
		int sinceReconnect = 0;
		SseTestClient.Stream stream = this.client.openWithBearer("/sse", token);
		resume(stream);
		while (ids.size() < expected) {
			if (sinceReconnect == 37) {
				stream.close();
				stream = this.client.open("/sse", Map.of("Authorization", "Bearer " + token, "Last-Event-ID", lastSeen));
				assertThat(resume(stream)).isEqualTo("recovered");
				sinceReconnect = 0;
			}
			Event event = stream.next("tick");
			ids.add(event.id());
			lastSeen = event.id();
			sinceReconnect++;
		}
		stream.close();
		return ids;
	}

	private List<String> publish(int count, java.util.function.Supplier<SseBroker.Recipients> recipients) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ids.add(recipients.get().send("tick", "n" + i));
		}
		return ids;
	}

	private static List<Event> ticks(SseTestClient.Stream stream, int count) {
		List<Event> events = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			events.add(stream.next("tick"));
		}
		return events;
	}

	private static String resume(SseTestClient.Stream stream) {
		assertThat(stream.status()).isEqualTo(200);
		Event connected = stream.next();
		assertThat(connected.name()).isEqualTo("sse-connected");
		String data = connected.data();
		int start = data.indexOf("\"resume\":\"") + 10;
		return data.substring(start, data.indexOf('"', start));
	}

	private String epoch() {
		return this.broker.toAll().send("tick", "epoch probe").split("-")[0];
	}

	private static int compareIds(String a, String b) {
		return Long.compare(EventId.parse(a).sequence(), EventId.parse(b).sequence());
	}

	private static Event nextEvent(SseTestClient.Stream stream) {
		return stream.next((event) -> !"heartbeat".equals(event.name()), Duration.ofSeconds(5));
	}

}
