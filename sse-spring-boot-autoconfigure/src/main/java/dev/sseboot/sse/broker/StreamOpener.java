package dev.sseboot.sse.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dev.sseboot.sse.SseEvent;
import dev.sseboot.sse.broker.Resumption.Fetched;
import dev.sseboot.sse.cluster.ClusterPresence;
import dev.sseboot.sse.observation.ConnectContext;
import dev.sseboot.sse.observation.SseObservationConventions;
import dev.sseboot.sse.replay.DeliveryTracker;
import dev.sseboot.sse.replay.EventId;
import dev.sseboot.sse.replay.Replay;
import dev.sseboot.sse.replay.ResumeStatus;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Opens streams: admits a stream by the limits of the presence (the cluster's, or this
 * node's on its own), works out how it resumes, then queues its {@code sse-connected}
 * frame and the events it missed and registers it for live events, in one step of the
 * {@link EventOrder}, so that live events follow the replayed ones with no gap and no
 * duplicate.
 */
final class StreamOpener {

	/** How long an opening stream waits for a node of a cluster that is joining the log. */
	static final Duration JOIN_WAIT = Duration.ofSeconds(2);

	private final BrokerSettings settings;

	private final EventOrder order;

	private final StreamRegistry registry;

	private final ClusterPresence presence;

	private final ClusterLink link;

	private final StreamCloser closer;

	private final StreamWriter writer;

	private final Sweeper sweeper;

	private final @Nullable DeliveryTracker deliveryTracker;

	private final BrokerMetrics metrics;

	private final ObservationRegistry observationRegistry;

	private final JsonEncoder json;

	private final ConnectionEvents events;

	StreamOpener(NodeParts parts) {
		this.settings = parts.settings();
		this.order = parts.order();
		this.registry = parts.registry();
		this.presence = parts.presence();
		this.link = parts.link();
		this.closer = parts.closer();
		this.writer = parts.writer();
		this.sweeper = parts.sweeper();
		this.deliveryTracker = parts.deliveryTracker();
		this.metrics = parts.metrics();
		this.observationRegistry = parts.observationRegistry();
		this.json = parts.json();
		this.events = parts.events();
	}

	/**
	 * Opens a stream.
	 * @param request what the client asks for
	 * @param output where its frames go
	 * @return the stream
	 * @throws ConnectionRejectedException if a connection limit is reached, the node is
	 * shutting down, or it has not joined the cluster's log
	 */
	SseStream open(StreamRequest request, StreamOutput output) {
		Observation observation = Observation.createNotStarted(null, SseObservationConventions.CONNECT,
				ConnectContext::new, this.observationRegistry);
		return observation.observe(() -> openObserved(request, output, observation.getContext()));
	}

	private SseStream openObserved(StreamRequest request, StreamOutput output, Observation.Context observed) {
		if (!this.order.awaitJoined(JOIN_WAIT)) {
			throw new ConnectionRejectedException(ConnectionRejectedException.Cause.NOT_JOINED,
					"The node has not joined the cluster yet", this.settings.retry());
		}
		SseStream stream = new SseStream(UUID.randomUUID().toString(), request, closeAt(), output,
				this.settings.queueCapacity());
		output.listen(() -> writable(stream), (failure) -> this.closer.writeFailed(stream, failure));
		dropClosedClientsAtLimit(request.principal().userId());
		admit(stream);
		String resumeAfter = resumeAfter(request);
		Fetched fetched = null;
		try {
			ResumeStatus status;
			while ((status = this.order.resume(resumeAfter, fetched,
					(resumption) -> register(stream, resumeAfter, resumption))) == null) {
				// Older than what this node delivered: ask the cluster's log, without the lock.
				fetched = this.link.fetch(resumeAfter);
			}
			if (observed instanceof ConnectContext connect) {
				connect.setResume(status.value());
			}
		}
		catch (RuntimeException ex) {
			this.presence.remove(stream.presenceEntry());
			throw ex;
		}
		this.writer.schedule(stream);
		return stream;
	}

	/**
	 * Admits a stream by the presence's limits, and closes the streams, on any node, that
	 * make room for it.
	 */
	private void admit(SseStream stream) {
		requireOpen();
		ClusterPresence.Admission admission = this.presence.admit(stream.presenceEntry(), this.settings.maxPerUser(),
				this.settings.maxTotal(), this.settings.onLimit() == LimitPolicy.EVICT_OLDEST);
		switch (admission.outcome()) {
			case TOTAL_LIMIT -> throw new ConnectionRejectedException(ConnectionRejectedException.Cause.NODE_LIMIT,
					"The limit of " + this.settings.maxTotal() + " streams is reached", this.sweeper.untilNextEnd());
			case USER_LIMIT -> throw new ConnectionRejectedException(ConnectionRejectedException.Cause.USER_LIMIT,
					"The user holds its maximum of " + this.settings.maxPerUser() + " streams", admission.retryAfter());
			default -> admission.evicted().forEach(this.link::replace);
		}
	}

	/**
	 * Queues a stream's {@code sse-connected} frame and the events it missed, then
	 * registers it for live events. Runs in a step of the {@link EventOrder}.
	 * @return how the stream resumed
	 */
	private ResumeStatus register(SseStream stream, @Nullable String resumeAfter, Resumption resumption) {
		// Again within the step: the node may have stopped since the admission.
		requireOpen();
		Replay replay = resumption.replay();
		ResumeStatus status = replay.status();
		// What the queue holds after sse-connected.
		int capacity = this.settings.queueCapacity() - 1;
		List<Frame> latest = latestFrames(stream, status, replay, resumeAfter, capacity);
		List<Frame> replayed = ReplayFrames.render(stream, replay);
		int room = capacity - latest.size();
		if (replayed.size() > room) {
			// More than the queue holds: the oldest are left out, and the client is told.
			this.metrics.dropped(BrokerMetrics.DROPPED_REPLAY_OVERFLOW,
					ReplayFrames.eventCount(replayed.subList(0, replayed.size() - room)));
			replayed = replayed.subList(replayed.size() - room, replayed.size());
			if (status == ResumeStatus.RECOVERED) {
				status = ResumeStatus.GAP;
				latest = latestFrames(stream, status, replay, resumeAfter, capacity - replayed.size());
			}
		}
		long now = System.nanoTime();
		stream.offer(Frame.of(connectedFrame(stream, status)), now);
		latest.forEach((frame) -> stream.offer(frame, now));
		replayed.forEach((frame) -> stream.offer(frame, now));
		if (status == ResumeStatus.RECOVERED || status == ResumeStatus.GAP) {
			stream.resumedAfter(resumeAfter);
		}
		stream.skipThrough(resumption.skipThrough());
		// Announced before it is found: its end comes after.
		this.events.opened(stream, status);
		this.registry.add(stream);
		this.metrics.opened(status, ReplayFrames.eventCount(replayed));
		this.sweeper.opened(stream, now);
		return status;
	}

	/**
	 * The kept last events of the stream's channels, as {@code sse-latest} frames without an
	 * id, for a stream that has no position to go on from (no id, or a resume that is
	 * {@code gap} or {@code reset}): those its client did not have (at or before its last id)
	 * and its replay does not hold, at most so many.
	 */
	private List<Frame> latestFrames(SseStream stream, ResumeStatus status, Replay replay,
			@Nullable String resumeAfter, int most) {
		if (status == ResumeStatus.RECOVERED || stream.channels().isEmpty() || most <= 0) {
			return List.of();
		}
		List<SseEvent> kept = this.order.latestOf(stream.channels());
		if (kept.isEmpty()) {
			return List.of();
		}
		Set<String> had = new HashSet<>();
		replay.events().forEach((buffered) -> had.add(buffered.event().id()));
		EventId last = (status == ResumeStatus.GAP && resumeAfter != null) ? EventId.parse(resumeAfter) : null;
		List<Frame> frames = new ArrayList<>();
		for (SseEvent event : kept) {
			EventId id = EventId.parse(event.id());
			boolean before = last != null && id != null && id.epoch().equals(last.epoch())
					&& id.sequence() <= last.sequence();
			if (!had.contains(event.id()) && !before && frames.size() < most) {
				Map<String, Object> latest = new LinkedHashMap<>();
				latest.put("channel", event.channel());
				latest.put("event", event.name());
				latest.put("id", event.id());
				latest.put("data", event.data());
				frames.add(Frame.of(FrameEncoder.event(null, SseEvent.LATEST, this.json.write(latest))));
			}
		}
		return frames;
	}

	private void requireOpen() {
		if (!this.order.isOpen()) {
			throw new ConnectionRejectedException(ConnectionRejectedException.Cause.SHUTTING_DOWN,
					"The node is shutting down", this.settings.retry());
		}
	}

	private @Nullable String resumeAfter(StreamRequest request) {
		if (request.lastEventId() != null || request.clientId() == null || this.deliveryTracker == null) {
			return request.lastEventId();
		}
		return this.deliveryTracker.lastEventId(request.principal().userId(), request.clientId());
	}

	private byte[] connectedFrame(SseStream stream, ResumeStatus resume) {
		Map<String, Object> connected = new LinkedHashMap<>();
		connected.put("connectionId", stream.id());
		connected.put("userId", stream.principal().userId());
		connected.put("channels", stream.channels());
		connected.put("resume", resume.value());
		String nodeId = this.presence.nodeId();
		if (nodeId != null) {
			// Which node of the cluster serves the stream: for logs and support.
			connected.put("node", nodeId);
		}
		return FrameEncoder.eventWithRetry(this.settings.retry(), SseEvent.CONNECTED, this.json.write(connected));
	}

	/**
	 * Drops the streams of a user at the per-user limit whose client closed them: the
	 * page a user just reloaded left one behind. Asks the container about each, before the
	 * limit is checked.
	 */
	private void dropClosedClientsAtLimit(String userId) {
		int maxPerUser = this.settings.maxPerUser();
		if (maxPerUser > 0 && this.registry.ofUser(userId).size() >= maxPerUser) {
			for (SseStream stream : List.copyOf(this.registry.ofUser(userId))) {
				if (stream.output().isClosedByClient()) {
					this.closer.dropClosedClient(stream);
				}
			}
		}
	}

	private void writable(SseStream stream) {
		if (stream.signalWritable()) {
			this.writer.schedule(stream);
		}
	}

	private long closeAt() {
		long lifetime = this.settings.maxLifetime().toNanos();
		long jitter = (long) (lifetime * this.settings.lifetimeJitter() * ThreadLocalRandom.current().nextDouble());
		return System.nanoTime() + lifetime - jitter;
	}

}
