package dev.sseboot.sse.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.sseboot.sse.SseConnection;
import dev.sseboot.sse.cluster.ClusterPresence.Admission;
import dev.sseboot.sse.cluster.ClusterPresence.Connection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LocalPresenceTests {

	private final LocalPresence presence = new LocalPresence();

	private final Instant now = Instant.now();

	private final List<PresenceChange> changes = new ArrayList<>();

	@Test
	void admitsAndCountsStreamsByUserAndChannel() {
		admit("a1", "alice", 0, Set.of("chat"));
		admit("a2", "alice", 1, Set.of("chat", "news"));
		admit("b1", "bob", 2, Set.of("news"));
		assertThat(this.presence.connectionCount()).isEqualTo(3);
		assertThat(this.presence.countsByUser()).isEqualTo(Map.of("alice", 2, "bob", 1));
		assertThat(this.presence.countsByChannel()).isEqualTo(Map.of("chat", 2, "news", 2));
		assertThat(this.presence.connections("alice")).extracting(SseConnection::connectionId)
			.containsExactly("a1", "a2");
		assertThat(this.presence.isOpen("b1")).isTrue();
		assertThat(this.presence.nodeId()).isNull();
	}

	@Test
	void forgetsARemovedStreamAndItsUser() {
		Connection stream = connection("a1", "alice", 0, Set.of("chat"));
		this.presence.admit(stream, 0, 0, true);
		this.presence.remove(stream);
		this.presence.remove(stream);
		assertThat(this.presence.connectionCount()).isZero();
		assertThat(this.presence.countsByUser()).isEmpty();
		assertThat(this.presence.isOpen("a1")).isFalse();
	}

	@Test
	void evictsTheUsersOldestStreamsToMakeRoom() {
		admit("old", "alice", 0, Set.of());
		admit("middle", "alice", 1, Set.of());
		Admission admission = this.presence.admit(connection("new", "alice", 2, Set.of()), 2, 0, true);
		assertThat(admission.outcome()).isEqualTo(Admission.Outcome.ADMITTED);
		assertThat(admission.evicted()).containsExactly("old");
		assertThat(this.presence.connections("alice")).extracting(SseConnection::connectionId)
			.containsExactly("middle", "new");
	}

	@Test
	void refusesAUsersStreamUntilItsFirstStreamIsDueToEnd() {
		this.presence.admit(connection("late", "alice", 0, Duration.ofMinutes(30)), 2, 0, false);
		this.presence.admit(connection("soon", "alice", 1, Duration.ofMinutes(3)), 2, 0, false);
		Admission admission = this.presence.admit(connection("third", "alice", 2, Duration.ofHours(1)), 2, 0, false);
		assertThat(admission.outcome()).isEqualTo(Admission.Outcome.USER_LIMIT);
		assertThat(admission.retryAfter()).isBetween(Duration.ofMinutes(3).minusSeconds(5), Duration.ofMinutes(3));
		assertThat(this.presence.isOpen("third")).isFalse();
	}

	@Test
	void refusesAStreamOverTheTotal() {
		admit("a1", "alice", 0, Set.of());
		Admission admission = this.presence.admit(connection("b1", "bob", 1, Set.of()), 0, 1, true);
		assertThat(admission.outcome()).isEqualTo(Admission.Outcome.TOTAL_LIMIT);
		assertThat(this.presence.connectionCount()).isEqualTo(1);
	}

	@Test
	void tellsOfAUserComingOnlineJoiningLeavingAndGoingOfflineOnce() {
		this.presence.start(List::of, this.changes::addAll);
		Connection first = connection("a1", "alice", 0, Set.of("chat"));
		Connection second = connection("a2", "alice", 1, new LinkedHashSet<>(List.of("chat", "news")));
		this.presence.admit(first, 0, 0, true);
		this.presence.admit(second, 0, 0, true);
		this.presence.remove(first);
		this.presence.remove(first);
		this.presence.remove(second);
		assertThat(this.changes).containsExactly(PresenceChange.online("alice"), PresenceChange.joined("alice", "chat"),
				PresenceChange.joined("alice", "news"), PresenceChange.left("alice", "chat", false),
				PresenceChange.left("alice", "news", false), PresenceChange.offline("alice", false));
	}

	@Test
	void aStreamThatReplacesAUsersOnlyStreamKeepsThemOnline() {
		this.presence.start(List::of, this.changes::addAll);
		admit("old", "alice", 0, Set.of("chat"));
		Admission admission = this.presence.admit(connection("new", "alice", 1, Set.of("chat")), 1, 0, true);
		assertThat(admission.evicted()).containsExactly("old");
		assertThat(this.changes).containsExactly(PresenceChange.online("alice"), PresenceChange.joined("alice", "chat"));
	}

	@Test
	void tellsNothingBeforeItStartsAndTellsWhoLeftWhenItStops() {
		admit("a1", "alice", 0, Set.of());
		assertThat(this.changes).isEmpty();
		this.presence.start(List::of, this.changes::addAll);
		this.presence.stop();
		assertThat(this.changes).containsExactly(PresenceChange.offline("alice", false));
	}

	private void admit(String id, String user, int secondsAfter, Set<String> channels) {
		assertThat(this.presence.admit(connection(id, user, secondsAfter, channels), 0, 0, true).outcome())
			.isEqualTo(Admission.Outcome.ADMITTED);
	}

	private Connection connection(String id, String user, int secondsAfter, Set<String> channels) {
		Instant connectedAt = this.now.plusSeconds(secondsAfter);
		return new Connection(id, user, channels, connectedAt, connectedAt.plus(Duration.ofHours(1)));
	}

	private Connection connection(String id, String user, int secondsAfter, Duration endsIn) {
		return new Connection(id, user, Set.of(), this.now.plusSeconds(secondsAfter), Instant.now().plus(endsIn));
	}

}
