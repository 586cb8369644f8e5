package dev.sseboot.sse.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.SseConnection;
import dev.sseboot.sse.SseEvent;
import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.SseRecipients;
import dev.sseboot.sse.broker.Resumption.Fetched;
import dev.sseboot.sse.cluster.ClusterUnavailableException;
import dev.sseboot.sse.cluster.LogRecord;
import dev.sseboot.sse.observation.SendContext;
import dev.sseboot.sse.observation.SseObservationConventions;
import dev.sseboot.sse.replay.BufferedEvent;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The broker of one node, on its own or in a cluster: what the application and the stream
 * endpoint talk to. It is made of parts, each with one job:
 * <ul>
 * <li>{@link EventOrder}: the one owner of the publishing lock, the epoch, the sequence
 * and the replay buffer;</li>
 * <li>{@link Fanout}: queues each event, rendered once, on the streams it is for;</li>
 * <li>{@link StreamOpener} and {@link StreamCloser}: every way a stream opens and
 * ends;</li>
 * <li>{@link Sweeper}: heartbeats, expiry warnings, lifetimes and close checks;</li>
 * <li>{@link ClusterLink}: how events and commands reach every node, at once on a node of
 * its own or through the cluster's log;</li>
 * <li>{@link NodeStatus}: the read-only view for the actuator, meters and the control
 * API.</li>
 * </ul>
 */
public final class NodeBroker implements SseBroker, SmartLifecycle, DisposableBean {

	private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);

	private static final Duration WRITER_STOP_WAIT = Duration.ofMillis(200);

	private static final Duration EVENTS_FLUSH_WAIT = Duration.ofSeconds(1);

	private final NodeParts parts;

	private final StreamOpener opener;

	private final NodeStatus status;

	private final PresenceAnnouncer announcer;

	NodeBroker(NodeParts parts) {
		this.parts = parts;
		this.opener = new StreamOpener(parts);
		this.status = new NodeStatusView(parts);
		this.announcer = new PresenceAnnouncer(parts.events(), parts.settings().channelOptions(), parts.link(),
				parts.json());
		// Running from the start: streams may open as soon as the web server accepts them.
		startParts();
	}

	/**
	 * Starts building a broker.
	 * @param settings how streams are run
	 * @return the builder
	 */
	public static NodeBrokerBuilder builder(BrokerSettings settings) {
		return new NodeBrokerBuilder(settings);
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
		return SseRecipients.user(userId, this::publish);
	}

	@Override
	public Recipients toChannel(String channel) {
		return SseRecipients.channel(channel, this::publish);
	}

	@Override
	public Recipients toAll() {
		return SseRecipients.all(this::publish);
	}

	@Override
	public Recipients toConnection(String connectionId) {
		return SseRecipients.connection(connectionId, this::publish);
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
		return this.parts.link().disconnectUser(userId);
	}

	@Override
	public boolean disconnect(String connectionId) {
		return this.parts.link().disconnect(connectionId);
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
		this.parts.link().revokeToken(tokenId, expiresAt);
	}

	/**
	 * Registers what is told of every token revoked on another node through the cluster's
	 * log, so that this node refuses it too.
	 * @param listener called with each revoked token's id and expiry
	 */
	public void onTokenRevoked(BiConsumer<String, Instant> listener) {
		this.parts.link().onTokenRevoked(listener);
	}

	/**
	 * Closes every stream of this node opened with a token, by its id ({@code jti}), with
	 * reason {@code revoked}.
	 * @param tokenId the token id
	 * @return how many streams were closed
	 */
	public int disconnectToken(String tokenId) {
		return this.parts.closer().closeToken(tokenId);
	}

	@Override
	public int connectionCount() {
		return this.parts.presence().connectionCount();
	}

	@Override
	public boolean isOnline(String userId) {
		return !connections(userId).isEmpty();
	}

	@Override
	public List<SseConnection> connections(String userId) {
		return this.parts.presence().connections(userId);
	}

	@Override
	public List<SseEvent> eventsSince(String lastEventId, SsePrincipal principal) {
		Resumption resumption;
		Fetched fetched = null;
		while ((resumption = this.parts.order().replay(lastEventId, fetched)) == null) {
			fetched = this.parts.link().fetch(lastEventId);
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
		return this.status.bufferedEventCount();
	}

	/**
	 * Opens a stream: queues its {@code sse-connected} frame and the events it missed,
	 * then registers it for live events.
	 * @param request what the client asks for
	 * @param output where its frames go
	 * @return the stream
	 * @throws ConnectionRejectedException if a connection limit is reached, the node is
	 * shutting down, or it has not joined the cluster's log
	 */
	public SseStream open(StreamRequest request, StreamOutput output) {
		return this.opener.open(request, output);
	}

	/**
	 * Forgets a stream whose response the container ended (completion, timeout or error).
	 * @param stream the stream
	 */
	public void detach(SseStream stream) {
		this.parts.closer().detach(stream);
	}

	/**
	 * Closes a stream: it gets {@code sse-close} with the reason, then its response ends.
	 * @param stream the stream
	 * @param reason why
	 * @return whether this call closed it
	 */
	public boolean close(SseStream stream, CloseReason reason) {
		return this.parts.closer().close(stream, reason);
	}

	/**
	 * Returns what the node tells about itself.
	 * @return the node's status
	 */
	public NodeStatus status() {
		return this.status;
	}

	private String publish(SseRecipients.Address address, String name, Object data) {
		String userId = address.userId();
		String channel = address.channel();
		String connectionId = address.connectionId();
		FrameEncoder.requireSingleLine("event name", name);
		if (SseEvent.isReserved(name)) {
			throw new IllegalArgumentException("Event name '" + name + "' is reserved for the server");
		}
		String payload = (data instanceof String text) ? text : this.parts.json().write(data);
		BrokerMetrics.Target target = BrokerMetrics.Target.of(userId, channel, connectionId);
		Observation observation = Observation.createNotStarted(null, SseObservationConventions.SEND,
				() -> new SendContext(target.value(), name, channel), this.parts.observationRegistry());
		String id = observation.observe(() -> this.parts.link()
			.publish(LogRecord.event(name, payload, Instant.now(), userId, channel, connectionId)
				.withTraceContext((observation.getContext() instanceof SendContext send) ? send.traceContext()
						: Map.of()), address.idempotencyKey()));
		// Counted once accepted: a send that failed (Redis unreachable) threw above.
		this.parts.metrics().published(target);
		return id;
	}

	/**
	 * Runs again after {@link #stop()}, as on {@code ConfigurableApplicationContext.start()}.
	 */
	@Override
	public void start() {
		if (!isRunning()) {
			this.parts.writer().restart();
			this.parts.order().reopen();
			startParts();
		}
	}

	private void startParts() {
		this.parts.sweeper().start();
		this.parts.link().start();
		StreamRegistry registry = this.parts.registry();
		this.parts.presence()
			.start(() -> registry.all().stream().map(SseStream::presenceEntry).toList(), this.announcer);
	}

	/**
	 * Refuses new streams at once, then closes every stream with reason {@code shutdown}:
	 * after the drain delay, in batches over the drain period, so that their clients
	 * reconnect to other nodes at a bounded rate. Then waits briefly for the close frames
	 * to be written, so that context close never waits on open streams.
	 */
	@Override
	public void stop() {
		StreamCloser closer = this.parts.closer();
		BrokerSettings settings = this.parts.settings();
		// No stream opens from now on: new ones go to other nodes. The open ones go on
		// (heartbeats, events) until their turn to close comes.
		List<SseStream> open = new ArrayList<>();
		this.parts.order().close(() -> open.addAll(this.parts.registry().all()));
		closer.closeSpread(open, CloseReason.SHUTDOWN, settings.drainDelay(), settings.drainPeriod());
		this.parts.sweeper().stop();
		stopLinks();
		closer.awaitClosed(SHUTDOWN_GRACE);
		this.parts.writer().shutdown(WRITER_STOP_WAIT);
		closer.abortClosing();
		// The listeners hear of the closed streams while the application still runs.
		this.parts.events().flush(EVENTS_FLUSH_WAIT);
	}

	private void stopLinks() {
		this.parts.presence().stop();
		// The users who left with this node's streams are announced while the link is up.
		this.parts.events().flush(EVENTS_FLUSH_WAIT);
		this.parts.link().stop();
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
			this.parts.writer().shutdown(Duration.ZERO);
			stopLinks();
		}
		this.parts.events().shutdown();
	}

	@Override
	public boolean isRunning() {
		return this.status.isRunning();
	}

	/**
	 * Stops before the web server's graceful shutdown, which would otherwise wait for the
	 * open streams.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

}
