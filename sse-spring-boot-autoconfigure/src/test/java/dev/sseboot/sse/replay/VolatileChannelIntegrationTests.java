package dev.sseboot.sse.replay;

import java.util.Map;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Volatile channels ({@code sse.channels[cursor:*].replay=false}): their events are
 * delivered live and never stored, so a resuming client is not replayed them and they take
 * no room in the window; on one node, and in cluster mode from the log on a node that
 * joined after them. In a properties file, ':' in a key is escaped.
 */
@SseIntegrationTest
@TestPropertySource(properties = "sse.channels[cursor\\:*].replay=false")
class VolatileChannelIntegrationTests {

	private static final String CHANNELS = "/sse?channel=chat&channel=cursor:board-1";

	@LocalServerPort
	int port;

	@Autowired
	SseBroker broker;

	@Test
	void deliversAVolatileChannelsEventsLiveButNeverReplaysOrStoresThem() {
		String token = TestTokens.forUser("vol-1", "chat", "cursor:*");
		SseTestClient client = new SseTestClient(this.port);
		try (Stream stream = client.openWithBearer(CHANNELS, token)) {
			stream.connectionId();
			int stored = this.broker.bufferedEventCount();
			String first = this.broker.toChannel("chat").send("message", "a");
			String cursor = this.broker.toChannel("cursor:board-1").send("cursor", "{\"x\":1}");
			String second = this.broker.toChannel("chat").send("message", "b");
			assertThat(stream.next().id()).isEqualTo(first);
			assertThat(stream.next().id()).isEqualTo(cursor);
			assertThat(stream.next().id()).isEqualTo(second);
			assertThat(this.broker.bufferedEventCount()).isEqualTo(stored + 2);
			try (Stream resumed = client.resume(CHANNELS, token, first)) {
				assertThat(resumed.next().field("resume")).isEqualTo("recovered");
				assertThat(resumed.next().id()).isEqualTo(second);
			}
		}
	}

	@Test
	void aClusterNodeReplaysNoVolatileEventFromTheLog() {
		// An exact name: the key=value pairs a node starts with take no ':' in a key.
		try (ClusterNodes cluster = new ClusterNodes("sse.channels[cursors].replay=false")) {
			SseBroker publisher = ClusterNodes.broker(cluster.start());
			String first = publisher.toChannel("chat").send("message", "a");
			publisher.toChannel("cursors").send("cursor", "{\"x\":1}");
			String second = publisher.toChannel("chat").send("message", "b");
			// Joins after them: a resume there reads the log.
			ConfigurableApplicationContext later = cluster.start();
			try (Stream resumed = ClusterNodes.client(later).open("/sse?channel=chat&channel=cursors", Map.of(
					"Authorization", "Bearer " + TestTokens.forUser("vol-2", "chat", "cursors"), "Last-Event-ID", first))) {
				assertThat(resumed.next().field("resume")).isEqualTo("recovered");
				assertThat(resumed.next().id()).isEqualTo(second);
				String marker = publisher.toChannel("chat").send("marker", "m");
				assertThat(resumed.next().id()).isEqualTo(marker);
			}
		}
	}

}
