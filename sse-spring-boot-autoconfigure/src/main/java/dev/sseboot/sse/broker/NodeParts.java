package dev.sseboot.sse.broker;

import dev.sseboot.sse.cluster.ClusterPresence;
import dev.sseboot.sse.replay.DeliveryTracker;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The parts of a node, for those parts that work with the others.
 *
 * @param settings how streams are run
 * @param order the one owner of the publishing lock, epoch, sequence and replay buffer
 * @param registry the open streams of this node
 * @param presence who is connected, and the limits: the cluster's, or this node's
 * @param link how events and commands reach every node
 * @param closer ends streams
 * @param writer writes streams' queues to their responses
 * @param sweeper heartbeats, expiries, lifetimes and close checks
 * @param deliveryTracker remembers the last event each client id got, or {@code null}
 * @param metrics told of what the node does
 * @param observationRegistry where the node's observations go
 * @param json writes JSON
 */
record NodeParts(BrokerSettings settings, EventOrder order, StreamRegistry registry, ClusterPresence presence,
		ClusterLink link, StreamCloser closer, StreamWriter writer, Sweeper sweeper,
		@Nullable DeliveryTracker deliveryTracker, BrokerMetrics metrics, ObservationRegistry observationRegistry,
		JsonEncoder json, ConnectionEvents events) {
}
