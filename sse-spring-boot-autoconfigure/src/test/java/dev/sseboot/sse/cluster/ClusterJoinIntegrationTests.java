package dev.sseboot.sse.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.fixtures.ServerContainer;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node that joins a running cluster while clients are already knocking: it admits and
 * resumes no stream before it has joined the cluster's log, so every client that resumes
 * with an id of the log gets what it missed, {@code recovered}, never {@code reset}. The
 * joining node's first read of the log waits until clients are connected, as when Redis
 * answers a starting node late.
 */
@TestInstance(Lifecycle.PER_CLASS)
class ClusterJoinIntegrationTests {

	private static final int ROUNDS = 4;

	private static final int CLIENTS = 5;

	private ClusterNodes cluster;

	private ConfigurableApplicationContext running;

	@BeforeAll
	void startOneNode() {
		this.cluster = new ClusterNodes("sse.connection.max-per-user=0");
		this.running = this.cluster.start();
	}

	@AfterAll
	void stopNodes() {
		this.cluster.close();
	}

	@Test
	void aNodeThatStartsWhileClientsRetryRecoversEveryResumingClient() throws Exception {
		SseBroker broker = ClusterNodes.broker(this.running);
		ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
		try {
			for (int round = 0; round < ROUNDS; round++) {
				int port = freePort();
				List<CompletableFuture<List<String>>> resumed = new ArrayList<>();
				List<List<String>> missed = new ArrayList<>();
				for (int client = 0; client < CLIENTS; client++) {
					String user = "joiner-" + round + "-" + client;
					String lastSeen = broker.toUser(user).send("seen", "0");
					missed.add(List.of(broker.toUser(user).send("missed", "1"), broker.toUser(user).send("missed", "2")));
					resumed.add(CompletableFuture.supplyAsync(() -> resumeOnceListening(port, user, lastSeen), clients));
				}
				LateJoin.gate = new CountDownLatch(1);
				ConfigurableApplicationContext joining = this.cluster.start("server.port=" + port,
						"spring.main.sources=" + LateJoin.class.getName());
				try {
					await().atMost(Duration.ofSeconds(30))
						.until(() -> ServerContainer.connections(joining) >= CLIENTS);
					LateJoin.gate.countDown();
					for (int client = 0; client < CLIENTS; client++) {
						assertThat(resumed.get(client).get()).as("round %d, client %d", round, client)
							.containsExactly("recovered", missed.get(client).get(0), missed.get(client).get(1));
					}
				}
				finally {
					joining.close();
				}
			}
		}
		finally {
			clients.shutdownNow();
		}
	}

	/**
	 * Resumes as a browser does after its node went away: again and again until the new
	 * node answers with a stream. Returns how it resumed, then, if it recovered, the ids of
	 * the next two events.
	 */
	private static List<String> resumeOnceListening(int port, String user, String lastSeen) {
		SseTestClient client = new SseTestClient(port);
		String token = TestTokens.forUser(user);
		// Refused connections while the node starts; nothing else is expected.
		Stream stream = await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(20))
			.ignoreException(IllegalStateException.class)
			.until(() -> client.open("/sse", Map.of("Authorization", "Bearer " + token, "Last-Event-ID", lastSeen)),
					(opened) -> opened.status() == 200);
		try (stream) {
			String resume = stream.next("sse-connected").field("resume");
			if (!resume.equals("recovered")) {
				return List.of(resume);
			}
			return List.of(resume, stream.next("missed").id(), stream.next("missed").id());
		}
	}

	/**
	 * Holds the first read of a node's cluster log until the test opens the gate.
	 */
	@Configuration(proxyBeanMethods = false)
	static class LateJoin {

		static volatile CountDownLatch gate = new CountDownLatch(0);

		@Bean
		static BeanPostProcessor lateJoiningLog() {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					return (bean instanceof ClusterLog log) ? new LateJoiningLog(log, gate) : bean;
				}

			};
		}

	}

	/** A log whose reader hears of the first epoch only once a gate opens. */
	private record LateJoiningLog(ClusterLog log, CountDownLatch gate) implements ClusterLog {

		@Override
		public void start(Reader reader) {
			this.log.start(new Reader() {

				@Override
				public void reset(String epoch, long position, boolean missed) {
					try {
						LateJoiningLog.this.gate.await(30, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					reader.reset(epoch, position, missed);
				}

				@Override
				public void read(List<LogRecord> records) {
					reader.read(records);
				}

			});
		}

		@Override
		public void stop() {
			this.log.stop();
		}

		@Override
		public String append(LogRecord record, @Nullable String idempotencyKey) {
			return this.log.append(record, idempotencyKey);
		}

		@Override
		public Tail readAfter(long sequence) {
			return this.log.readAfter(sequence);
		}

		@Override
		public Map<String, Instant> revokedTokens() {
			return this.log.revokedTokens();
		}

		@Override
		public long lastSequence() {
			return this.log.lastSequence();
		}

		@Override
		public Status status() {
			return this.log.status();
		}

	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
