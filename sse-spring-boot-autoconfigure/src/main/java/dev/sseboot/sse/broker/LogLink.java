package dev.sseboot.sse.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import dev.sseboot.sse.SseEvent;
import dev.sseboot.sse.broker.Resumption.Fetched;
import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.cluster.ClusterPresence;
import dev.sseboot.sse.cluster.ClusterUnavailableException;
import dev.sseboot.sse.cluster.LogRecord;
import dev.sseboot.sse.observation.DeliverContext;
import dev.sseboot.sse.observation.SseObservationConventions;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A node of a cluster: its events and commands go through the cluster's log, which orders
 * them for every node, and it delivers what it reads back from the log, its own events
 * included, through the one fan-out. Its replay buffer then holds the log's tail as this
 * node read it.
 */
final class LogLink implements ClusterLink {

	private static final Log logger = LogFactory.getLog(NodeBroker.class);

	private final ClusterLog log;

	private final ClusterPresence presence;

	private final EventOrder order;

	private final StreamCloser closer;

	private final BrokerMetrics metrics;

	private final ObservationRegistry observationRegistry;

	/** Which channels' events a resume fetches from the log. */
	private final ChannelOptions channels;

	/** Told of every token revoked through the cluster's log, to refuse it here too. */
	private volatile BiConsumer<String, Instant> revocationListener = (tokenId, expiresAt) -> {
	};

	LogLink(ClusterLog log, ClusterPresence presence, EventOrder order, StreamCloser closer, BrokerMetrics metrics,
			ObservationRegistry observationRegistry, ChannelOptions channels) {
		this.log = log;
		this.channels = channels;
		this.presence = presence;
		this.order = order;
		this.closer = closer;
		this.metrics = metrics;
		this.observationRegistry = observationRegistry;
	}

	@Override
	public String publish(LogRecord event, @Nullable String idempotencyKey) {
		// Delivered here too when this node reads it back, in the log's order.
		long start = System.nanoTime();
		String id = this.log.append(event, idempotencyKey);
		this.metrics.appended(System.nanoTime() - start);
		return id;
	}

	@Override
	public int disconnectUser(String userId) {
		int open = this.presence.connections(userId).size();
		tellCluster(LogRecord.closeUser(userId, CloseReason.REVOKED.value()),
				() -> this.closer.closeUser(userId, CloseReason.REVOKED));
		return open;
	}

	@Override
	public boolean disconnect(String connectionId) {
		boolean open = this.presence.isOpen(connectionId);
		tellCluster(LogRecord.closeConnection(connectionId, CloseReason.REVOKED.value()),
				() -> this.closer.closeConnection(connectionId, CloseReason.REVOKED));
		return open;
	}

	@Override
	public void replace(String connectionId) {
		// Wherever it is open: its node closes it when it reads the command.
		try {
			this.log.append(LogRecord.closeConnection(connectionId, CloseReason.REPLACED.value()));
		}
		catch (ClusterUnavailableException ex) {
			this.closer.closeConnection(connectionId, CloseReason.REPLACED);
		}
	}

	@Override
	public void revokeToken(String tokenId, Instant expiresAt) {
		tellCluster(LogRecord.revokeToken(tokenId, expiresAt), () -> this.closer.closeToken(tokenId));
	}

	/**
	 * Tells every node to act, itself included, through the cluster's log. If the log
	 * cannot be reached, this node acts alone and the caller learns that the others did
	 * not.
	 */
	private void tellCluster(LogRecord command, Runnable here) {
		try {
			this.log.append(command);
		}
		catch (ClusterUnavailableException ex) {
			here.run();
			throw ex;
		}
	}

	@Override
	public void onTokenRevoked(BiConsumer<String, Instant> listener) {
		this.revocationListener = listener;
		// Those this node read before it had a listener; it reads them all again when it
		// joins the log, if it has not yet.
		try {
			this.log.revokedTokens().forEach(listener);
		}
		catch (ClusterUnavailableException ex) {
			logger.debug("Revoked tokens read when this node joins the cluster's log: " + ex.getMessage());
		}
	}

	@Override
	public Fetched fetch(String lastEventId) {
		return Fetched.read(lastEventId, this.log, this.channels);
	}

	@Override
	public void start() {
		this.log.start(new Reader());
	}

	@Override
	public void stop() {
		this.log.stop();
	}

	@Override
	public ClusterLog.Status status() {
		return this.log.status();
	}

	/**
	 * Delivers what this node reads from the cluster's log to its streams.
	 */
	private final class Reader implements ClusterLog.Reader {

		@Override
		public void reset(String epoch, long position, boolean missed) {
			Map<String, SseEvent> latest = latestEvents(epoch);
			LogLink.this.order.reset(epoch, position, () -> {
				LogLink.this.order.keepLatest(latest);
				// Revoked while this node did not read the log: refused from now on.
				try {
					LogLink.this.log.revokedTokens().forEach(this::revoked);
				}
				catch (ClusterUnavailableException ex) {
					logger.warn("Could not read the tokens revoked in the cluster: " + ex.getMessage());
				}
				if (missed) {
					// Events these streams should have had are gone: their clients resume
					// and learn it from the resume status (gap, or reset for a new epoch).
					logger.warn("SSE cluster log read from " + epoch + "-" + position
							+ " on: closing the streams of this node, which may have missed events");
					LogLink.this.closer.closeAll(CloseReason.RESYNC);
				}
			});
		}

		@Override
		public void read(List<LogRecord> records) {
			// Rendered before taking the lock; the epoch changes only on this thread.
			String epoch = LogLink.this.order.epoch();
			List<@Nullable SseEvent> events = new ArrayList<>(records.size());
			List<@Nullable Frame> frames = new ArrayList<>(records.size());
			List<Observation> delivering = new ArrayList<>();
			long nowNanos = System.nanoTime();
			Instant wallClock = Instant.now();
			for (LogRecord record : records) {
				String id = epoch + "-" + record.sequence();
				boolean event = record.kind() == LogRecord.Kind.EVENT;
				events.add(event ? EventOrder.event(record, id) : null);
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
								LogLink.this.observationRegistry)
						.start());
				}
			}
			try {
				LogLink.this.order.deliver(records, events, frames, this::command);
			}
			finally {
				delivering.forEach(Observation::stop);
			}
		}

		/** The last events the log keeps, for subscribers that open without a position. */
		private Map<String, SseEvent> latestEvents(String epoch) {
			Map<String, SseEvent> latest = new HashMap<>();
			try {
				LogLink.this.log.latest()
					.forEach((channel, record) -> latest.put(channel,
							EventOrder.event(record, epoch + "-" + record.sequence())));
			}
			catch (RuntimeException ex) {
				// Joining goes on: only the kept last events are missing, until the next ones.
				logger.warn("Could not read the last events the cluster keeps: " + ex.getMessage());
			}
			return latest;
		}

		/** Acts on this node's streams as another node, or this one, asked. */
		private void command(LogRecord record) {
			StreamCloser closer = LogLink.this.closer;
			switch (record.kind()) {
				case CLOSE_USER -> closer.closeUser(record.userId(), CloseReason.of(record.name()));
				case CLOSE_CONNECTION -> closer.closeConnection(record.connectionId(), CloseReason.of(record.name()));
				case REVOKE_TOKEN -> revoked(record.data(), record.timestamp());
				default -> throw new IllegalStateException("Not a command: " + record.kind());
			}
		}

		private void revoked(String tokenId, Instant expiresAt) {
			LogLink.this.revocationListener.accept(tokenId, expiresAt);
			LogLink.this.closer.closeToken(tokenId);
		}

	}

}
