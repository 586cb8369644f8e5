package dev.sseboot.sse.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.fixtures.ClusterNodes.ProcessNode;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient.Event;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node killed as {@code kill -9} would (its own JVM, no shutdown hook) while events are
 * published at a steady rate: its clients move to a node that lives and lose nothing,
 * and the cluster stops counting the dead node's streams within the node timeout.
 */
class ClusterNodeDeathIntegrationTests {

	private static final int CLIENTS = 20;

	// Replay holds all the test publishes, however long the clients take to move: a gap
	// would be the log's bound, not the node's death.
	private final ClusterNodes cluster = new ClusterNodes("sse.cluster.node-timeout=1s",
			"sse.connection.max-per-user=0", "sse.replay.max-events=100000");

	@AfterEach
	void stopNodes() {
		this.cluster.close();
	}

	@Test
	void clientsOfAKilledNodeResumeOnAnotherWithNothingLostRepeatedOrReordered() throws Exception {
		ProcessNode doomed = this.cluster.startProcess();
		ProcessNode survivor = this.cluster.startProcess();
		SseBroker publisher = ClusterNodes.broker(this.cluster.start());
		List<Stream> streams = new ArrayList<>();
		List<List<String>> received = new ArrayList<>();
		for (int i = 0; i < CLIENTS; i++) {
			Stream stream = doomed.client().openWithBearer("/sse?channel=feed", TestTokens.forUser("user" + i, "feed"));
			stream.connectionId();
			streams.add(stream);
			received.add(new ArrayList<>());
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> publisher.connectionCount() == CLIENTS);

		List<String> published = new CopyOnWriteArrayList<>();
		AtomicBoolean publishing = new AtomicBoolean(true);
		ExecutorService steady = Executors.newSingleThreadExecutor();
		Future<?> publishes = steady.submit(() -> {
			for (int n = 0; publishing.get(); n++) {
				published.add(publisher.toChannel("feed").send("tick", Integer.toString(n)));
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
			}
		});
		try {
			for (int i = 0; i < CLIENTS; i++) {
				for (int k = 0; k < 10; k++) {
					received.get(i).add(streams.get(i).next("tick").id());
				}
			}
			doomed.kill();
			List<Stream> resumed = new ArrayList<>();
			for (int i = 0; i < CLIENTS; i++) {
				Stream stream = streams.get(i);
				assertThat(stream.awaitEnd(Duration.ofSeconds(10))).as("stream %d ended with its node", i).isTrue();
				stream.drain().stream().filter((event) -> event.name().equals("tick")).map(Event::id)
					.forEach(received.get(i)::add);
				List<String> ids = received.get(i);
				// As a load balancer would: the same request, to a node that lives.
				Stream again = survivor.client().open("/sse?channel=feed", Map.of("Authorization",
						"Bearer " + TestTokens.forUser("user" + i, "feed"), "Last-Event-ID", ids.get(ids.size() - 1)));
				assertThat(again.next().field("resume")).isEqualTo("recovered");
				resumed.add(again);
			}
			// The dead node's streams stop counting: only the resumed ones remain.
			await().atMost(Duration.ofSeconds(5)).until(() -> publisher.connectionCount() == CLIENTS);
			publishing.set(false);
			publishes.get(10, TimeUnit.SECONDS);
			String last = published.get(published.size() - 1);
			for (int i = 0; i < CLIENTS; i++) {
				List<String> ids = received.get(i);
				try (Stream stream = resumed.get(i)) {
					while (!ids.get(ids.size() - 1).equals(last)) {
						ids.add(stream.next("tick").id());
					}
				}
				assertThat(ids).as("client %d", i)
					.isEqualTo(published.subList(published.indexOf(ids.get(0)), published.size()));
			}
		}
		finally {
			publishing.set(false);
			steady.shutdownNow();
			streams.forEach(Stream::close);
		}
	}

}
