package dev.sseboot.sse.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.sseboot.sse.SseConnection;
import dev.sseboot.sse.cluster.ClusterPresence.Admission;
import dev.sseboot.sse.cluster.ClusterPresence.Connection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FallbackPresenceTests {

	private final Store store = new Store();

	private final FallbackPresence presence = new FallbackPresence(this.store);

	@Test
	void answersForTheClusterWhileItsStoreAnswers() {
		this.presence.admit(connection("a1", "alice"), 0, 0, true);
		assertThat(this.presence.connectionCount()).isEqualTo(42);
		assertThat(this.presence.nodeId()).isEqualTo("node-1");
		assertThat(this.store.admitted).containsExactly("a1");
	}

	@Test
	void answersForThisNodeWhileTheStoreIsUnreachable() {
		this.presence.admit(connection("a1", "alice"), 0, 0, true);
		this.store.down = true;
		this.presence.admit(connection("a2", "alice"), 0, 0, true);
		assertThat(this.presence.connectionCount()).isEqualTo(2);
		assertThat(this.presence.connections("alice")).extracting(SseConnection::connectionId)
			.containsExactly("a1", "a2");
		assertThat(this.presence.isOpen("a2")).isTrue();
		assertThat(this.presence.countsByUser()).isEqualTo(Map.of("alice", 2));
	}

	@Test
	void appliesThisNodesLimitsWhileTheStoreIsUnreachable() {
		this.presence.admit(connection("a1", "alice"), 1, 0, false);
		this.store.down = true;
		assertThat(this.presence.admit(connection("a2", "alice"), 1, 0, false).outcome())
			.isEqualTo(Admission.Outcome.USER_LIMIT);
		Connection first = connection("a1", "alice");
		this.presence.remove(first);
		assertThat(this.presence.admit(connection("a3", "alice"), 1, 0, false).outcome())
			.isEqualTo(Admission.Outcome.ADMITTED);
	}

	private static Connection connection(String id, String user) {
		Instant now = Instant.now();
		return new Connection(id, user, Set.of("chat"), now, now.plus(Duration.ofHours(1)));
	}

	/** The cluster's store, answering or not, as a test says. */
	private static final class Store implements ClusterPresence {

		volatile boolean down;

		final List<String> admitted = new ArrayList<>();

		private <T> T answer(T answer) {
			if (this.down) {
				throw new ClusterUnavailableException("The store is down");
			}
			return answer;
		}

		@Override
		public String nodeId() {
			return "node-1";
		}

		@Override
		public void start(Supplier<Collection<Connection>> localStreams, Consumer<List<PresenceChange>> changes) {
		}

		@Override
		public void stop() {
		}

		@Override
		public Admission admit(Connection connection, int maxPerUser, int maxTotal, boolean evictOldest) {
			answer(this.admitted).add(connection.connectionId());
			return new Admission(Admission.Outcome.ADMITTED, List.of(), Duration.ZERO);
		}

		@Override
		public void remove(Connection connection) {
		}

		@Override
		public int connectionCount() {
			return answer(42);
		}

		@Override
		public List<SseConnection> connections(String userId) {
			return answer(List.of());
		}

		@Override
		public boolean isOpen(String connectionId) {
			return answer(false);
		}

		@Override
		public Map<String, Integer> countsByUser() {
			return answer(Map.of());
		}

		@Override
		public Map<String, Integer> countsByChannel() {
			return answer(Map.of());
		}

	}

}
