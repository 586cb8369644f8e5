package dev.sseboot.sse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.sseboot.sse.broker.NodeBroker;
import dev.sseboot.sse.fixtures.CapturedLogs;
import dev.sseboot.sse.fixtures.ServerContainer;
import dev.sseboot.sse.fixtures.SseTestApplication;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Event;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(classes = SseTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.security.jwt.secret=" + TestTokens.SECRET, "sse.heartbeat.interval=200ms",
				"sse.connection.queue-capacity=8", "sse.connection.max-per-user=1", "sse.connection.on-limit=reject",
				"sse.security.expiry-warning=2s",
				// A fixed request pool, so that the thread check sees the starter's threads only.
				"server.tomcat.threads.max=10", "server.tomcat.threads.min-spare=10",
				"server.jetty.threads.max=10", "server.jetty.threads.min=10" })
class StreamLifecycleIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	NodeBroker broker;

	SseTestClient client;

	@BeforeEach
	void setUp() {
		this.client = new SseTestClient(this.port);
	}

	/** What the broker tells of each stream it ends, for a failure's message. */
	@RegisterExtension
	CapturedLogs brokerLogs = CapturedLogs.of(NodeBroker.class);

	@Test
	void releasesEveryStreamAndNoThreadPerStreamAfterThousandOpenCloseCycles() {
		Logger brokerLogger = (Logger) LoggerFactory.getLogger(NodeBroker.class);
		Level level = brokerLogger.getLevel();
		brokerLogger.setLevel(Level.DEBUG);
		try {
			openAndCloseThousandStreams();
		}
		finally {
			brokerLogger.setLevel(level);
		}
	}

	private void openAndCloseThousandStreams() {
		int batch = 50;
		// Warm up the server's and the client's pools to the concurrency used below.
		openAndClose("warm", batch);
		awaitNoStreams();
		await().atMost(Duration.ofSeconds(10)).until(this::readerThreads, (count) -> count == 0);
		Set<Thread> baseline = Set.copyOf(Thread.getAllStackTraces().keySet());
		for (int round = 0; round < 1000 / batch; round++) {
			openAndClose("cycle" + round + "-", batch);
		}
		awaitNoStreams();
		assertThat(this.broker.status().userCount()).isZero();
		assertThat(this.broker.status().channelCount()).isZero();
		await().atMost(Duration.ofSeconds(10)).until(this::readerThreads, (count) -> count == 0);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
				.filteredOn((thread) -> !baseline.contains(thread) && !isTestClientThread(thread))
				.extracting(Thread::getName)
				.as("threads started during 1000 streams and still alive")
				.hasSizeLessThanOrEqualTo(10));
	}

	/** The test's own HTTP client and awaitility grow their pools as they please. */
	private static boolean isTestClientThread(Thread thread) {
		return thread.getName().startsWith("HttpClient-") || thread.getName().startsWith("awaitility");
	}

	/**
	 * Opens streams, then closes half of them from the client side and half from the
	 * server side.
	 */
	private void openAndClose(String userPrefix, int count) {
		List<Stream> streams = new ArrayList<>();
		List<String> connectionIds = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Stream stream = this.client.openWithBearer("/sse", TestTokens.forUser(userPrefix + i, "chat"));
			assertThat(stream.status()).isEqualTo(200);
			streams.add(stream);
			connectionIds.add(stream.connectionId());
		}
		for (int i = 0; i < count; i++) {
			Stream stream = streams.get(i);
			String connectionId = connectionIds.get(i);
			if (i % 2 == 0) {
				stream.close();
			}
			else if (i % 4 == 1) {
				assertThat(this.broker.disconnect(connectionId)).as(() -> seenBy(stream, connectionId)).isTrue();
			}
			else {
				assertThat(this.broker.disconnectUser(userPrefix + i)).as(() -> seenBy(stream, connectionId))
					.isEqualTo(1);
			}
		}
		for (int i = 1; i < count; i += 2) {
			Stream stream = streams.get(i);
			String connectionId = connectionIds.get(i);
			Event close;
			try {
				close = stream.next("sse-close");
			}
			catch (AssertionError ex) {
				throw new AssertionError(ex.getMessage() + "; " + seenBy(stream, connectionId), ex);
			}
			assertThat(close.field("reason")).as(() -> seenBy(stream, connectionId)).isEqualTo("revoked");
		}
	}

	/**
	 * What became of a stream the broker should hold, or close with a frame: what its
	 * client got, whether the server ended it, and what the broker logged of it.
	 */
	private String seenBy(Stream stream, String connectionId) {
		String told = this.brokerLogs.text()
			.lines()
			.filter((line) -> line.contains(connectionId))
			.collect(Collectors.joining("; "));
		return "stream " + connectionId + ": its client received " + stream.drain()
				+ (stream.ended() ? ", then the end of the response" : "") + "; the broker logged: [" + told + "]";
	}

	private void awaitNoStreams() {
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(this.broker.connectionCount()).isZero();
			assertThat(this.broker.status().closingCount()).isZero();
		});
	}

	private int readerThreads() {
		return (int) Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals("sse-test-reader"))
			.count();
	}

	@Test
	void closesSlowConsumerWithoutBlockingOthers() throws Exception {
		try (Stream fast = this.client.openWithBearer("/sse?channel=feed", TestTokens.forUser("fast", "feed"));
				Socket slow = new Socket()) {
			fast.connectionId();
			slow.setReceiveBufferSize(4096);
			slow.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
			sendStreamRequest(slow, TestTokens.forUser("slow", "feed"));
			await().atMost(Duration.ofSeconds(5)).until(() -> this.broker.isOnline("slow"));
			String payload = "x".repeat(64 * 1024);
			int sent = 0;
			while (this.broker.isOnline("slow") && sent < 2000) {
				String id = this.broker.toChannel("feed").send("tick", payload);
				sent++;
				Event event = fast.next((candidate) -> candidate.name().equals("tick"), Duration.ofSeconds(2));
				assertThat(event.id()).isEqualTo(id);
			}
			assertThat(this.broker.isOnline("slow")).as("slow consumer closed after %d events", sent).isFalse();
			// Streams other tests closed from the client side linger until a write to them fails.
			assertThat(this.broker.connections("fast")).hasSize(1);
			for (int i = 0; i < 20; i++) {
				String id = this.broker.toChannel("feed").send("tick", "after " + i);
				Event event = fast.next((candidate) -> candidate.name().equals("tick"), Duration.ofSeconds(2));
				assertThat(event.id()).isEqualTo(id);
				assertThat(event.data()).isEqualTo("after " + i);
			}
			String body = readUntilClosed(slow, Duration.ofSeconds(10));
			List<String> frames = Arrays.stream(body.split("\n\n")).filter((frame) -> !frame.isBlank()).toList();
			long ticks = frames.stream().filter((frame) -> frame.contains("event: tick")).count();
			assertThat(ticks).as("ticks the slow consumer got").isLessThan(sent);
			assertThat(body).doesNotContain("data: after ");
			// Its connection was full: the server resets it without waiting to write sse-close,
			// dropping what the kernel still held for it. What got through is a prefix.
			assertThat(frames.get(0)).contains("event: sse-connected");
			assertThat(frames.subList(1, frames.size())).allSatisfy((frame) -> assertThat(frame).satisfiesAnyOf(
					(close) -> assertThat(close).isEqualTo("event: sse-close\ndata: {\"reason\":\"slow-consumer\"}"),
					(tick) -> assertThat(tick).startsWith("id: ").contains("event: tick")));
			assertThat(this.broker.status().closingCount()).isZero();
		}
	}

	/**
	 * A client that stops reading must not pin a writer thread: with blocking writes, as
	 * many such clients as writer threads would stop everyone's events until the
	 * container's write timeout. One writer thread makes that visible with one client.
	 */
	@Test
	void keepsDeliveringToOthersWhileASlowConsumerStopsReading() throws Exception {
		try (ConfigurableApplicationContext context = start("sse.connection.writer-threads=1",
				"sse.connection.queue-capacity=8");
				Stream fast = new SseTestClient(port(context)).openWithBearer("/sse?channel=feed",
						TestTokens.forUser("fast", "feed"));
				Socket slow = new Socket()) {
			SseBroker broker = context.getBean(SseBroker.class);
			fast.connectionId();
			slow.setReceiveBufferSize(4096);
			slow.connect(new InetSocketAddress("127.0.0.1", port(context)), 5000);
			sendStreamRequest(slow, port(context), TestTokens.forUser("slow", "feed"));
			await().atMost(Duration.ofSeconds(5)).until(() -> broker.isOnline("slow"));
			String payload = "x".repeat(64 * 1024);
			int sent = 0;
			while (broker.isOnline("slow") && sent < 2000) {
				String id = broker.toChannel("feed").send("tick", payload);
				sent++;
				Event event = fast.next((candidate) -> candidate.name().equals("tick"), Duration.ofSeconds(2));
				assertThat(event.id()).isEqualTo(id);
			}
			String id = broker.toChannel("feed").send("tick", "after");
			assertThat(fast.next((candidate) -> candidate.name().equals("tick"), Duration.ofSeconds(2)).id())
				.isEqualTo(id);
		}
	}

	@Test
	void closesTheConnectionOfADroppedSlowConsumerAtOnce() throws Exception {
		try (ConfigurableApplicationContext context = start("sse.connection.queue-capacity=256");
				Socket slow = new Socket()) {
			SseBroker broker = context.getBean(SseBroker.class);
			slow.connect(new InetSocketAddress("127.0.0.1", port(context)), 5000);
			sendStreamRequest(slow, port(context), TestTokens.forUser("slow", "feed"));
			await().atMost(Duration.ofSeconds(5)).until(() -> broker.isOnline("slow"));
			int connections = ServerContainer.connections(context);
			String payload = "x".repeat(8 * 1024);
			for (int sent = 0; broker.isOnline("slow") && sent < 20_000; sent++) {
				broker.toChannel("feed").send("tick", payload);
			}
			assertThat(broker.isOnline("slow")).isFalse();
			// Megabytes are still queued for a client that reads nothing: the server's write
			// timeout would hold the connection for a minute, the abort lets it go at once.
			await().atMost(Duration.ofSeconds(5)).until(() -> ServerContainer.connections(context) == connections - 1);
			// Reset, not closed: the kernel drops what it held for the client at once, rather
			// than keep it in FIN_WAIT1 (04) for minutes waiting for a client that reads
			// nothing. Tomcat closes the socket on one of its threads, a moment later.
			await().atMost(Duration.ofSeconds(5)).until(() -> {
				List<String> states = tcpStates(port(context), slow.getLocalPort());
				assertThat(states).as("TCP states of the server's end of the dropped connection")
					.doesNotContain("04");
				return states.isEmpty();
			});
			// And its request ended: a graceful shutdown does not wait for it (30 s).
			long start = System.nanoTime();
			context.close();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("context close").isLessThan(Duration.ofSeconds(10));
		}
	}

	/**
	 * The states ({@code /proc/net/tcp}'s hexadecimal codes) of the sockets whose local port
	 * is the server's and whose remote port is a client's: the server's end of one
	 * connection, as the kernel still holds it.
	 */
	private static List<String> tcpStates(int serverPort, int clientPort) throws IOException {
		List<String> states = new ArrayList<>();
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			for (String line : Files.readAllLines(Path.of(table))) {
				String[] columns = line.trim().split("\\s+");
				if (columns.length > 3 && columns[1].endsWith(String.format(":%04X", serverPort))
						&& columns[2].endsWith(String.format(":%04X", clientPort))) {
					states.add(columns[3]);
				}
			}
		}
		return states;
	}

	private void sendStreamRequest(Socket socket, String token) throws IOException {
		sendStreamRequest(socket, this.port, token);
	}

	private static void sendStreamRequest(Socket socket, int port, String token) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(("GET /sse?channel=feed HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer "
				+ token + "\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	/**
	 * Reads a raw chunked response to its end, or to the reset of its connection, and
	 * returns the de-chunked body through its last whole frame: a reset may cut a frame.
	 * Frames use bare line feeds, so every CR LF belongs to the HTTP framing.
	 */
	private static String readUntilClosed(Socket socket, Duration wait) throws IOException {
		socket.setSoTimeout((int) wait.toMillis());
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		InputStream in = socket.getInputStream();
		byte[] buffer = new byte[64 * 1024];
		try {
			int read;
			while ((read = in.read(buffer)) != -1) {
				bytes.write(buffer, 0, read);
			}
		}
		catch (SocketTimeoutException ex) {
			throw new AssertionError("The server did not end the slow consumer's response", ex);
		}
		catch (SocketException ex) {
			// Reset by the server, which dropped what it still held for this client.
			assertThat(ex.getMessage()).contains("reset");
		}
		String response = bytes.toString(StandardCharsets.UTF_8);
		assertThat(response).startsWith("HTTP/1.1 200");
		String body = response.substring(response.indexOf("\r\n\r\n") + 4);
		body = body.replaceFirst("^[0-9a-fA-F]+\r\n", "").replaceAll("\r\n[0-9a-fA-F]+\r\n", "").replace("\r\n", "");
		return body.substring(0, body.lastIndexOf("\n\n") + 2);
	}

	@Test
	void sendsHeartbeatEventsOnIdleStream() {
		try (Stream stream = this.client.openWithBearer("/sse", TestTokens.forUser("idle", "chat"))) {
			stream.connectionId();
			Event first = stream.next("heartbeat");
			Event second = stream.next("heartbeat");
			assertThat(first.id()).isNull();
			assertThat(Instant.parse(first.data())).isBefore(Instant.parse(second.data()));
			assertThat(Instant.parse(second.data())).isCloseTo(Instant.now(), within(Duration.ofSeconds(5)));
		}
	}

	@Test
	void skipsHeartbeatsWhileEventsFlow() {
		try (Stream stream = this.client.openWithBearer("/sse", TestTokens.forUser("busy", "chat"))) {
			stream.connectionId();
			long end = System.nanoTime() + Duration.ofSeconds(1).toNanos();
			int sent = 0;
			while (System.nanoTime() < end) {
				String id = this.broker.toUser("busy").send("tick", Integer.toString(sent++));
				Event event = stream.next();
				assertThat(event.name()).as("event %d of a busy stream", sent).isEqualTo("tick");
				assertThat(event.id()).isEqualTo(id);
			}
			assertThat(stream.next().name()).as("first event once traffic stops").isEqualTo("heartbeat");
		}
	}

	private static org.assertj.core.data.TemporalUnitOffset within(Duration duration) {
		return org.assertj.core.api.Assertions.within(duration.toMillis(), java.time.temporal.ChronoUnit.MILLIS);
	}

	@Test
	void refusesSecondStreamOfUserOverLimitWith429UntilTheFirstIsDueToEnd() {
		try (Stream first = this.client.openWithBearer("/sse",
				TestTokens.expiringIn(Duration.ofSeconds(90), "limited", "chat"))) {
			first.connectionId();
			Stream second = this.client.openWithBearer("/sse", TestTokens.forUser("limited", "chat"));
			assertThat(second.status()).isEqualTo(429);
			assertThat(Long.parseLong(second.header("Retry-After"))).isBetween(85L, 90L);
			assertThat(second.errorBody()).contains("\"code\":\"TOO_MANY_REQUESTS\"");
			assertThat(this.broker.connections("limited")).hasSize(1);
			try (Stream other = this.client.openWithBearer("/sse", TestTokens.forUser("not-limited", "chat"))) {
				assertThat(other.status()).isEqualTo(200);
			}
			assertThat(this.broker.disconnectUser("limited")).isEqualTo(1);
		}
		try (Stream again = this.client.openWithBearer("/sse", TestTokens.forUser("limited", "chat"))) {
			assertThat(again.status()).isEqualTo(200);
		}
	}

	@Test
	void freesTheSlotOfAClosedPageForItsReloadAtOnce() throws Exception {
		try (Socket page = new Socket("127.0.0.1", this.port)) {
			sendStreamRequest(page, TestTokens.forUser("reloader", "feed"));
			await().atMost(Duration.ofSeconds(5)).until(() -> this.broker.isOnline("reloader"));
		}
		// No write has gone to the closed page's stream, yet its slot is free.
		try (Stream reloaded = this.client.openWithBearer("/sse?channel=feed", TestTokens.forUser("reloader", "feed"))) {
			assertThat(reloaded.status()).isEqualTo(200);
			assertThat(this.broker.connections("reloader")).hasSize(1);
		}
	}

	@Test
	void learnsThatAClientClosedItsStreamWithoutWritingToIt() throws Exception {
		try (ConfigurableApplicationContext context = start("sse.heartbeat.interval=10m",
				"sse.connection.close-check-interval=1s")) {
			SseBroker broker = context.getBean(SseBroker.class);
			int connections;
			try (Socket page = new Socket("127.0.0.1", port(context))) {
				sendStreamRequest(page, port(context), TestTokens.forUser("leaver", "feed"));
				await().atMost(Duration.ofSeconds(5)).until(() -> broker.isOnline("leaver"));
				connections = ServerContainer.connections(context);
			}
			// At the stream's next check (a second), not at the next heartbeat ten minutes away.
			await().atMost(Duration.ofSeconds(5)).until(() -> !broker.isOnline("leaver"));
			await().atMost(Duration.ofSeconds(5)).until(() -> ServerContainer.connections(context) == connections - 1);
		}
	}

	@Test
	void keepsAStreamWhoseClientSentAStrayLineBreak() throws Exception {
		try (ConfigurableApplicationContext context = start("sse.connection.close-check-interval=50ms");
				Socket page = new Socket("127.0.0.1", port(context))) {
			SseBroker broker = context.getBean(SseBroker.class);
			sendStreamRequest(page, port(context), TestTokens.forUser("stray", "feed"));
			// RFC 9112 lets a client send an empty line after a request: it is not a close.
			page.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
			await().atMost(Duration.ofSeconds(5)).until(() -> broker.isOnline("stray"));
			await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> broker.isOnline("stray"));
		}
	}

	@Test
	void replacesTheOldestStreamOfAUserAtTheLimitByDefault() {
		try (ConfigurableApplicationContext context = start("sse.connection.max-per-user=2")) {
			SseTestClient client = new SseTestClient(port(context));
			SseBroker broker = context.getBean(SseBroker.class);
			try (Stream oldest = client.openWithBearer("/sse", TestTokens.forUser("tabs", "chat"));
					Stream middle = client.openWithBearer("/sse", TestTokens.forUser("tabs", "chat"));
					Stream newest = client.openWithBearer("/sse", TestTokens.forUser("tabs", "chat"))) {
				String middleId = middle.connectionId();
				String newestId = newest.connectionId();
				assertThat(oldest.next("sse-close").data()).isEqualTo("{\"reason\":\"replaced\"}");
				assertThat(oldest.awaitEnd(Duration.ofSeconds(5))).isTrue();
				assertThat(broker.connections("tabs")).extracting(SseConnection::connectionId)
					.containsExactlyInAnyOrder(middleId, newestId);
			}
		}
	}

	@Test
	void warnsBeforeTokenExpiresThenClosesStream() {
		Instant expiresAt;
		try (Stream stream = this.client.openWithBearer("/sse",
				TestTokens.expiringIn(Duration.ofSeconds(3), "expiring", "chat"))) {
			assertThat(stream.status()).isEqualTo(200);
			stream.connectionId();
			Event warning = stream.next((event) -> !event.name().equals("heartbeat"), Duration.ofSeconds(10));
			assertThat(warning.name()).isEqualTo("sse-token-expiring");
			expiresAt = Instant.parse(warning.field("expiresAt"));
			assertThat(Instant.now()).isAfterOrEqualTo(expiresAt.minusSeconds(2).minusMillis(50));
			Event close = stream.next((event) -> !event.name().equals("heartbeat"), Duration.ofSeconds(10));
			assertThat(Instant.now()).isAfterOrEqualTo(expiresAt);
			assertThat(close.name()).isEqualTo("sse-close");
			assertThat(close.field("reason")).isEqualTo("token-expired");
			assertThat(stream.awaitEnd(Duration.ofSeconds(5))).isTrue();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.broker.isOnline("expiring"));
	}

	@Test
	void sendsHeartbeatsAsCommentsInCommentMode() {
		try (ConfigurableApplicationContext context = start("sse.heartbeat.interval=200ms",
				"sse.heartbeat.mode=comment")) {
			SseBroker broker = context.getBean(SseBroker.class);
			try (Stream stream = new SseTestClient(port(context)).openWithBearer("/sse",
					TestTokens.forUser("idle", "chat"))) {
				assertThat(stream.next().name()).isEqualTo("sse-connected");
				await().atMost(Duration.ofSeconds(5)).until(() -> stream.comments().size() >= 2);
				assertThat(stream.comments()).allSatisfy((comment) -> assertThat(comment).isEqualTo(" heartbeat"));
				String id = broker.toUser("idle").send("marker", "m");
				assertThat(stream.next().id()).as("no heartbeat events in comment mode").isEqualTo(id);
			}
		}
	}

	@Test
	void closesStreamAtMaxLifetime() {
		try (ConfigurableApplicationContext context = start("sse.connection.max-lifetime=1s",
				"sse.connection.lifetime-jitter=0")) {
			SseBroker broker = context.getBean(SseBroker.class);
			try (Stream stream = new SseTestClient(port(context)).openWithBearer("/sse",
					TestTokens.forUser("aging", "chat"))) {
				long opened = System.nanoTime();
				stream.connectionId();
				Event close = stream.next("sse-close");
				assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
				assertThat(close.data()).isEqualTo("{\"reason\":\"max-lifetime\"}");
				assertThat(stream.awaitEnd(Duration.ofSeconds(5))).isTrue();
				await().atMost(Duration.ofSeconds(5)).until(() -> broker.connectionCount() == 0);
			}
		}
	}

	@Test
	void refusesStreamOverNodeLimitWith503() {
		try (ConfigurableApplicationContext context = start("sse.connection.max-total=1")) {
			SseTestClient client = new SseTestClient(port(context));
			try (Stream first = client.openWithBearer("/sse", TestTokens.forUser("first", "chat"))) {
				first.connectionId();
				Stream second = client.openWithBearer("/sse", TestTokens.forUser("second", "chat"));
				assertThat(second.status()).isEqualTo(503);
				// Until the first stream reaches its lifetime, an hour less up to a tenth.
				assertThat(Long.parseLong(second.header("Retry-After"))).isBetween(3240L, 3600L);
				assertThat(second.errorBody()).contains("\"code\":\"UNAVAILABLE\"");
				assertThat(context.getBean(SseBroker.class).connectionCount()).isEqualTo(1);
			}
		}
	}

	@Test
	void closesStreamsWithShutdownReasonAndClosesContextPromptly() {
		ConfigurableApplicationContext context = start();
		SseTestClient client = new SseTestClient(port(context));
		List<Stream> streams = new ArrayList<>();
		try {
			for (int i = 0; i < 5; i++) {
				Stream stream = client.openWithBearer("/sse", TestTokens.forUser("user" + i, "chat"));
				stream.connectionId();
				streams.add(stream);
			}
			long start = System.nanoTime();
			context.close();
			Duration closing = Duration.ofNanos(System.nanoTime() - start);
			assertThat(closing).as("context close").isLessThan(Duration.ofSeconds(3));
			for (Stream stream : streams) {
				Event close = stream.next("sse-close");
				assertThat(close.data()).isEqualTo("{\"reason\":\"shutdown\"}");
				assertThat(stream.awaitEnd(Duration.ofSeconds(5))).isTrue();
			}
		}
		finally {
			streams.forEach(Stream::close);
			context.close();
		}
	}

	@Test
	void releasesTheSocketOfEveryStreamWhoseClientClosedItFoundByACheck() throws Exception {
		releasesTheSocketOfEveryStreamWhoseClientClosedIt("1s", false);
	}

	@Test
	void releasesTheSocketOfEveryStreamWhoseClientClosedItFoundByAFailedWrite() throws Exception {
		releasesTheSocketOfEveryStreamWhoseClientClosedIt("0", true);
	}

	private void releasesTheSocketOfEveryStreamWhoseClientClosedIt(String closeCheckInterval, boolean publish)
			throws Exception {
		try (ConfigurableApplicationContext context = start("sse.connection.close-check-interval=" + closeCheckInterval,
				"sse.connection.max-per-user=0")) {
			SseBroker broker = context.getBean(SseBroker.class);
			long baseline = openFiles();
			List<Socket> pages = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				Socket page = new Socket("127.0.0.1", port(context));
				// A persistent connection, as browsers keep.
				page.getOutputStream()
					.write(("GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
							+ TestTokens.forUser("page" + i) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
				pages.add(page);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> broker.connectionCount() == 100);
			for (Socket page : pages) {
				page.close();
			}
			// Until a write fails: the first may still reach the kernel.
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				if (publish) {
					broker.toAll().send("tick", "x".repeat(1000));
				}
				return broker.connectionCount() == 0;
			});
			// Both ends' descriptors are this process's: none may stay open on the server's.
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(openFiles()).isLessThan(baseline + 10));
		}
	}

	private static long openFiles() {
		return ((com.sun.management.UnixOperatingSystemMXBean) java.lang.management.ManagementFactory
			.getOperatingSystemMXBean()).getOpenFileDescriptorCount();
	}

	@Test
	void closesTheContextPromptlyAfterClientsLeftUnnoticed() {
		ConfigurableApplicationContext context = start("sse.connection.close-check-interval=0");
		try {
			SseTestClient client = new SseTestClient(port(context));
			for (int i = 0; i < 5; i++) {
				try (Stream stream = client.openWithBearer("/sse", TestTokens.forUser("gone" + i, "chat"))) {
					stream.connectionId();
				}
			}
			SseBroker broker = context.getBean(SseBroker.class);
			// Gone, but not yet noticed: no check, no write since.
			assertThat(broker.connectionCount()).isEqualTo(5);
			long start = System.nanoTime();
			context.close();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("context close").isLessThan(Duration.ofSeconds(10));
		}
		finally {
			context.close();
		}
	}

	private static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(SseTestApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off", "sse.security.jwt.secret=" + TestTokens.SECRET,
					"sse.shutdown.drain-period=0")
			.properties(properties)
			.run();
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

}
