package dev.sseboot.sse.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.replay.EventId;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis that comes back from an older snapshot under running nodes: it holds the same
 * epoch with fewer records than the nodes read. The nodes notice, begin a new epoch and
 * close their streams with {@code resync}, so that no id names two events and resuming
 * clients are told {@code reset}, never {@code recovered}.
 */
class ClusterSnapshotRestartIntegrationTests extends TwoNodesOnOwnRedisTests {

	@Override
	protected String[] nodeProperties() {
		return new String[] { "sse.heartbeat.interval=200ms" };
	}

	@Test
	void beginsANewEpochAndResetsClientsWhenRedisComesBackFromAnOlderSnapshot() {
		SseBroker publisher = ClusterNodes.broker(this.a);
		String token = TestTokens.forUser("snap", "chat");
		List<String> ids = new ArrayList<>();
		String lastReceived;
		String after;
		try (Stream stream = ClusterNodes.client(this.b).openWithBearer("/sse", token)) {
			stream.connectionId();
			for (int i = 0; i < 5; i++) {
				ids.add(publisher.toUser("snap").send("tick", "before the snapshot " + i));
			}
			save();
			for (int i = 0; i < 3; i++) {
				ids.add(publisher.toUser("snap").send("tick", "after the snapshot " + i));
			}
			for (String id : ids) {
				assertThat(stream.next("tick").id()).isEqualTo(id);
			}
			lastReceived = ids.get(ids.size() - 1);
			this.redis.stop();
			this.redis.restart();
			// Publishing at once, before the nodes may have looked: no append may take an id
			// the nodes read in the old copy of the log.
			after = awaitSend(publisher, "snap", "after the restart");
			assertThat(stream.next("sse-close").field("reason")).isEqualTo("resync");
		}
		assertThat(EventId.parse(after).epoch()).as("the epoch after the restart")
			.isNotEqualTo(EventId.parse(lastReceived).epoch());
		assertThat(ids).doesNotContain(after);
		try (Stream resumed = ClusterNodes.client(this.b).open("/sse",
				Map.of("Authorization", "Bearer " + token, "Last-Event-ID", lastReceived))) {
			assertThat(resumed.next().field("resume")).isEqualTo("reset");
		}
	}

	/** Writes the snapshot the server loads when it starts again. */
	private void save() {
		StringRedisTemplate redis = this.cluster.redis();
		try {
			redis.execute((org.springframework.data.redis.core.RedisCallback<Object>) (connection) -> {
				connection.serverCommands().save();
				return null;
			});
		}
		finally {
			((LettuceConnectionFactory) redis.getConnectionFactory()).destroy();
		}
	}

}
