package dev.sseboot.sse.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.replay.EventId;
import dev.sseboot.sse.test.SseTestClient.Event;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replay in cluster mode when the log in Redis keeps little: a client that missed more
 * than it keeps learns it, and gets the newest events, on whichever node it resumes.
 */
class ClusterReplayIntegrationTests {

	private static ClusterNodes cluster;

	private static ConfigurableApplicationContext a;

	private static ConfigurableApplicationContext b;

	@BeforeAll
	static void startTwoNodes() {
		cluster = new ClusterNodes("sse.replay.max-events=5", "sse.connection.max-per-user=0");
		a = cluster.start();
		b = cluster.start();
	}

	@AfterAll
	static void stopNodes() {
		cluster.close();
	}

	@Test
	void reportsAGapAndReplaysTheNewestWhenTheLogTrimmedWhatTheClientMissed() {
		SseBroker publisher = ClusterNodes.broker(a);
		String first = publisher.toUser("behind").send("tick", "0");
		List<String> published = new ArrayList<>();
		for (int i = 1; i <= 300; i++) {
			published.add(publisher.toUser("behind").send("tick", Integer.toString(i)));
		}
		for (ConfigurableApplicationContext node : List.of(a, b)) {
			try (Stream resumed = ClusterNodes.client(node).open("/sse",
					Map.of("Authorization", "Bearer " + TestTokens.forUser("behind"), "Last-Event-ID", first))) {
				assertThat(resumed.next().field("resume")).isEqualTo("gap");
				String live = publisher.toUser("behind").send("live", "after");
				List<String> replayed = new ArrayList<>();
				for (Event event = resumed.next(); !event.id().equals(live); event = resumed.next()) {
					replayed.add(event.id());
				}
				published.add(live);
				// A gap, then no hole: the newest events in order, up to the live one.
				assertThat(replayed).isNotEmpty().hasSizeLessThan(published.size());
				assertThat(replayed).isEqualTo(published.subList(published.indexOf(replayed.get(0)),
						published.size() - 1));
			}
		}
	}

	@Test
	void recoversWhatTheLogStillHolds() {
		SseBroker publisher = ClusterNodes.broker(b);
		String seen = publisher.toUser("close-behind").send("tick", "seen");
		String missed = publisher.toUser("close-behind").send("tick", "missed");
		try (Stream resumed = ClusterNodes.client(a).open("/sse",
				Map.of("Authorization", "Bearer " + TestTokens.forUser("close-behind"), "Last-Event-ID", seen))) {
			assertThat(resumed.next().field("resume")).isEqualTo("recovered");
			assertThat(resumed.next().id()).isEqualTo(missed);
		}
		assertThat(EventId.parse(missed).sequence()).isEqualTo(EventId.parse(seen).sequence() + 1);
	}

}
