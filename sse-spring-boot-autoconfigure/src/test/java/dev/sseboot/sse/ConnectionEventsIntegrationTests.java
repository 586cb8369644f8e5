package dev.sseboot.sse;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.sseboot.sse.ConnectionEventsIntegrationTests.Listeners;
import dev.sseboot.sse.fixtures.CapturedLogs;
import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Event;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application hears of streams that open and close, through {@code @EventListener}s
 * on a real server: what a listener sends to a new stream arrives after its
 * {@code sse-connected} and its replay, and a slow or throwing listener neither holds up
 * other streams nor breaks its own.
 */
@SseIntegrationTest
@Import(Listeners.class)
class ConnectionEventsIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	SseBroker broker;

	@Autowired
	Listeners listeners;

	SseTestClient client;

	/** The failing listener's warning, checked rather than printed. */
	@RegisterExtension
	CapturedLogs logs = CapturedLogs.named("dev.sseboot.sse.broker.ConnectionEvents");

	@BeforeEach
	void setUp() {
		this.client = new SseTestClient(this.port);
		this.listeners.sleeping = new CountDownLatch(1);
		this.listeners.wakeUp = new CountDownLatch(1);
	}

	@AfterEach
	void releaseSleepers() {
		this.listeners.wakeUp.countDown();
	}

	@Test
	void announcesEachStreamOpenedThenClosedWithWhy() {
		String revoked;
		try (Stream stream = this.client.openWithBearer("/sse?channel=chat", TestTokens.forUser("ev-revoked", "chat"))) {
			revoked = stream.connectionId();
			SseConnectionOpenedEvent opened = awaitOpened(revoked);
			assertThat(opened.principal().userId()).isEqualTo("ev-revoked");
			assertThat(opened.connection().channels()).containsExactly("chat");
			assertThat(opened.resume()).isEqualTo("none");
			this.broker.disconnect(revoked);
			assertThat(awaitClosed(revoked).reason()).isEqualTo("revoked");
		}
		Stream left = this.client.openWithBearer("/sse", TestTokens.forUser("ev-leaving", "chat"));
		String leaving = left.connectionId();
		left.close();
		assertThat(awaitClosed(leaving).reason()).isEqualTo("client-abort");
		assertThat(this.listeners.events).filteredOn((event) -> connectionIdOf(event).equals(revoked))
			.extracting((event) -> event.getClass().getSimpleName())
			.containsExactly("SseConnectionOpenedEvent", "SseConnectionClosedEvent");
	}

	@Test
	void whatAnOpenedListenerSendsArrivesAfterTheConnectedFrameAndTheReplay() {
		String before = this.broker.toUser("welcome-1").send("tick", "0");
		String first = this.broker.toUser("welcome-1").send("tick", "1");
		String second = this.broker.toUser("welcome-1").send("tick", "2");
		try (Stream stream = this.client.open("/sse", Map.of("Authorization",
				"Bearer " + TestTokens.forUser("welcome-1", "chat"), "Last-Event-ID", before))) {
			assertThat(stream.next().field("resume")).isEqualTo("recovered");
			assertThat(stream.next().id()).isEqualTo(first);
			assertThat(stream.next().id()).isEqualTo(second);
			Event welcome = stream.next();
			assertThat(welcome.name()).isEqualTo("welcome");
			assertThat(welcome.data()).isEqualTo("hello welcome-1");
		}
	}

	@Test
	void aSlowOrThrowingListenerNeitherHoldsUpOtherStreamsNorBreaksItsOwn() throws Exception {
		try (Stream sleeper = this.client.openWithBearer("/sse", TestTokens.forUser("ev-sleeper", "chat"));
				Stream thrower = this.client.openWithBearer("/sse", TestTokens.forUser("ev-thrower", "chat"));
				Stream bystander = this.client.openWithBearer("/sse", TestTokens.forUser("ev-bystander", "chat"))) {
			sleeper.connectionId();
			thrower.connectionId();
			bystander.connectionId();
			assertThat(this.listeners.sleeping.await(10, TimeUnit.SECONDS)).isTrue();
			// While the listener of the first stream's event still sleeps:
			String id = this.broker.toUser("ev-bystander").send("tick", "on time");
			assertThat(bystander.next("tick").id()).isEqualTo(id);
			String toThrower = this.broker.toUser("ev-thrower").send("tick", "still open");
			assertThat(thrower.next("tick").id()).isEqualTo(toThrower);
			assertThat(this.listeners.wakeUp.getCount()).as("the slow listener still sleeps").isOne();
			this.listeners.wakeUp.countDown();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.logs.text().contains("A listener of SseConnectionOpenedEvent failed"));
		}
	}

	private SseConnectionOpenedEvent awaitOpened(String connectionId) {
		return (SseConnectionOpenedEvent) awaitEvent(connectionId, SseConnectionOpenedEvent.class);
	}

	private SseConnectionClosedEvent awaitClosed(String connectionId) {
		return (SseConnectionClosedEvent) awaitEvent(connectionId, SseConnectionClosedEvent.class);
	}

	private Object awaitEvent(String connectionId, Class<?> type) {
		return await().atMost(Duration.ofSeconds(10))
			.until(() -> this.listeners.events.stream()
				.filter((event) -> type.isInstance(event) && connectionIdOf(event).equals(connectionId))
				.findFirst()
				.orElse(null), (event) -> event != null);
	}

	private static String connectionIdOf(Object event) {
		return (event instanceof SseConnectionOpenedEvent opened) ? opened.connection().connectionId()
				: ((SseConnectionClosedEvent) event).connection().connectionId();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Listeners {

		final List<Object> events = new CopyOnWriteArrayList<>();

		/** Each test's own: the slow listener sleeps until its test ends. */
		volatile CountDownLatch sleeping;

		volatile CountDownLatch wakeUp;

		private final SseBroker broker;

		Listeners(SseBroker broker) {
			this.broker = broker;
		}

		@EventListener
		void opened(SseConnectionOpenedEvent event) throws InterruptedException {
			this.events.add(event);
			String user = event.principal().userId();
			if (user.startsWith("welcome-")) {
				this.broker.toConnection(event.connection().connectionId()).send("welcome", "hello " + user);
			}
			else if (user.equals("ev-thrower")) {
				throw new IllegalStateException("A listener that fails");
			}
			else if (user.equals("ev-sleeper")) {
				this.sleeping.countDown();
				this.wakeUp.await(30, TimeUnit.SECONDS);
			}
		}

		@EventListener
		void closed(SseConnectionClosedEvent event) {
			this.events.add(event);
		}

	}

}
