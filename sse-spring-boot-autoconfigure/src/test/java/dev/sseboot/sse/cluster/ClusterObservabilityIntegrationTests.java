package dev.sseboot.sse.cluster;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.sseboot.sse.actuate.SseEndpoint;
import dev.sseboot.sse.actuate.SseEndpoint.Connection;
import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.observation.DeliverContext;
import dev.sseboot.sse.observation.SendContext;
import dev.sseboot.sse.test.SseTestClient.Stream;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The actuator endpoint and the meters in cluster mode: the endpoint answers for the
 * cluster, each node's meters count what that node did.
 */
class ClusterObservabilityIntegrationTests {

	private ClusterNodes cluster;

	@AfterEach
	void stopNodes() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	void endpointAnswersForTheClusterAndMetersForEachNode() {
		this.cluster = new ClusterNodes("sse.connection.max-per-user=0", "management.endpoints.web.exposure.include=sse");
		ConfigurableApplicationContext a = this.cluster.start();
		ConfigurableApplicationContext b = this.cluster.start();
		try (Stream aliceOnA = ClusterNodes.client(a).openWithBearer("/sse?channel=chat",
				TestTokens.forUser("alice", "chat"));
				Stream aliceOnB = ClusterNodes.client(b).openWithBearer("/sse?channel=chat",
						TestTokens.forUser("alice", "chat"));
				Stream bobOnB = ClusterNodes.client(b).openWithBearer("/sse", TestTokens.forUser("bob"))) {
			String onA = aliceOnA.connectionId();
			aliceOnB.connectionId();
			bobOnB.connectionId();

			SseEndpoint.Summary summary = a.getBean(SseEndpoint.class).summary();
			assertThat(summary.streams()).isEqualTo(3);
			assertThat(summary.users()).isEqualTo(2);
			assertThat(summary.channels()).isEqualTo(1);
			assertThat(summary.topUsers().get(0)).isEqualTo(new SseEndpoint.Count("alice", 2));
			assertThat(summary.node().streams()).isEqualTo(1);
			assertThat(summary.node().id()).isNotNull();
			assertThat(summary.node().cluster().available()).isTrue();
			assertThat(summary.node().cluster().lag()).isNotNegative();

			List<Connection> connections = a.getBean(SseEndpoint.class).user("alice").connections();
			assertThat(connections).hasSize(2);
			assertThat(connections).filteredOn(Connection::local)
				.singleElement()
				.satisfies((connection) -> {
					assertThat(connection.connectionId()).isEqualTo(onA);
					assertThat(connection.remoteAddress()).isEqualTo("127.0.0.1");
				});

			MeterRegistry metersOfA = a.getBean(MeterRegistry.class);
			MeterRegistry metersOfB = b.getBean(MeterRegistry.class);
			double deliveredOnA = delivered(metersOfA);
			double deliveredOnB = delivered(metersOfB);
			ClusterNodes.broker(a).toUser("alice").send("note", "to both nodes");
			aliceOnA.next("note");
			aliceOnB.next("note");
			assertThat(published(metersOfA)).isEqualTo(1);
			assertThat(published(metersOfB)).isZero();
			assertThat(metersOfA.get("sse.cluster.append").timer().count()).isEqualTo(1);
			await().untilAsserted(() -> {
				assertThat(delivered(metersOfA)).isEqualTo(deliveredOnA + 1);
				assertThat(delivered(metersOfB)).isEqualTo(deliveredOnB + 1);
			});
			assertThat(metersOfB.get("sse.cluster.lag").gauge().value()).isNotNegative();
			assertThat(metersOfB.get("sse.streams.open").gauge().value()).isEqualTo(2);

			assertThat(b.getBean(SseEndpoint.class).disconnect("alice").closed()).isEqualTo(2);
			assertThat(aliceOnA.next("sse-close").field("reason")).isEqualTo("revoked");
			assertThat(aliceOnB.next("sse-close").field("reason")).isEqualTo("revoked");
			await().untilAsserted(() -> {
				assertThat(metersOfA.get("sse.streams.closed").tag("reason", "revoked").counter().count()).isEqualTo(1);
				assertThat(metersOfB.get("sse.streams.closed").tag("reason", "revoked").counter().count()).isEqualTo(1);
			});
		}
	}

	@Test
	void deliveringNodesJoinThePublishersTraceThroughRedis() {
		this.cluster = new ClusterNodes();
		ConfigurableApplicationContext a = this.cluster.start();
		ConfigurableApplicationContext b = this.cluster.start();
		PropagatingHandler onA = PropagatingHandler.on(a);
		PropagatingHandler onB = PropagatingHandler.on(b);
		try (Stream stream = ClusterNodes.client(b).openWithBearer("/sse", TestTokens.forUser("ivy"))) {
			stream.connectionId();
			String id = ClusterNodes.broker(a).toUser("ivy").send("note", "traced");
			stream.next("note");
			assertThat(onA.injected).hasSize(1);
			String trace = onA.injected.get(0);
			// Node B delivers in A's trace; so does A, which reads its own event back.
			await().untilAsserted(() -> {
				assertThat(onB.extracted).containsExactly(Map.entry(id, trace));
				assertThat(onA.extracted).containsExactly(Map.entry(id, trace));
			});
		}
	}

	/**
	 * Propagates a trace id the way a tracer's propagating handlers do: into the carrier
	 * of a sender's context, out of a receiver's.
	 */
	static final class PropagatingHandler implements ObservationHandler<Observation.Context> {

		final List<String> injected = new CopyOnWriteArrayList<>();

		final List<Map.Entry<String, String>> extracted = new CopyOnWriteArrayList<>();

		static PropagatingHandler on(ConfigurableApplicationContext node) {
			PropagatingHandler handler = new PropagatingHandler();
			node.getBean(ObservationRegistry.class).observationConfig().observationHandler(handler);
			return handler;
		}

		@Override
		public void onStart(Observation.Context context) {
			// Redis commands are senders too (Lettuce's observations): only the starter's.
			if (context instanceof SendContext sender) {
				String trace = UUID.randomUUID().toString();
				sender.getSetter().set(sender.getCarrier(), "traceparent", trace);
				this.injected.add(trace);
			}
			else if (context instanceof DeliverContext receiver) {
				String trace = receiver.getGetter().get(receiver.getCarrier(), "traceparent");
				this.extracted.add(Map.entry(receiver.eventId(), String.valueOf(trace)));
			}
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof SenderContext || context instanceof ReceiverContext;
		}

	}

	private static double delivered(MeterRegistry registry) {
		return registry.get("sse.frames.delivered").functionCounter().count();
	}

	private static double published(MeterRegistry registry) {
		return registry.get("sse.events.published").tag("target", "user").counter().count();
	}

}
