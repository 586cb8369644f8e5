package dev.sseboot.sse.broker;

import java.util.function.Consumer;

import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.cluster.ClusterPresence;
import dev.sseboot.sse.cluster.FallbackPresence;
import dev.sseboot.sse.cluster.LocalPresence;
import dev.sseboot.sse.replay.DeliveryTracker;
import dev.sseboot.sse.replay.ReplayBuffer;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Builds a {@link NodeBroker}: what it needs, and what it may be given. Building wires
 * the node's parts together, and starts them.
 */
public final class NodeBrokerBuilder {

	private final BrokerSettings settings;

	private JsonMapper jsonMapper = JsonMapper.builder().build();

	private @Nullable ReplayBuffer replayBuffer;

	private @Nullable DeliveryTracker deliveryTracker;

	private @Nullable ClusterLog clusterLog;

	private @Nullable ClusterPresence presence;

	private BrokerMetrics metrics = BrokerMetrics.NONE;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private boolean logUserIds;

	private Consumer<Object> eventPublisher = ConnectionEvents.NONE;

	NodeBrokerBuilder(BrokerSettings settings) {
		this.settings = settings;
	}

	/**
	 * Sets the mapper that writes event data that is not a string.
	 * @param jsonMapper the mapper
	 * @return this builder
	 */
	public NodeBrokerBuilder jsonMapper(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
		return this;
	}

	/**
	 * Sets what keeps events for resuming streams; none by default, for no replay.
	 * @param replayBuffer the buffer; in cluster mode it holds the tail of the log this
	 * node read
	 * @return this builder
	 */
	public NodeBrokerBuilder replayBuffer(@Nullable ReplayBuffer replayBuffer) {
		this.replayBuffer = replayBuffer;
		return this;
	}

	/**
	 * Sets what remembers the last event each client id got; none by default.
	 * @param deliveryTracker the tracker
	 * @return this builder
	 */
	public NodeBrokerBuilder deliveryTracker(@Nullable DeliveryTracker deliveryTracker) {
		this.deliveryTracker = deliveryTracker;
		return this;
	}

	/**
	 * Makes the node one of a cluster, whose nodes share a log; a node is on its own
	 * by default.
	 * @param clusterLog the log, or {@code null} for a node on its own
	 * @return this builder
	 */
	public NodeBrokerBuilder clusterLog(@Nullable ClusterLog clusterLog) {
		this.clusterLog = clusterLog;
		return this;
	}

	/**
	 * Sets the cluster's presence and limits; without it, the node's own apply.
	 * @param presence the presence, or {@code null}
	 * @return this builder
	 */
	public NodeBrokerBuilder presence(@Nullable ClusterPresence presence) {
		this.presence = presence;
		return this;
	}

	/**
	 * Sets what is told of what the broker does; nothing by default.
	 * @param metrics the metrics
	 * @return this builder
	 */
	public NodeBrokerBuilder metrics(BrokerMetrics metrics) {
		this.metrics = metrics;
		return this;
	}

	/**
	 * Sets where the broker's observations go: {@code sse.send}, {@code sse.connect},
	 * and in cluster mode {@code sse.deliver}.
	 * @param observationRegistry the registry
	 * @return this builder
	 */
	public NodeBrokerBuilder observationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
		return this;
	}

	/**
	 * Sets whether the broker's log lines about a stream carry its user id, in the
	 * MDC; by default only the connection id.
	 * @param logUserIds whether they do
	 * @return this builder
	 */
	public NodeBrokerBuilder logUserIds(boolean logUserIds) {
		this.logUserIds = logUserIds;
		return this;
	}

	/**
	 * Sets where the broker publishes {@code SseConnectionOpenedEvent} and
	 * {@code SseConnectionClosedEvent}: none are published without it.
	 * @param eventPublisher the application's event publisher
	 * @return this builder
	 */
	public NodeBrokerBuilder eventPublisher(ApplicationEventPublisher eventPublisher) {
		this.eventPublisher = eventPublisher::publishEvent;
		return this;
	}

	/**
	 * Builds the broker, running: streams may open at once.
	 * @return the broker
	 */
	public NodeBroker build() {
		JsonEncoder json = new JsonEncoder(this.jsonMapper);
		BrokerMetrics metrics = BrokerMetrics.guarded(this.metrics);
		StreamRegistry registry = new StreamRegistry();
		// Standalone is an implementation, not an absence: the node is its own cluster.
		ClusterPresence presence = (this.presence != null) ? new FallbackPresence(this.presence) : new LocalPresence();
		ConnectionEvents events = new ConnectionEvents(this.eventPublisher);
		StreamCloser closer = new StreamCloser(registry, presence, metrics, this.deliveryTracker, this.logUserIds, json,
				events);
		StreamWriter writer = new StreamWriter(this.settings.writerThreads(), closer::writeFailed, closer::ended,
				metrics);
		closer.setWriter(writer);
		Fanout fanout = new Fanout(registry, writer, closer, metrics);
		EventOrder order = new EventOrder(fanout, this.replayBuffer, this.clusterLog != null,
				this.settings.channelOptions());
		ClusterLink link = (this.clusterLog != null)
				? new LogLink(this.clusterLog, presence, order, closer, metrics, this.observationRegistry,
						this.settings.channelOptions())
				: new StandaloneLink(order, closer, this.settings.idempotencyWindow());
		Sweeper sweeper = new Sweeper(this.settings, registry, closer, fanout, json);
		return new NodeBroker(new NodeParts(this.settings, order, registry, presence, link, closer, writer, sweeper,
				this.deliveryTracker, metrics, this.observationRegistry, json, events));
	}

}
