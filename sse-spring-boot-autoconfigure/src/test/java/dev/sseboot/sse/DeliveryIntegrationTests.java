package dev.sseboot.sse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Event;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@SseIntegrationTest
class DeliveryIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	SseBroker broker;

	SseTestClient client;

	private final List<Stream> opened = new ArrayList<>();

	@BeforeEach
	void setUp() {
		this.client = new SseTestClient(this.port);
	}

	@AfterEach
	void closeStreams() {
		this.opened.forEach(Stream::close);
	}

	@Test
	void refusesHeadRequestsWithoutOpeningAStream() {
		int before = this.broker.connectionCount();
		java.net.http.HttpResponse<String> response = this.client.send("HEAD", "/sse",
				Map.of("Authorization", "Bearer " + TestTokens.forUser("header", "chat")));
		assertThat(response.statusCode()).isEqualTo(405);
		assertThat(response.headers().firstValue("Allow")).hasValue("GET");
		assertThat(this.broker.isOnline("header")).isFalse();
		// At most: streams that other classes on this server left may be closing meanwhile.
		assertThat(this.broker.connectionCount()).isLessThanOrEqualTo(before);
	}

	@Test
	void deliversUserEventsToThatUserOnly() {
		Stream alex = connected("alex-u", "chat");
		Stream bob = connected("bob-u", "chat");
		String id = this.broker.toUser("alex-u").send("notification", "for alex");
		Event event = alex.next();
		assertThat(event.name()).isEqualTo("notification");
		assertThat(event.id()).isEqualTo(id);
		assertThat(event.data()).isEqualTo("for alex");
		assertNothingBeforeMarker(bob, "bob-u");
	}

	@Test
	void deliversChannelEventsToSubscribersOfThatChannelOnly() {
		Stream onChat = connected("alex-c", "chat");
		Stream onNews = connected("bob-c", "news");
		String id = this.broker.toChannel("chat").send("message", "hello chat");
		assertThat(onChat.next().id()).isEqualTo(id);
		assertNothingBeforeMarker(onNews, "bob-c");
	}

	@Test
	void deliversUserChannelEventsToThatUsersStreamsOnThatChannelOnly() {
		Stream alexChat = connected("alex-uc", "chat");
		Stream alexNews = connected("alex-uc", "news");
		Stream bobChat = connected("bob-uc", "chat");
		String id = this.broker.toUser("alex-uc").channel("chat").send("message", "hi");
		Event event = alexChat.next();
		assertThat(event.id()).isEqualTo(id);
		assertThat(event.data()).isEqualTo("hi");
		assertNothingBeforeMarker(alexNews, "alex-uc");
		assertNothingBeforeMarker(bobChat, "bob-uc");
	}

	@Test
	void deliversToAllToEveryStream() {
		Stream alex = connected("alex-a", "chat");
		Stream bob = connected("bob-a", "news");
		String id = this.broker.toAll().send("maintenance", "at noon");
		assertThat(alex.next().id()).isEqualTo(id);
		Event event = bob.next();
		assertThat(event.id()).isEqualTo(id);
		assertThat(event.name()).isEqualTo("maintenance");
		assertThat(event.data()).isEqualTo("at noon");
	}

	@Test
	void deliversToOneConnectionById() {
		Stream first = open("alex-id", "chat");
		String firstId = first.connectionId();
		Stream second = connected("alex-id", "chat");
		String id = this.broker.toConnection(firstId).send("direct", "only you");
		Event event = first.next();
		assertThat(event.id()).isEqualTo(id);
		assertThat(event.data()).isEqualTo("only you");
		assertNothingBeforeMarker(second, "alex-id");
		assertThat(this.broker.connections("alex-id")).extracting(SseConnection::connectionId).contains(firstId);
	}

	@Test
	void deliversUserEventsToEveryStreamOfTheUser() {
		Stream one = connected("alex-many", "chat");
		Stream two = connected("alex-many", "news");
		Stream three = connected("alex-many", "chat");
		String id = this.broker.toUser("alex-many").send("notification", "all of you");
		assertThat(List.of(one.next(), two.next(), three.next())).extracting(Event::id).containsOnly(id);
		assertThat(this.broker.isOnline("alex-many")).isTrue();
		assertThat(this.broker.connections("alex-many")).hasSize(3);
	}

	@Test
	void subscribesStreamWithoutChannelToConcreteGrantsOfTheToken() {
		Stream stream = this.client.openWithBearer("/sse", TestTokens.forUser("alex-g", "chat", "news", "project:*"));
		this.opened.add(stream);
		Event connected = stream.next();
		assertThat(connected.name()).isEqualTo("sse-connected");
		assertThat(SseTestClient.json(connected.data(), "channels").valueStream().map((node) -> node.asString()))
			.containsExactlyInAnyOrder("chat", "news");
		this.broker.toChannel("project:1").send("position", "nope");
		String id = this.broker.toChannel("news").send("headline", "yes");
		Event event = stream.next();
		assertThat(event.id()).isEqualTo(id);
		assertThat(event.name()).isEqualTo("headline");
	}

	@Test
	void splitsMultiLineStringIntoDataLinesThatClientsRejoin() {
		Stream stream = connected("alex-ml", "chat");
		this.broker.toUser("alex-ml").send("text", "first\nsecond\r\nthird\rfourth");
		assertThat(stream.next().data()).isEqualTo("first\nsecond\nthird\nfourth");
	}

	@Test
	void writesObjectsAsJson() {
		Stream stream = connected("alex-json", "chat");
		this.broker.toUser("alex-json").send("position", new Position("drone-1", 1.5, List.of("a", "b")));
		assertThat(stream.next().data()).isEqualTo("{\"drone\":\"drone-1\",\"altitude\":1.5,\"tags\":[\"a\",\"b\"]}");
	}

	@Test
	void sendsUnnamedEventsAsMessage() {
		Stream stream = connected("alex-unnamed", "chat");
		String id = this.broker.toUser("alex-unnamed").send("plain");
		Event event = stream.next();
		assertThat(event.id()).isEqualTo(id);
		assertThat(event.name()).isEqualTo("message");
	}

	@Test
	void assignsIncreasingIdsThatMatchTheIdField() {
		Stream stream = connected("alex-ids", "chat");
		List<String> sent = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			sent.add(this.broker.toUser("alex-ids").send("n", Integer.toString(i)));
		}
		List<String> received = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			Event event = stream.next();
			assertThat(event.data()).isEqualTo(Integer.toString(i));
			received.add(event.id());
		}
		assertThat(received).isEqualTo(sent);
		String epoch = sent.get(0).substring(0, sent.get(0).lastIndexOf('-'));
		assertThat(sent).allSatisfy((id) -> assertThat(id).startsWith(epoch + "-"));
		List<Long> sequences = sent.stream().map((id) -> Long.parseLong(id.substring(id.lastIndexOf('-') + 1))).toList();
		assertThat(sequences).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void refusesReservedEventNames() {
		for (String reserved : List.of("sse-connected", "heartbeat", "sse-token-expiring", "sse-close")) {
			assertThatIllegalArgumentException().isThrownBy(() -> this.broker.toAll().send(reserved, "x"));
			assertThatIllegalArgumentException().isThrownBy(() -> this.broker.toUser("alex").send(reserved, "x"));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> this.broker.toUser("alex").channel("chat").send(reserved, "x"));
			assertThatIllegalArgumentException().isThrownBy(() -> this.broker.toChannel("chat").send(reserved, "x"));
			assertThatIllegalArgumentException().isThrownBy(() -> this.broker.toConnection("c").send(reserved, "x"));
		}
	}

	@Test
	void refusesEventNamesWithLineBreaksAndDeliversNothing() {
		Stream stream = connected("alex-crlf", "chat");
		for (String name : List.of("a\nb", "a\rb", "a\r\nevent: evil", "line\n", "")) {
			assertThatIllegalArgumentException().isThrownBy(() -> this.broker.toUser("alex-crlf").send(name, "x"));
		}
		assertNothingBeforeMarker(stream, "alex-crlf");
	}

	private Stream open(String userId, String channel) {
		Stream stream = this.client.openWithBearer("/sse?channel=" + channel, TestTokens.forUser(userId, "chat", "news"));
		this.opened.add(stream);
		assertThat(stream.status()).isEqualTo(200);
		return stream;
	}

	@Test
	void sendsOnceForAnIdempotencyKeyRepeatedWithinTheWindowAndReturnsTheFirstId() {
		Stream stream = connected("idem-u", "chat");
		String first = this.broker.toUser("idem-u").withIdempotencyKey("invoice-1-paid").send("paid", "1");
		String retry = this.broker.toUser("idem-u").withIdempotencyKey("invoice-1-paid").send("paid", "1");
		// The key alone tells a retry, whatever the recipients.
		String elsewhere = this.broker.toChannel("chat").withIdempotencyKey("invoice-1-paid").send("paid", "1");
		assertThat(retry).isEqualTo(first);
		assertThat(elsewhere).isEqualTo(first);
		assertThat(stream.next().id()).isEqualTo(first);
		assertNothingBeforeMarker(stream, "idem-u");
		String other = this.broker.toUser("idem-u").withIdempotencyKey("invoice-2-paid").send("paid", "2");
		assertThat(stream.next().id()).isEqualTo(other).isNotEqualTo(first);
		assertThatIllegalArgumentException().isThrownBy(() -> this.broker.toUser("idem-u").withIdempotencyKey(""));
	}

	@Test
	void sendsOnceWhenThreadsRaceWithOneIdempotencyKey() throws Exception {
		Stream stream = connected("idem-race", "chat");
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<String>> ids = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				ids.add(pool.submit(() -> {
					go.await();
					return this.broker.toUser("idem-race").withIdempotencyKey("race").send("once", "x");
				}));
			}
			go.countDown();
			Set<String> distinct = new HashSet<>();
			for (Future<String> id : ids) {
				distinct.add(id.get(10, TimeUnit.SECONDS));
			}
			assertThat(distinct).hasSize(1);
			assertThat(stream.next().id()).isEqualTo(distinct.iterator().next());
			assertNothingBeforeMarker(stream, "idem-race");
		}
		finally {
			pool.shutdownNow();
		}
	}

	private Stream connected(String userId, String channel) {
		Stream stream = open(userId, channel);
		stream.connectionId();
		return stream;
	}

	/**
	 * Sends a marker to the user and checks that it is the next event of the stream:
	 * events arrive in id order, so anything wrongly delivered earlier would come first.
	 */
	private void assertNothingBeforeMarker(Stream stream, String userId) {
		String marker = this.broker.toUser(userId).send("marker", "m");
		Event next = stream.next();
		assertThat(next.id()).as("next event after a marker").isEqualTo(marker);
		assertThat(next.name()).isEqualTo("marker");
	}

	record Position(String drone, double altitude, List<String> tags) {
	}

}
