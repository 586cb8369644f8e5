package dev.sseboot.sse.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.SseConnection;
import dev.sseboot.sse.broker.NodeBroker;
import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.security.TokenRevocations;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence, limits and revocation in cluster mode: every node answers for the whole
 * cluster, and acts on every node's streams.
 */
class ClusterPresenceIntegrationTests {

	private ClusterNodes cluster;

	@AfterEach
	void stopNodes() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	private List<ConfigurableApplicationContext> twoNodes(String... properties) {
		this.cluster = new ClusterNodes(properties);
		return List.of(this.cluster.start(), this.cluster.start());
	}

	@Test
	void everyNodeAnswersPresenceForTheWholeCluster() {
		List<ConfigurableApplicationContext> nodes = twoNodes("sse.connection.max-per-user=0");
		ConfigurableApplicationContext a = nodes.get(0);
		ConfigurableApplicationContext b = nodes.get(1);
		try (Stream aliceOnA = ClusterNodes.client(a).openWithBearer("/sse?channel=chat",
				TestTokens.forUser("alice", "chat"));
				Stream aliceOnB = ClusterNodes.client(b).openWithBearer("/sse?channel=chat",
						TestTokens.forUser("alice", "chat"));
				Stream bobOnB = ClusterNodes.client(b).openWithBearer("/sse?channel=news",
						TestTokens.forUser("bob", "news"))) {
			String first = aliceOnA.connectionId();
			String second = aliceOnB.connectionId();
			bobOnB.connectionId();
			for (ConfigurableApplicationContext node : nodes) {
				SseBroker broker = ClusterNodes.broker(node);
				assertThat(broker.connectionCount()).isEqualTo(3);
				assertThat(broker.isOnline("bob")).isTrue();
				assertThat(broker.isOnline("carol")).isFalse();
				assertThat(broker.connections("alice")).extracting(SseConnection::connectionId)
					.containsExactlyInAnyOrder(first, second);
				NodeBroker local = node.getBean(NodeBroker.class);
				assertThat(local.status().connectionCountsByUser()).containsExactlyInAnyOrderEntriesOf(Map.of("alice", 2, "bob", 1));
				assertThat(local.status().connectionCountsByChannel()).containsExactlyInAnyOrderEntriesOf(Map.of("chat", 2, "news", 1));
			}
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> ClusterNodes.broker(a).connectionCount() == 0);
	}

	@Test
	void refusesAUsersStreamOverTheLimitOnAnotherNode() {
		List<ConfigurableApplicationContext> nodes = twoNodes("sse.connection.max-per-user=1",
				"sse.connection.on-limit=reject");
		try (Stream first = ClusterNodes.client(nodes.get(0)).openWithBearer("/sse",
				TestTokens.expiringIn(Duration.ofSeconds(90), "limited", "chat"))) {
			first.connectionId();
			Stream second = ClusterNodes.client(nodes.get(1)).openWithBearer("/sse", TestTokens.forUser("limited"));
			assertThat(second.status()).isEqualTo(429);
			assertThat(Long.parseLong(second.header("Retry-After"))).isBetween(85L, 90L);
			assertThat(ClusterNodes.broker(nodes.get(1)).connections("limited")).hasSize(1);
		}
	}

	@Test
	void replacesAUsersOldestStreamOnAnotherNode() {
		List<ConfigurableApplicationContext> nodes = twoNodes("sse.connection.max-per-user=1");
		try (Stream oldest = ClusterNodes.client(nodes.get(0)).openWithBearer("/sse", TestTokens.forUser("tabs"));
				Stream newest = ClusterNodes.client(nodes.get(1)).openWithBearer("/sse", TestTokens.forUser("tabs"))) {
			oldest.connectionId();
			String kept = newest.connectionId();
			assertThat(oldest.next("sse-close").field("reason")).isEqualTo("replaced");
			assertThat(oldest.awaitEnd(Duration.ofSeconds(5))).isTrue();
			assertThat(ClusterNodes.broker(nodes.get(0)).connections("tabs")).extracting(SseConnection::connectionId)
				.containsExactly(kept);
		}
	}

	@Test
	void refusesAStreamOverTheClusterTotal() {
		List<ConfigurableApplicationContext> nodes = twoNodes("sse.connection.max-total=2");
		try (Stream one = ClusterNodes.client(nodes.get(0)).openWithBearer("/sse", TestTokens.forUser("one"));
				Stream two = ClusterNodes.client(nodes.get(1)).openWithBearer("/sse", TestTokens.forUser("two"))) {
			one.connectionId();
			two.connectionId();
			for (ConfigurableApplicationContext node : nodes) {
				Stream three = ClusterNodes.client(node).openWithBearer("/sse", TestTokens.forUser("three"));
				assertThat(three.status()).isEqualTo(503);
				assertThat(three.errorBody()).contains("\"code\":\"UNAVAILABLE\"");
			}
		}
	}

	@Test
	void revokesEverywhere() {
		List<ConfigurableApplicationContext> nodes = twoNodes("sse.connection.max-per-user=0");
		ConfigurableApplicationContext a = nodes.get(0);
		ConfigurableApplicationContext b = nodes.get(1);
		String revokedToken = TestTokens.withClaims(Map.of("sub", "dora", "jti", "token-to-revoke"),
				Duration.ofHours(1));
		try (Stream userOnA = ClusterNodes.client(a).openWithBearer("/sse", TestTokens.forUser("erin"));
				Stream userOnB = ClusterNodes.client(b).openWithBearer("/sse", TestTokens.forUser("erin"));
				Stream connectionOnA = ClusterNodes.client(a).openWithBearer("/sse", TestTokens.forUser("finn"));
				Stream tokenOnA = ClusterNodes.client(a).openWithBearer("/sse", revokedToken);
				Stream tokenOnB = ClusterNodes.client(b).openWithBearer("/sse", revokedToken)) {
			userOnA.connectionId();
			userOnB.connectionId();
			String finn = connectionOnA.connectionId();
			tokenOnA.connectionId();
			tokenOnB.connectionId();

			assertThat(ClusterNodes.broker(b).disconnectUser("erin")).isEqualTo(2);
			assertThat(userOnA.next("sse-close").field("reason")).isEqualTo("revoked");
			assertThat(userOnB.next("sse-close").field("reason")).isEqualTo("revoked");

			assertThat(ClusterNodes.broker(b).disconnect(finn)).isTrue();
			assertThat(connectionOnA.next("sse-close").field("reason")).isEqualTo("revoked");

			b.getBean(TokenRevocations.class).revoke("token-to-revoke", Instant.now().plusSeconds(3600));
			assertThat(tokenOnA.next("sse-close").field("reason")).isEqualTo("revoked");
			assertThat(tokenOnB.next("sse-close").field("reason")).isEqualTo("revoked");
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(a.getBean(TokenRevocations.class).isRevoked("token-to-revoke")).isTrue());
			assertThat(ClusterNodes.client(a).openWithBearer("/sse", revokedToken).status()).isEqualTo(403);
		}
		// A node that joins later refuses it too.
		ConfigurableApplicationContext c = this.cluster.start();
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(c.getBean(TokenRevocations.class).isRevoked("token-to-revoke")).isTrue());
		assertThat(ClusterNodes.client(c).openWithBearer("/sse", revokedToken).status()).isEqualTo(403);
	}

	@Test
	void stopsCountingTheStreamsOfANodeThatFellSilentAndForgetsThemLater() {
		List<ConfigurableApplicationContext> nodes = twoNodes("sse.cluster.node-timeout=500ms",
				"sse.connection.max-per-user=0");
		SseBroker broker = ClusterNodes.broker(nodes.get(0));
		StringRedisTemplate redis = this.cluster.redis();
		try {
			// A node that was killed: it registered a stream and beat once, long enough ago.
			// The stream as a node of the version before announced channels wrote it.
			String tag = "{" + this.cluster.keyPrefix() + "}";
			long then = System.currentTimeMillis() - 600;
			redis.opsForHash().put(tag + "nodes", "killed-node", Long.toString(then));
			redis.opsForHash().put(tag + "conns", "ghost-stream", "killed-node\t" + then + "\t" + (then + 3_600_000)
					+ "\tchat\tghost");
			redis.opsForSet().add(tag + "user:ghost", "ghost-stream");
			redis.opsForSet().add(tag + "node:killed-node", "ghost-stream");
			assertThat(broker.isOnline("ghost")).isFalse();
			assertThat(broker.connectionCount()).isZero();
			// Three node timeouts later its streams are gone from Redis too.
			await().atMost(Duration.ofSeconds(5)).until(() -> !redis.opsForHash().hasKey(tag + "conns", "ghost-stream"));
			assertThat(redis.hasKey(tag + "user:ghost")).isFalse();
			assertThat(redis.opsForHash().hasKey(tag + "nodes", "killed-node")).isFalse();
		}
		finally {
			((LettuceConnectionFactory) redis.getConnectionFactory()).destroy();
		}
	}

	@Test
	void resumesAReloadedPageByItsClientIdOnAnotherNode() {
		List<ConfigurableApplicationContext> nodes = twoNodes("sse.replay.track-clients=true",
				"sse.connection.max-per-user=0");
		String token = TestTokens.forUser("reloader");
		String written;
		try (Stream page = ClusterNodes.client(nodes.get(0)).openWithBearer("/sse?clientId=tab-1", token)) {
			page.connectionId();
			written = ClusterNodes.broker(nodes.get(1)).toUser("reloader").send("tick", "seen");
			assertThat(page.next("tick").id()).isEqualTo(written);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> ClusterNodes.broker(nodes.get(0)).connectionCount() == 0);
		String missed = ClusterNodes.broker(nodes.get(0)).toUser("reloader").send("tick", "missed");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			try (Stream reloaded = ClusterNodes.client(nodes.get(1)).openWithBearer("/sse?clientId=tab-1", token)) {
				assertThat(reloaded.next().field("resume")).isEqualTo("recovered");
				assertThat(reloaded.next().id()).isEqualTo(missed);
			}
		});
	}

}
