package dev.sseboot.sse.broker;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.broker.Resumption.Fetched;
import dev.sseboot.sse.SseConnection;
import dev.sseboot.sse.SseEvent;
import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.cluster.ClusterPresence;
import dev.sseboot.sse.cluster.ClusterUnavailableException;
import dev.sseboot.sse.cluster.LogRecord;
import dev.sseboot.sse.observation.ConnectContext;
import dev.sseboot.sse.observation.DeliverContext;
import dev.sseboot.sse.observation.SendContext;
import dev.sseboot.sse.observation.SseObservationConventions;
import dev.sseboot.sse.replay.BufferedEvent;
import dev.sseboot.sse.replay.DeliveryTracker;
import dev.sseboot.sse.replay.Replay;
import dev.sseboot.sse.replay.ReplayBuffer;
import dev.sseboot.sse.replay.ResumeStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The broker of one node: keeps the open streams, assigns event ids, renders each event
 * once and queues it on every recipient. A single lock orders publishing and stream
 * registration, so every stream sees events in id order.
 * <p>
 * In cluster mode the node does not order its events: it appends them to the
 * {@link ClusterLog}, and delivers what it reads back from the log, its own events
 * included, through the same fan-out. Its replay buffer then holds the log's tail as this
 * node read it; a stream resuming from further back gets the older events from the log.
 */
public class LocalSseBroker implements SseBroker, SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(LocalSseBroker.class);

	private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);

	private static final Duration SHUTDOWN_POLL = Duration.ofMillis(5);

	private static final Duration WRITER_STOP_WAIT = Duration.ofMillis(200);

	/** How long a closing stream may take to write its close frame. */
	private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

	private final BrokerSettings settings;

	private final JsonMapper jsonMapper;

	private final StreamRegistry registry = new StreamRegistry();

	private final StreamWriter writer;

	private final Set<SseStream> closing = ConcurrentHashMap.newKeySet();

	private final Map<CloseReason, Frame> closeFrames = new EnumMap<>(CloseReason.class);

	/** Restarted with each epoch of the cluster's log, under the publishing lock. */
	private volatile @Nullable ReplayBuffer replayBuffer;

	private final @Nullable DeliveryTracker deliveryTracker;

	private final @Nullable ClusterLog clusterLog;

	private final @Nullable ClusterPresence presence;

	private final BrokerMetrics metrics;

	private volatile ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private volatile boolean logUserIds;

	/** Told of every token revoked through the cluster's log, to refuse it here too. */
	private volatile BiConsumer<String, Instant> revocationListener = (tokenId, expiresAt) -> {
	};

	/** The epoch of the ids: this node's, or the cluster log's once the node joined it. */
	private volatile String epoch;

	private final Object publishLock = new Object();

	/**
	 * Sequence of the newest event this node delivered: its own, or in cluster mode the
	 * log's. Written under the publishing lock.
	 */
	private volatile long sequence;

	private volatile boolean stopping;

	private volatile @Nullable ScheduledExecutorService sweeper;

	/**
	 * When the next stream is due to end, by its lifetime or its token's expiry, as of
	 * the last sweep and the streams opened since: what a client refused at the node's
	 * limit is told to wait for.
	 */
	private volatile long nextEndNanos;

	/**
	 * Creates a broker without replay.
	 * @param settings how streams are run
	 * @param jsonMapper writes event data that is not a string
	 */
	public LocalSseBroker(BrokerSettings settings, JsonMapper jsonMapper) {
		this(settings, jsonMapper, null, null);
	}

	/**
	 * Creates a broker.
	 * @param settings how streams are run
	 * @param jsonMapper writes event data that is not a string
	 * @param replayBuffer keeps events for resuming streams, or {@code null} for no replay
	 * @param deliveryTracker remembers what each client id got, or {@code null}
	 */
	public LocalSseBroker(BrokerSettings settings, JsonMapper jsonMapper, @Nullable ReplayBuffer replayBuffer,
			@Nullable DeliveryTracker deliveryTracker) {
		this(settings, jsonMapper, replayBuffer, deliveryTracker, null, null);
	}

	/**
	 * Creates a broker, in cluster mode when given the cluster's log.
	 * @param settings how streams are run
	 * @param jsonMapper writes event data that is not a string
	 * @param replayBuffer keeps events for resuming streams, or {@code null} for no replay;
	 * in cluster mode, the tail of the log this node read
	 * @param deliveryTracker remembers what each client id got, or {@code null}
	 * @param clusterLog the log the nodes of a cluster share, or {@code null} for a node on
	 * its own
	 * @param presence the cluster's presence and limits, or {@code null} for this node's
	 */
	public LocalSseBroker(BrokerSettings settings, JsonMapper jsonMapper, @Nullable ReplayBuffer replayBuffer,
			@Nullable DeliveryTracker deliveryTracker, @Nullable ClusterLog clusterLog,
			@Nullable ClusterPresence presence) {
		this(settings, jsonMapper, replayBuffer, deliveryTracker, clusterLog, presence, BrokerMetrics.NONE);
	}

	/**
	 * Creates a broker that reports what it does to meters.
	 * @param settings how streams are run
	 * @param jsonMapper writes event data that is not a string
	 * @param replayBuffer keeps events for resuming streams, or {@code null} for no replay;
	 * in cluster mode, the tail of the log this node read
	 * @param deliveryTracker remembers what each client id got, or {@code null}
	 * @param clusterLog the log the nodes of a cluster share, or {@code null} for a node on
	 * its own
	 * @param presence the cluster's presence and limits, or {@code null} for this node's
	 * @param metrics told of what the broker does
	 */
	public LocalSseBroker(BrokerSettings settings, JsonMapper jsonMapper, @Nullable ReplayBuffer replayBuffer,
			@Nullable DeliveryTracker deliveryTracker, @Nullable ClusterLog clusterLog,
			@Nullable ClusterPresence presence, BrokerMetrics metrics) {
		this.settings = settings;
		this.metrics = BrokerMetrics.guarded(metrics);
		this.jsonMapper = jsonMapper;
		this.replayBuffer = replayBuffer;
		this.deliveryTracker = deliveryTracker;
		this.clusterLog = clusterLog;
		this.presence = presence;
		// Until the node joins the log, no id is of its epoch: resuming resets.
		this.epoch = (clusterLog != null) ? "" : (replayBuffer != null) ? replayBuffer.epoch() : newEpoch();
		this.writer = new StreamWriter(settings.writerThreads(), this::writeFailed, this::ended, this.metrics);
		this.nextEndNanos = System.nanoTime() + settings.maxLifetime().toNanos();
		for (CloseReason reason : CloseReason.values()) {
			this.closeFrames.put(reason,
					Frame.of(FrameEncoder.event(null, SseEvent.CLOSE, toJson(Map.of("reason", reason.value())))));
		}
		// Running from the start: streams may open as soon as the web server accepts them.
		this.sweeper = startSweeper();
		startCluster();
	}

	private void stopCluster() {
		if (this.presence != null) {
			this.presence.stop();
		}
		if (this.clusterLog != null) {
			this.clusterLog.stop();
		}
	}

	private void startCluster() {
		if (this.clusterLog != null) {
			this.clusterLog.start(new LogReader());
		}
		if (this.presence != null) {
			this.presence.start(() -> this.registry.all().stream().map(this::presenceEntry).toList());
		}
	}

	/**
	 * Sets where the broker's observations go: {@code sse.send}, {@code sse.connect}, and
	 * in cluster mode {@code sse.deliver}.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Sets whether the broker's log lines about a stream carry its user id, in the MDC.
	 * @param logUserIds whether they do; by default only the connection id
	 */
	public void setLogUserIds(boolean logUserIds) {
		this.logUserIds = logUserIds;
	}

	/**
	 * Returns a new epoch: the start time in base 36, different on every start.
	 * @return the epoch
	 */
	public static String newEpoch() {
		return Long.toString(System.currentTimeMillis(), Character.MAX_RADIX);
	}

	@Override
	public UserRecipients toUser(String userId) {
		return new Target(userId, null, null);
	}

	@Override
	public Recipients toChannel(String channel) {
		return new Target(null, channel, null);
	}

	@Override
	public Recipients toAll() {
		return new Target(null, null, null);
	}

	@Override
	public Recipients toConnection(String connectionId) {
		return new Target(null, null, connectionId);
	}

	/**
	 * Closes every stream of a user with reason {@code revoked}, on every node in cluster
	 * mode.
	 * @param userId the user
	 * @return how many streams were closed; in cluster mode, how many the cluster held
	 * @throws ClusterUnavailableException in cluster mode, when the other nodes could not be
	 * told (this node's streams are closed all the same)
	 */
	@Override
	public int disconnectUser(String userId) {
		if (this.clusterLog == null) {
			return closeLocalUser(userId, CloseReason.REVOKED);
		}
		int open = inCluster(() -> this.presence.connections(userId).size(), () -> connectionsHere(userId).size());
		tellCluster(LogRecord.closeUser(userId, CloseReason.REVOKED.value()),
				() -> closeLocalUser(userId, CloseReason.REVOKED));
		return open;
	}

	private int closeLocalUser(String userId, CloseReason reason) {
		int closed = 0;
		for (SseStream stream : this.registry.ofUser(userId)) {
			if (close(stream, reason)) {
				closed++;
			}
		}
		return closed;
	}

	/**
	 * Tells every node to act, itself included, through the cluster's log. If the log
	 * cannot be reached, this node acts alone and the caller learns that the others did
	 * not.
	 */
	private void tellCluster(LogRecord command, Runnable here) {
		try {
			this.clusterLog.append(command);
		}
		catch (ClusterUnavailableException ex) {
			here.run();
			throw ex;
		}
	}

	/**
	 * Answers for the whole cluster, or in cluster mode without presence or during an
	 * outage of its store, for this node.
	 */
	private <T> T inCluster(Supplier<T> cluster, Supplier<T> here) {
		if (this.presence == null) {
			return here.get();
		}
		try {
			return cluster.get();
		}
		catch (ClusterUnavailableException ex) {
			logger.debug("Answering for this node only: " + ex.getMessage());
			return here.get();
		}
	}

	/**
	 * Revokes a token on every node of the cluster: each refuses it and closes its
	 * streams. Node on its own: closes the streams.
	 * @param tokenId the token's {@code jti}
	 * @param expiresAt when the token expires
	 * @throws ClusterUnavailableException in cluster mode, when the other nodes could not be
	 * told
	 */
	public void revokeToken(String tokenId, Instant expiresAt) {
		if (this.clusterLog == null) {
			disconnectToken(tokenId);
			return;
		}
		tellCluster(LogRecord.revokeToken(tokenId, expiresAt), () -> disconnectToken(tokenId));
	}

	/**
	 * Registers what is told of every token revoked on another node through the cluster's
	 * log, so that this node refuses it too.
	 * @param listener called with each revoked token's id and expiry
	 */
	public void onTokenRevoked(BiConsumer<String, Instant> listener) {
		this.revocationListener = listener;
		if (this.clusterLog != null) {
			// Those this node read before it had a listener; it reads them all again when it
			// joins the log, if it has not yet.
			try {
				this.clusterLog.revokedTokens().forEach(listener);
			}
			catch (ClusterUnavailableException ex) {
				logger.debug("Revoked tokens read when this node joins the cluster's log: " + ex.getMessage());
			}
		}
	}

	/**
	 * Closes every stream opened with a token, by its id ({@code jti}), with reason
	 * {@code revoked}.
	 * @param tokenId the token id
	 * @return how many streams were closed
	 */
	public int disconnectToken(String tokenId) {
		int closed = 0;
		for (SseStream stream : this.registry.all()) {
			if (tokenId.equals(stream.principal().tokenId()) && close(stream, CloseReason.REVOKED)) {
				closed++;
			}
		}
		return closed;
	}

	@Override
	public boolean disconnect(String connectionId) {
		if (this.clusterLog == null) {
			return closeLocalConnection(connectionId, CloseReason.REVOKED);
		}
		boolean open = inCluster(() -> this.presence.isOpen(connectionId),
				() -> this.registry.byId(connectionId) != null);
		tellCluster(LogRecord.closeConnection(connectionId, CloseReason.REVOKED.value()),
				() -> closeLocalConnection(connectionId, CloseReason.REVOKED));
		return open;
	}

	private boolean closeLocalConnection(String connectionId, CloseReason reason) {
		SseStream stream = this.registry.byId(connectionId);
		return stream != null && close(stream, reason);
	}

	@Override
	public int connectionCount() {
		return inCluster(() -> this.presence.connectionCount(), this.registry::size);
	}

	@Override
	public boolean isOnline(String userId) {
		return !connections(userId).isEmpty();
	}

	@Override
	public List<SseConnection> connections(String userId) {
		return inCluster(() -> this.presence.connections(userId), () -> connectionsHere(userId));
	}

	private List<SseConnection> connectionsHere(String userId) {
		return this.registry.ofUser(userId).stream().map(SseStream::describe).toList();
	}

	@Override
	public List<SseEvent> eventsSince(String lastEventId, SsePrincipal principal) {
		Resumption resumption;
		Fetched fetched = null;
		while (true) {
			synchronized (this.publishLock) {
				resumption = resume(lastEventId, fetched);
			}
			if (resumption != null) {
				break;
			}
			fetched = fetch(lastEventId);
		}
		return resumption.replay()
			.events()
			.stream()
			.map(BufferedEvent::event)
			.filter((event) -> (event.userId() == null || event.userId().equals(principal.userId()))
					&& (event.channel() == null || principal.permits(event.channel())))
			.toList();
	}

	@Override
	public int bufferedEventCount() {
		return (this.replayBuffer != null) ? this.replayBuffer.size() : 0;
	}

	/**
	 * Opens a stream: queues its {@code sse-connected} frame and the events it missed,
	 * then registers it for live events, all under the publishing lock so that live
	 * events follow the replayed ones with no gap and no duplicate.
	 * @param request what the client asks for
	 * @param output where its frames go
	 * @return the stream
	 * @throws ConnectionRejectedException if a connection limit is reached or the node
	 * is shutting down
	 */
	public SseStream open(StreamRequest request, StreamOutput output) {
		Observation observation = Observation.createNotStarted(null, SseObservationConventions.CONNECT,
				ConnectContext::new, this.observationRegistry);
		return observation.observe(() -> openObserved(request, output, observation.getContext()));
	}

	private SseStream openObserved(StreamRequest request, StreamOutput output, Observation.Context observed) {
		SseStream stream = new SseStream(UUID.randomUUID().toString(), request, closeAt(), output,
				this.settings.queueCapacity());
		output.listen(() -> writable(stream), (failure) -> writeFailed(stream, failure));
		dropClosedClientsAtLimit(request.principal().userId());
		boolean admittedByCluster = admitInCluster(stream);
		String resumeAfter = resumeAfter(request);
		Fetched fetched = null;
		try {
			while (true) {
				synchronized (this.publishLock) {
					admit(request.principal().userId(), admittedByCluster);
					Resumption resumption = resume(resumeAfter, fetched);
					if (resumption != null) {
						ResumeStatus status = register(stream, resumeAfter, resumption);
						if (observed instanceof ConnectContext connect) {
							connect.setResume(status.value());
						}
						break;
					}
				}
				// Older than what this node delivered: ask the cluster's log, without the lock.
				fetched = fetch(resumeAfter);
			}
		}
		catch (RuntimeException ex) {
			if (admittedByCluster) {
				this.presence.remove(presenceEntry(stream));
			}
			throw ex;
		}
		this.writer.schedule(stream);
		return stream;
	}

	/**
	 * Registers a stream with the cluster's presence, which checks the limits for the whole
	 * cluster and names the streams, on any node, that make room for it.
	 * @return whether the cluster admitted it; {@code false} without cluster presence or
	 * while its store is unreachable, when this node's limits apply instead
	 */
	private boolean admitInCluster(SseStream stream) {
		if (this.presence == null || this.stopping) {
			return false;
		}
		ClusterPresence.Admission admission;
		try {
			admission = this.presence.admit(presenceEntry(stream), this.settings.maxPerUser(),
					this.settings.maxTotal(), this.settings.onLimit() == LimitPolicy.EVICT_OLDEST);
		}
		catch (ClusterUnavailableException ex) {
			try (StreamMdc mdc = StreamMdc.of(stream, this.logUserIds)) {
				logger.debug("Admitting " + stream + " by this node's limits: " + ex.getMessage());
			}
			return false;
		}
		switch (admission.outcome()) {
			case TOTAL_LIMIT -> throw new ConnectionRejectedException(ConnectionRejectedException.Cause.NODE_LIMIT,
					"The cluster holds its maximum of " + this.settings.maxTotal() + " streams",
					Duration.ofNanos(this.nextEndNanos - System.nanoTime()));
			case USER_LIMIT -> throw new ConnectionRejectedException(ConnectionRejectedException.Cause.USER_LIMIT,
					"The user holds its maximum of " + this.settings.maxPerUser() + " streams", admission.retryAfter());
			default -> {
			}
		}
		for (String evicted : admission.evicted()) {
			// Wherever it is open: its node closes it when it reads the command.
			try {
				this.clusterLog.append(LogRecord.closeConnection(evicted, CloseReason.REPLACED.value()));
			}
			catch (ClusterUnavailableException ex) {
				closeLocalConnection(evicted, CloseReason.REPLACED);
			}
		}
		return true;
	}

	/**
	 * Queues a stream's {@code sse-connected} frame and the events it missed, then
	 * registers it for live events. Under the publishing lock, so that live events follow
	 * the replayed ones with no gap and no duplicate.
	 * @return how the stream resumed
	 */
	private ResumeStatus register(SseStream stream, @Nullable String resumeAfter, Resumption resumption) {
		Replay replay = resumption.replay();
		ResumeStatus status = replay.status();
		List<Frame> replayed = ReplayFrames.render(stream, replay);
		int room = this.settings.queueCapacity() - 1;
		if (replayed.size() > room) {
			// More than the queue holds: the oldest are left out, and the client is told.
			this.metrics.dropped(BrokerMetrics.DROPPED_REPLAY_OVERFLOW,
					ReplayFrames.eventCount(replayed.subList(0, replayed.size() - room)));
			replayed = replayed.subList(replayed.size() - room, replayed.size());
			status = ResumeStatus.GAP;
		}
		long now = System.nanoTime();
		stream.offer(Frame.of(connectedFrame(stream, status)), now);
		replayed.forEach((frame) -> stream.offer(frame, now));
		if (status == ResumeStatus.RECOVERED || status == ResumeStatus.GAP) {
			stream.resumedAfter(resumeAfter);
		}
		stream.skipThrough(resumption.skipThrough());
		this.registry.add(stream);
		this.metrics.opened(status, ReplayFrames.eventCount(replayed));
		long end = endNanos(stream, now, Instant.now());
		if (end - this.nextEndNanos < 0) {
			this.nextEndNanos = end;
		}
		return status;
	}

	private @Nullable String resumeAfter(StreamRequest request) {
		if (request.lastEventId() != null || request.clientId() == null || this.deliveryTracker == null) {
			return request.lastEventId();
		}
		return this.deliveryTracker.lastEventId(request.principal().userId(), request.clientId());
	}

	/** What a stream resuming after an id gets, under the publishing lock; see {@link Resumption#after}. */
	private @Nullable Resumption resume(@Nullable String lastEventId, @Nullable Fetched fetched) {
		return Resumption.after(lastEventId, fetched, this.epoch, this.sequence, this.replayBuffer,
				this.clusterLog != null);
	}

	/** Reads the cluster's log after an id, outside the publishing lock. */
	private Fetched fetch(@Nullable String lastEventId) {
		return Fetched.read(lastEventId, this.clusterLog);
	}

	private byte[] connectedFrame(SseStream stream, ResumeStatus resume) {
		Map<String, Object> connected = new LinkedHashMap<>();
		connected.put("connectionId", stream.id());
		connected.put("userId", stream.principal().userId());
		connected.put("channels", stream.channels());
		connected.put("resume", resume.value());
		if (this.presence != null) {
			// Which node of the cluster serves the stream: for logs and support.
			connected.put("node", this.presence.nodeId());
		}
		return FrameEncoder.eventWithRetry(this.settings.retry(), SseEvent.CONNECTED, toJson(connected));
	}

	/**
	 * Forgets a stream whose response the container ended (completion, timeout or error).
	 * @param stream the stream
	 */
	public void detach(SseStream stream) {
		unregister(stream, BrokerMetrics.CLIENT_ABORT);
		abandon(stream);
		ended(stream);
	}

	/** Ends a stream whose response ended: what it still had queued is lost. */
	private boolean abandon(SseStream stream) {
		return stream.abandon((events) -> this.metrics.dropped(BrokerMetrics.DROPPED_CLIENT_GONE, events));
	}

	/**
	 * Removes a stream from this node's registry, and from the cluster's presence.
	 * @param reason why it leaves, for the meters: the first caller's reason counts
	 */
	private void unregister(SseStream stream, String reason) {
		if (this.registry.remove(stream)) {
			this.metrics.closed(reason);
			if (this.presence != null) {
				this.presence.remove(presenceEntry(stream));
			}
		}
	}

	private ClusterPresence.Connection presenceEntry(SseStream stream) {
		long now = System.nanoTime();
		Instant wallClock = Instant.now();
		return new ClusterPresence.Connection(stream.id(), stream.principal().userId(), stream.channels(),
				stream.connectedAt(), wallClock.plusNanos(endNanos(stream, now, wallClock) - now));
	}

	/**
	 * Returns the epoch of this broker's event ids: new on every start.
	 * @return the epoch
	 */
	public String epoch() {
		return this.epoch;
	}

	/**
	 * Returns the number of streams open on this node, in cluster mode too.
	 * @return the number of streams
	 */
	public int localConnectionCount() {
		return this.registry.size();
	}

	/**
	 * Returns a stream open on this node.
	 * @param connectionId its connection id
	 * @return the stream, or {@code null} if it is not open here
	 */
	public @Nullable SseStream localStream(String connectionId) {
		return this.registry.byId(connectionId);
	}

	/**
	 * Returns the id of this node in the cluster.
	 * @return the node id, or {@code null} for a node on its own
	 */
	public @Nullable String nodeId() {
		return (this.presence != null) ? this.presence.nodeId() : null;
	}

	/**
	 * Returns the cluster's log as this node sees it; may ask its store.
	 * @return the status, or {@code null} for a node on its own
	 */
	public ClusterLog.@Nullable Status clusterStatus() {
		return (this.clusterLog != null) ? this.clusterLog.status() : null;
	}

	/**
	 * Returns how long the oldest streams waiting for a writer thread have waited: a
	 * writer pool that keeps up answers in milliseconds.
	 * @return the wait
	 */
	public Duration writerDelay() {
		return this.writer.oldestWait();
	}

	/**
	 * Returns the number of threads writing to streams.
	 * @return the number of threads
	 */
	public int writerThreads() {
		return this.settings.writerThreads();
	}

	/**
	 * Returns whether the node keeps events for replay.
	 * @return whether replay is on
	 */
	public boolean replayEnabled() {
		return this.replayBuffer != null;
	}

	/**
	 * Returns how many streams wait for a writer thread, or are being written.
	 * @return the number of streams
	 */
	public int pendingWrites() {
		return this.writer.pendingStreams();
	}

	/**
	 * Returns the number of bytes of frames the replay buffer holds.
	 * @return the number of bytes, 0 without replay
	 */
	public long bufferedBytes() {
		ReplayBuffer buffer = this.replayBuffer;
		return (buffer != null) ? buffer.bytes() : 0;
	}

	/**
	 * Returns the number of distinct users with an open stream.
	 * @return the number of users
	 */
	public int userCount() {
		return this.registry.userCount();
	}

	/**
	 * Returns the number of channels with at least one subscribed stream.
	 * @return the number of channels
	 */
	public int channelCount() {
		return this.registry.channelCount();
	}

	/**
	 * Returns how many streams each connected user holds.
	 * @return a snapshot, sorted by user id
	 */
	public Map<String, Integer> connectionCountsByUser() {
		return inCluster(() -> this.presence.countsByUser(), this.registry::countsByUser);
	}

	/**
	 * Returns how many streams are subscribed to each channel.
	 * @return a snapshot, sorted by channel name
	 */
	public Map<String, Integer> connectionCountsByChannel() {
		return inCluster(() -> this.presence.countsByChannel(), this.registry::countsByChannel);
	}

	/**
	 * Returns the number of streams closed by the server whose last frame is not yet
	 * written.
	 * @return the number of closing streams
	 */
	public int closingCount() {
		return this.closing.size();
	}

	/**
	 * Makes room for a new stream of a user, or refuses it, by this node's limits unless
	 * the cluster checked them. Runs under the publishing lock.
	 */
	private void admit(String userId, boolean admittedByCluster) {
		if (this.stopping) {
			throw new ConnectionRejectedException(ConnectionRejectedException.Cause.SHUTTING_DOWN,
					"The node is shutting down", this.settings.retry());
		}
		if (admittedByCluster) {
			return;
		}
		if (this.settings.maxTotal() > 0 && this.registry.size() >= this.settings.maxTotal()) {
			throw new ConnectionRejectedException(ConnectionRejectedException.Cause.NODE_LIMIT,
					"The node holds its maximum of " + this.settings.maxTotal() + " streams",
					Duration.ofNanos(this.nextEndNanos - System.nanoTime()));
		}
		int maxPerUser = this.settings.maxPerUser();
		if (maxPerUser <= 0 || this.registry.ofUser(userId).size() < maxPerUser) {
			return;
		}
		List<SseStream> streams = new ArrayList<>(this.registry.ofUser(userId));
		int excess = streams.size() - maxPerUser + 1;
		if (excess <= 0) {
			// Streams end outside the lock too: one did since the check.
			return;
		}
		if (this.settings.onLimit() == LimitPolicy.REJECT) {
			throw new ConnectionRejectedException(ConnectionRejectedException.Cause.USER_LIMIT,
					"The user holds its maximum of " + maxPerUser + " streams", untilFirstEnd(streams));
		}
		streams.sort(Comparator.comparing(SseStream::connectedAt));
		for (SseStream oldest : streams.subList(0, excess)) {
			close(oldest, CloseReason.REPLACED);
		}
	}

	/**
	 * Drops the streams of a user at the per-user limit whose client closed them: the
	 * page a user just reloaded left one behind. Outside the publishing lock, since it
	 * asks the container about each; the limit is checked again under it.
	 */
	private void dropClosedClientsAtLimit(String userId) {
		int maxPerUser = this.settings.maxPerUser();
		if (maxPerUser > 0 && this.registry.ofUser(userId).size() >= maxPerUser) {
			for (SseStream stream : List.copyOf(this.registry.ofUser(userId))) {
				if (stream.output().isClosedByClient()) {
					drop(stream, null, BrokerMetrics.CLIENT_ABORT);
				}
			}
		}
	}

	/** How long until the first of some streams is due to end, by lifetime or token expiry. */
	private static Duration untilFirstEnd(Collection<SseStream> streams) {
		long now = System.nanoTime();
		Instant wallClock = Instant.now();
		long first = Long.MAX_VALUE;
		for (SseStream stream : streams) {
			first = Math.min(first, endNanos(stream, now, wallClock) - now);
		}
		return Duration.ofNanos(first);
	}

	/**
	 * When a stream is due to end, by its lifetime or its token's expiry, in
	 * {@link System#nanoTime()} terms.
	 */
	private static long endNanos(SseStream stream, long now, Instant wallClock) {
		Instant expiresAt = stream.principal().expiresAt();
		if (expiresAt == null) {
			return stream.closeAtNanos();
		}
		long untilExpiry = Duration.between(wallClock, expiresAt).toNanos();
		return (now + untilExpiry - stream.closeAtNanos() < 0) ? now + untilExpiry : stream.closeAtNanos();
	}

	private long closeAt() {
		long lifetime = this.settings.maxLifetime().toNanos();
		long jitter = (long) (lifetime * this.settings.lifetimeJitter() * ThreadLocalRandom.current().nextDouble());
		return System.nanoTime() + lifetime - jitter;
	}

	private String publish(@Nullable String userId, @Nullable String channel, @Nullable String connectionId,
			String name, Object data) {
		FrameEncoder.requireSingleLine("event name", name);
		if (SseEvent.RESERVED_NAMES.contains(name)) {
			throw new IllegalArgumentException("Event name '" + name + "' is reserved for the server");
		}
		String payload = (data instanceof String text) ? text : toJson(data);
		BrokerMetrics.Target target = BrokerMetrics.Target.of(userId, channel, connectionId);
		Observation observation = Observation.createNotStarted(null, SseObservationConventions.SEND,
				() -> new SendContext(target.value(), name, channel), this.observationRegistry);
		String id = observation.observe(() -> publishObserved(userId, channel, connectionId, name, payload,
				(observation.getContext() instanceof SendContext send) ? send.traceContext() : Map.of()));
		// Counted once accepted: a send that failed (Redis unreachable) threw above.
		this.metrics.published(target);
		return id;
	}

	private String publishObserved(@Nullable String userId, @Nullable String channel, @Nullable String connectionId,
			String name, String payload, Map<String, String> traceContext) {
		Instant timestamp = Instant.now();
		if (this.clusterLog != null) {
			// Delivered here too when this node reads it back, in the log's order.
			long start = System.nanoTime();
			String id = this.clusterLog.append(
					LogRecord.event(name, payload, timestamp, userId, channel, connectionId).withTraceContext(traceContext));
			this.metrics.appended(System.nanoTime() - start);
			return id;
		}
		// Rendered before taking the lock: only the id line depends on the order.
		byte[] body = FrameEncoder.event(null, name, payload);
		List<SseStream> toWrite = new ArrayList<>();
		try {
			long now = System.nanoTime();
			synchronized (this.publishLock) {
				long sequence = ++this.sequence;
				String id = this.epoch + "-" + sequence;
				dispatch(new SseEvent(id, name, payload, timestamp, userId, channel, Map.of()),
						Frame.event(FrameEncoder.withId(id, body), id, now), sequence, connectionId, now, toWrite);
				return id;
			}
		}
		finally {
			// Outside the lock; and always, since each of these streams waits for this call.
			this.writer.schedule(toWrite);
		}
	}

	/**
	 * Keeps an event for replay and queues it on every stream it is for: the one fan-out
	 * of this node's events and the cluster log's. Runs under the publishing lock, in
	 * sequence order.
	 * @param event the event
	 * @param frame the event rendered, with its id
	 * @param sequence its sequence
	 * @param connectionId the one connection it is for, or {@code null}
	 * @param now the time, from {@link System#nanoTime()}
	 * @param toWrite collects the streams that need a writer
	 */
	private void dispatch(SseEvent event, Frame frame, long sequence, @Nullable String connectionId, long now,
			List<SseStream> toWrite) {
		ReplayBuffer buffer = this.replayBuffer;
		if (buffer != null && connectionId == null) {
			// Per-connection events are not replayed: a reconnect is a new connection.
			buffer.append(event, frame.bytes());
		}
		@Nullable Frame prefixed = null;
		for (SseStream stream : recipients(event.userId(), event.channel(), connectionId)) {
			// The indexes narrow the candidates; the one rule of SseEvent decides.
			if (sequence > stream.skipThrough()
					&& (connectionId != null || event.isAddressedTo(stream.principal().userId(), stream.channels()))) {
				if (stream.channelPrefix() && event.channel() != null) {
					// Rendered once per event, and only when some recipient asked for it.
					if (prefixed == null) {
						prefixed = new Frame(FrameEncoder.withChannelPrefix(event), frame.lastEventId(), frame.events(),
								frame.publishedNanos());
					}
					deliver(stream, prefixed, now, toWrite);
				}
				else {
					deliver(stream, frame, now, toWrite);
				}
			}
		}
	}

	private Collection<SseStream> recipients(@Nullable String userId, @Nullable String channel,
			@Nullable String connectionId) {
		if (connectionId != null) {
			SseStream stream = this.registry.byId(connectionId);
			return (stream != null) ? List.of(stream) : List.of();
		}
		if (userId != null) {
			return this.registry.ofUser(userId);
		}
		if (channel != null) {
			return this.registry.ofChannel(channel);
		}
		return this.registry.all();
	}

	/**
	 * Queues a frame on a stream.
	 * @param stream the stream
	 * @param frame the frame
	 * @param now the time, from {@link System#nanoTime()}
	 * @param toWrite collects the streams that need a writer, to be scheduled together
	 */
	private void deliver(SseStream stream, Frame frame, long now, List<SseStream> toWrite) {
		switch (stream.offer(frame, now)) {
			case SCHEDULE -> toWrite.add(stream);
			// Its backlog is dropped, and so is its connection: the kernel would otherwise keep
			// sending megabytes to a client that replays them from Last-Event-ID anyway.
			case OVERFLOW -> {
				this.metrics.dropped(BrokerMetrics.DROPPED_SLOW_CONSUMER, frame.events());
				drop(stream, this.closeFrames.get(CloseReason.SLOW_CONSUMER), CloseReason.SLOW_CONSUMER.value());
			}
			default -> {
			}
		}
	}

	/**
	 * Closes a stream: it gets {@code sse-close} with the reason, then its response ends.
	 * @param stream the stream
	 * @param reason why
	 * @return whether this call closed it
	 */
	public boolean close(SseStream stream, CloseReason reason) {
		return end(stream, () -> stream.close(this.closeFrames.get(reason)), reason.value());
	}

	/**
	 * Ends a stream without waiting for what it has queued and aborts its connection.
	 * @param stream the stream
	 * @param lastFrame sent first if the connection takes it at once, or {@code null}
	 * @param reason why: a close reason's value, or {@link BrokerMetrics#CLIENT_ABORT}
	 * @return whether this call ended it
	 */
	private boolean drop(SseStream stream, @Nullable Frame lastFrame, String reason) {
		String dropReason = CloseReason.SLOW_CONSUMER.value().equals(reason) ? BrokerMetrics.DROPPED_SLOW_CONSUMER
				: BrokerMetrics.DROPPED_CLIENT_GONE;
		return end(stream, () -> stream.drop(lastFrame, (events) -> this.metrics.dropped(dropReason, events)), reason);
	}

	private boolean end(SseStream stream, Supplier<SseStream.Offer> ending, String reason) {
		unregister(stream, reason);
		// Tracked before the stream is told: a writer may finish it at once.
		boolean alreadyClosing = !this.closing.add(stream);
		SseStream.Offer offer = ending.get();
		if (offer == SseStream.Offer.CLOSED) {
			// Another ender may have closed it meanwhile and still count on the entry: only
			// an ended stream's entry goes, and the sweep ends the others.
			if (!alreadyClosing && stream.isCompleted()) {
				this.closing.remove(stream);
			}
			return false;
		}
		if (logger.isDebugEnabled()) {
			try (StreamMdc mdc = StreamMdc.of(stream, this.logUserIds)) {
				logger.debug("Closing " + stream + ": " + reason);
			}
		}
		if (offer == SseStream.Offer.SCHEDULE) {
			this.writer.schedule(stream);
		}
		return true;
	}

	private void writable(SseStream stream) {
		if (stream.signalWritable()) {
			this.writer.schedule(stream);
		}
	}

	/**
	 * Ends a closing stream that no writer could finish, such as one whose client stopped
	 * reading before its close frame went out.
	 */
	private void forceEnd(SseStream stream) {
		if (!drop(stream, null, BrokerMetrics.CLIENT_ABORT) && stream.isCompleted()) {
			ended(stream);
		}
	}

	private void writeFailed(SseStream stream, Throwable failure) {
		// The usual cause is a client that went away: not worth a stack trace. The
		// container ends such a request itself; completing it here would send the
		// resulting error to the application's exception handlers.
		unregister(stream, (failure instanceof IOException) ? BrokerMetrics.CLIENT_ABORT : BrokerMetrics.ERROR);
		boolean live = abandon(stream);
		try (StreamMdc mdc = StreamMdc.of(stream, this.logUserIds)) {
			if (failure instanceof IOException) {
				logger.debug("Stream " + stream + " ended on a failed write: " + failure);
			}
			else {
				logger.warn("Stream " + stream + " failed", failure);
			}
		}
		// Not the client's doing: the container would keep such a request open.
		if (!(failure instanceof IOException) && live) {
			this.writer.complete(stream);
			return;
		}
		ended(stream);
	}

	private void ended(SseStream stream) {
		this.closing.remove(stream);
		String clientId = stream.clientId();
		String lastEventId = stream.lastWrittenEventId();
		if (this.deliveryTracker != null && clientId != null && lastEventId != null) {
			this.deliveryTracker.record(stream.principal().userId(), clientId, lastEventId);
		}
	}

	/**
	 * Drops streams whose client closed its connection (where the container can tell,
	 * each stream once per {@code closeCheckInterval}), sends heartbeats to quiet streams,
	 * warns and closes streams whose token expires, and closes streams past their
	 * lifetime. Runs on one shared scheduler thread.
	 */
	void sweep() {
		long now = System.nanoTime();
		Instant wallClock = Instant.now();
		long heartbeatNanos = this.settings.heartbeatInterval().toNanos();
		Frame heartbeat = null;
		List<SseStream> toWrite = new ArrayList<>();
		try {
			for (SseStream stream : this.closing) {
				if (now - stream.closingSinceNanos() > CLOSE_GRACE.toNanos()) {
					forceEnd(stream);
				}
			}
			long nextEnd = now + this.settings.maxLifetime().toNanos();
			long closeCheckNanos = this.settings.closeCheckInterval().toNanos();
			for (SseStream stream : this.registry.all()) {
				if (closeCheckNanos > 0 && stream.closeCheckDue(now, closeCheckNanos)
						&& stream.output().isClosedByClient()) {
					drop(stream, null, BrokerMetrics.CLIENT_ABORT);
					continue;
				}
				long end = endNanos(stream, now, wallClock);
				if (end - nextEnd < 0) {
					nextEnd = end;
				}
				Instant expiresAt = stream.principal().expiresAt();
				if (now - stream.closeAtNanos() >= 0) {
					close(stream, CloseReason.MAX_LIFETIME);
				}
				else if (expiresAt != null && !wallClock.isBefore(expiresAt)) {
					close(stream, CloseReason.TOKEN_EXPIRED);
				}
				else if (expiresAt != null && !stream.expiryWarned()
						&& !wallClock.isBefore(expiresAt.minus(this.settings.expiryWarning()))) {
					stream.markExpiryWarned();
					deliver(stream, Frame.of(FrameEncoder.event(null, SseEvent.TOKEN_EXPIRING,
							toJson(Map.of("expiresAt", expiresAt.toString())))), now, toWrite);
				}
				else if (now - stream.lastActivityNanos() >= heartbeatNanos) {
					if (heartbeat == null) {
						heartbeat = Frame.of(this.settings.heartbeatAsComment() ? FrameEncoder.comment(" heartbeat")
								: FrameEncoder.event(null, SseEvent.HEARTBEAT, wallClock.toString()));
					}
					deliver(stream, heartbeat, now, toWrite);
				}
			}
			this.nextEndNanos = nextEnd;
		}
		finally {
			this.writer.schedule(toWrite);
		}
	}

	private String toJson(Object value) {
		try {
			return this.jsonMapper.writeValueAsString(value);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Could not write " + value.getClass().getName() + " as JSON", ex);
		}
	}

	/**
	 * Runs again after {@link #stop()}, as on {@code ConfigurableApplicationContext.start()}.
	 */
	@Override
	public void start() {
		if (this.sweeper == null) {
			this.writer.restart();
			this.sweeper = startSweeper();
			this.stopping = false;
			startCluster();
		}
	}

	private ScheduledExecutorService startSweeper() {
		long tick = Math.min(1000, Math.max(25, this.settings.heartbeatInterval().toMillis() / 4));
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "sse-sweeper");
			thread.setDaemon(true);
			return thread;
		});
		scheduler.scheduleWithFixedDelay(this::sweepSafely, tick, tick, TimeUnit.MILLISECONDS);
		return scheduler;
	}

	private void sweepSafely() {
		try {
			sweep();
		}
		catch (RuntimeException ex) {
			logger.error("SSE sweep failed", ex);
		}
	}

	/**
	 * Closes every stream with reason {@code shutdown} and waits briefly for the close
	 * frames to be written, so that context close never waits on open streams.
	 */
	@Override
	public void stop() {
		ScheduledExecutorService scheduler;
		synchronized (this.publishLock) {
			// Under the lock, so that no stream opens after the snapshot below.
			this.stopping = true;
			scheduler = this.sweeper;
			this.sweeper = null;
			for (SseStream stream : this.registry.all()) {
				close(stream, CloseReason.SHUTDOWN);
			}
		}
		if (scheduler != null) {
			scheduler.shutdownNow();
		}
		stopCluster();
		long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
		while (!this.closing.isEmpty() && System.nanoTime() < deadline) {
			LockSupport.parkNanos(SHUTDOWN_POLL.toNanos());
		}
		this.writer.shutdown(WRITER_STOP_WAIT);
		// What is left could not write its close frame in time: end it without.
		for (SseStream stream : this.closing) {
			if (abandon(stream)) {
				this.writer.abort(stream);
			}
			else {
				ended(stream);
			}
		}
	}

	/**
	 * Stops the broker's threads when the context is closed without having been started,
	 * as after a failed refresh.
	 */
	@Override
	public void destroy() {
		if (isRunning()) {
			stop();
		}
		else {
			this.writer.shutdown(Duration.ZERO);
			stopCluster();
		}
	}

	@Override
	public boolean isRunning() {
		return this.sweeper != null;
	}

	/**
	 * Stops before the web server's graceful shutdown, which would otherwise wait for the
	 * open streams.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

	/**
	 * Delivers what this node reads from the cluster's log to its streams.
	 */
	private final class LogReader implements ClusterLog.Reader {

		@Override
		public void reset(String epoch, long position, boolean missed) {
			synchronized (LocalSseBroker.this.publishLock) {
				LocalSseBroker.this.epoch = epoch;
				LocalSseBroker.this.sequence = position;
				ReplayBuffer buffer = LocalSseBroker.this.replayBuffer;
				if (buffer != null) {
					LocalSseBroker.this.replayBuffer = buffer.restart(epoch, position);
				}
				// Revoked while this node did not read the log: refused from now on.
				try {
					LocalSseBroker.this.clusterLog.revokedTokens().forEach(this::revoked);
				}
				catch (ClusterUnavailableException ex) {
					logger.warn("Could not read the tokens revoked in the cluster: " + ex.getMessage());
				}
				if (missed) {
					// Events these streams should have had are gone: their clients resume
					// and learn it from the resume status (gap, or reset for a new epoch).
					logger.warn("SSE cluster log read from " + epoch + "-" + position
							+ " on: closing the streams of this node, which may have missed events");
					for (SseStream stream : LocalSseBroker.this.registry.all()) {
						close(stream, CloseReason.RESYNC);
					}
				}
			}
		}

		@Override
		public void read(List<LogRecord> records) {
			// Rendered before taking the lock; the epoch changes only on this thread.
			String epoch = LocalSseBroker.this.epoch;
			List<SseEvent> events = new ArrayList<>(records.size());
			List<Frame> frames = new ArrayList<>(records.size());
			List<Observation> delivering = new ArrayList<>();
			long nowNanos = System.nanoTime();
			Instant wallClock = Instant.now();
			for (LogRecord record : records) {
				String id = epoch + "-" + record.sequence();
				boolean event = record.kind() == LogRecord.Kind.EVENT;
				events.add(event ? new SseEvent(id, record.name(), record.data(), record.timestamp(), record.userId(),
						record.channel(), Map.of()) : null);
				// When it was sent, on this node's clock: the sending node's clock may differ.
				long publishedNanos = nowNanos - Duration.between(record.timestamp(), wallClock).toNanos();
				frames.add(event ? Frame.event(FrameEncoder.event(id, record.name(), record.data()), id,
						(publishedNanos != 0) ? publishedNanos : 1) : null);
				if (event) {
					// In the publisher's trace, wherever it published; started and stopped
					// outside the lock, which opening streams and other records wait for.
					delivering.add(Observation
						.createNotStarted(null, SseObservationConventions.DELIVER,
								() -> new DeliverContext(record.traceContext(), record.name(), id),
								LocalSseBroker.this.observationRegistry)
						.start());
				}
			}
			List<SseStream> toWrite = new ArrayList<>();
			try {
				synchronized (LocalSseBroker.this.publishLock) {
					long now = System.nanoTime();
					for (int i = 0; i < records.size(); i++) {
						LogRecord record = records.get(i);
						if (record.kind() == LogRecord.Kind.EVENT) {
							dispatch(events.get(i), frames.get(i), record.sequence(), record.connectionId(), now,
									toWrite);
						}
						else {
							command(record);
						}
						LocalSseBroker.this.sequence = record.sequence();
					}
				}
			}
			finally {
				LocalSseBroker.this.writer.schedule(toWrite);
				delivering.forEach(Observation::stop);
			}
		}

		/** Acts on this node's streams as another node, or this one, asked. */
		private void command(LogRecord record) {
			switch (record.kind()) {
				case CLOSE_USER -> closeLocalUser(record.userId(), CloseReason.of(record.name()));
				case CLOSE_CONNECTION -> closeLocalConnection(record.connectionId(), CloseReason.of(record.name()));
				case REVOKE_TOKEN -> revoked(record.data(), record.timestamp());
				default -> throw new IllegalStateException("Not a command: " + record.kind());
			}
		}

		private void revoked(String tokenId, Instant expiresAt) {
			LocalSseBroker.this.revocationListener.accept(tokenId, expiresAt);
			disconnectToken(tokenId);
		}

	}

	private final class Target implements UserRecipients {

		private final @Nullable String userId;

		private final @Nullable String channel;

		private final @Nullable String connectionId;

		private Target(@Nullable String userId, @Nullable String channel, @Nullable String connectionId) {
			this.userId = userId;
			this.channel = channel;
			this.connectionId = connectionId;
		}

		@Override
		public Recipients channel(String channel) {
			return new Target(this.userId, channel, null);
		}

		@Override
		public String send(String event, Object data) {
			return publish(this.userId, this.channel, this.connectionId, event, data);
		}

	}

}
