package dev.sseboot.sse.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
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

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.SseConnection;
import dev.sseboot.sse.SseEvent;
import dev.sseboot.sse.SsePrincipal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;

/**
 * The broker of one node: keeps the open streams, assigns event ids, renders each event
 * once and queues it on every recipient. A single lock orders publishing and stream
 * registration, so every stream sees events in id order.
 */
public class LocalSseBroker implements SseBroker, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(LocalSseBroker.class);

	private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);

	private static final Duration SHUTDOWN_POLL = Duration.ofMillis(5);

	private final BrokerSettings settings;

	private final JsonMapper jsonMapper;

	private final StreamRegistry registry = new StreamRegistry();

	private final StreamWriter writer;

	private final Set<SseStream> closing = ConcurrentHashMap.newKeySet();

	private final Map<CloseReason, byte[]> closeFrames = new EnumMap<>(CloseReason.class);

	private final String epoch = Long.toString(System.currentTimeMillis(), Character.MAX_RADIX);

	private final Object publishLock = new Object();

	private long sequence;

	private volatile boolean stopping;

	private @Nullable ScheduledExecutorService sweeper;

	public LocalSseBroker(BrokerSettings settings, JsonMapper jsonMapper) {
		this.settings = settings;
		this.jsonMapper = jsonMapper;
		this.writer = new StreamWriter(settings.writerThreads(), this::writeFailed, this::finished);
		for (CloseReason reason : CloseReason.values()) {
			this.closeFrames.put(reason, FrameEncoder.event(null, SseEvent.CLOSE, toJson(Map.of("reason", reason.value()))));
		}
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

	@Override
	public int disconnectUser(String userId) {
		int closed = 0;
		for (SseStream stream : this.registry.ofUser(userId)) {
			if (close(stream, CloseReason.REVOKED)) {
				closed++;
			}
		}
		return closed;
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
		SseStream stream = this.registry.byId(connectionId);
		return stream != null && close(stream, CloseReason.REVOKED);
	}

	@Override
	public int connectionCount() {
		return this.registry.size();
	}

	@Override
	public boolean isOnline(String userId) {
		return !this.registry.ofUser(userId).isEmpty();
	}

	@Override
	public List<SseConnection> connections(String userId) {
		return this.registry.ofUser(userId).stream().map(SseStream::describe).toList();
	}

	/**
	 * Opens a stream: queues its {@code sse-connected} frame and registers it for live
	 * events.
	 * @param principal who the stream belongs to
	 * @param channels the channels it subscribes to, each permitted by the principal
	 * @param output where its frames go
	 * @return the stream
	 * @throws ConnectionRejectedException if a connection limit is reached or the node
	 * is shutting down
	 */
	public SseStream open(SsePrincipal principal, Set<String> channels, StreamOutput output) {
		String connectionId = UUID.randomUUID().toString();
		Map<String, Object> connected = new LinkedHashMap<>();
		connected.put("connectionId", connectionId);
		connected.put("userId", principal.userId());
		connected.put("channels", channels);
		connected.put("resume", "none");
		byte[] connectedFrame = FrameEncoder.eventWithRetry(this.settings.retry(), SseEvent.CONNECTED, toJson(connected));
		SseStream stream = new SseStream(connectionId, principal, channels, closeAt(), output,
				this.settings.queueCapacity());
		synchronized (this.publishLock) {
			checkLimits(principal.userId());
			stream.offer(connectedFrame);
			this.registry.add(stream);
		}
		this.writer.schedule(stream);
		return stream;
	}

	/**
	 * Forgets a stream whose response the container ended (completion, timeout or error).
	 * @param stream the stream
	 */
	public void detach(SseStream stream) {
		this.registry.remove(stream);
		stream.abandon();
		this.closing.remove(stream);
	}

	/**
	 * Returns the epoch of this broker's event ids: new on every start.
	 * @return the epoch
	 */
	public String epoch() {
		return this.epoch;
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
	 * Returns the number of streams closed by the server whose last frame is not yet
	 * written.
	 * @return the number of closing streams
	 */
	public int closingCount() {
		return this.closing.size();
	}

	private void checkLimits(String userId) {
		if (this.stopping) {
			throw new ConnectionRejectedException(ConnectionRejectedException.Cause.SHUTTING_DOWN,
					"The node is shutting down");
		}
		if (this.settings.maxTotal() > 0 && this.registry.size() >= this.settings.maxTotal()) {
			throw new ConnectionRejectedException(ConnectionRejectedException.Cause.NODE_LIMIT,
					"The node holds its maximum of " + this.settings.maxTotal() + " streams");
		}
		if (this.settings.maxPerUser() > 0 && this.registry.ofUser(userId).size() >= this.settings.maxPerUser()) {
			throw new ConnectionRejectedException(ConnectionRejectedException.Cause.USER_LIMIT,
					"The user holds its maximum of " + this.settings.maxPerUser() + " streams");
		}
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
		synchronized (this.publishLock) {
			String id = this.epoch + "-" + (++this.sequence);
			byte[] frame = FrameEncoder.event(id, name, payload);
			for (SseStream stream : recipients(userId, channel, connectionId)) {
				if (channel == null || stream.channels().contains(channel)) {
					deliver(stream, frame);
				}
			}
			return id;
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

	private void deliver(SseStream stream, byte[] frame) {
		switch (stream.offer(frame)) {
			case SCHEDULE -> this.writer.schedule(stream);
			case OVERFLOW -> close(stream, CloseReason.SLOW_CONSUMER);
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
		this.registry.remove(stream);
		// A slow consumer's backlog is dropped: it replays from Last-Event-ID on reconnect.
		SseStream.Offer offer = stream.close(this.closeFrames.get(reason), reason == CloseReason.SLOW_CONSUMER);
		if (offer == SseStream.Offer.CLOSED) {
			return false;
		}
		logger.debug("Closing " + stream + ": " + reason.value());
		this.closing.add(stream);
		if (offer == SseStream.Offer.SCHEDULE) {
			this.writer.schedule(stream);
		}
		return true;
	}

	private void writeFailed(SseStream stream, Throwable failure) {
		// The usual cause is a client that went away: not worth a stack trace.
		logger.debug("Stream " + stream + " ended on a failed write: " + failure);
		this.registry.remove(stream);
		if (stream.abandon()) {
			try {
				stream.output().complete();
			}
			catch (RuntimeException ex) {
				logger.trace("Could not complete " + stream, ex);
			}
		}
		this.closing.remove(stream);
	}

	private void finished(SseStream stream) {
		this.closing.remove(stream);
	}

	/**
	 * Sends heartbeats to quiet streams, warns and closes streams whose token expires, and
	 * closes streams past their lifetime. Runs on one shared scheduler thread.
	 */
	void sweep() {
		long now = System.nanoTime();
		Instant wallClock = Instant.now();
		long heartbeatNanos = this.settings.heartbeatInterval().toNanos();
		byte[] heartbeat = null;
		for (SseStream stream : this.registry.all()) {
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
				deliver(stream, FrameEncoder.event(null, SseEvent.TOKEN_EXPIRING,
						toJson(Map.of("expiresAt", expiresAt.toString()))));
			}
			else if (now - stream.lastActivityNanos() >= heartbeatNanos) {
				if (heartbeat == null) {
					heartbeat = this.settings.heartbeatAsComment() ? FrameEncoder.comment(" heartbeat")
							: FrameEncoder.event(null, SseEvent.HEARTBEAT, wallClock.toString());
				}
				deliver(stream, heartbeat);
			}
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

	@Override
	public void start() {
		long tick = Math.min(1000, Math.max(25, this.settings.heartbeatInterval().toMillis() / 4));
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "sse-sweeper");
			thread.setDaemon(true);
			return thread;
		});
		scheduler.scheduleWithFixedDelay(this::sweepSafely, tick, tick, TimeUnit.MILLISECONDS);
		this.sweeper = scheduler;
		this.stopping = false;
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
		this.stopping = true;
		ScheduledExecutorService scheduler = this.sweeper;
		if (scheduler != null) {
			scheduler.shutdownNow();
			this.sweeper = null;
		}
		for (SseStream stream : this.registry.all()) {
			close(stream, CloseReason.SHUTDOWN);
		}
		long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
		while (!this.closing.isEmpty() && System.nanoTime() < deadline) {
			LockSupport.parkNanos(SHUTDOWN_POLL.toNanos());
		}
		for (SseStream stream : this.closing) {
			detach(stream);
		}
		this.writer.shutdown();
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
