package dev.sseboot.sse.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.sseboot.sse.broker.LimitPolicy;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of the SSE stream endpoint and its broker. The security
 * chain's are in {@link SseSecurityProperties} and {@link SseCorsProperties}, the
 * control API's in {@link SseControlProperties}, cluster mode's in
 * {@link SseClusterProperties} and embedded Tomcat's in {@link SseTomcatProperties}.
 */
@ConfigurationProperties("sse")
public class SseProperties {

	/**
	 * Whether the SSE starter is enabled.
	 */
	private boolean enabled = true;

	/**
	 * Path of the stream endpoint.
	 */
	private String path = "/sse";

	/**
	 * Reconnection delay announced to clients in the stream's first frame.
	 */
	private Duration retry = Duration.ofSeconds(3);

	private final Heartbeat heartbeat = new Heartbeat();

	private final Connection connection = new Connection();

	private final Replay replay = new Replay();

	private final Metrics metrics = new Metrics();

	private final Logging logging = new Logging();

	/**
	 * Options of channels by pattern, as grants are written ('*', 'prefix:*' or a name;
	 * in YAML, a pattern with ':' or '*' in brackets, such as '[cursor:*]'). The first
	 * pattern that matches a channel, in the order configured, applies.
	 */
	private final Map<String, Channel> channels = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		Assert.isTrue(path.startsWith("/"), "sse.path must start with '/'");
		this.path = path;
	}

	public Duration getRetry() {
		return this.retry;
	}

	public void setRetry(Duration retry) {
		this.retry = retry;
	}

	public Heartbeat getHeartbeat() {
		return this.heartbeat;
	}

	public Connection getConnection() {
		return this.connection;
	}

	public Replay getReplay() {
		return this.replay;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Logging getLogging() {
		return this.logging;
	}

	public Map<String, Channel> getChannels() {
		return this.channels;
	}

	/**
	 * Heartbeats keep idle streams open through proxies and reveal dead clients.
	 */
	public static class Heartbeat {

		/**
		 * Silence after which a stream gets a heartbeat.
		 */
		private Duration interval = Duration.ofSeconds(15);

		/**
		 * How heartbeats are sent: a 'heartbeat' event, or a comment line that clients
		 * ignore.
		 */
		private Mode mode = Mode.EVENT;

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			Assert.isTrue(!interval.isNegative() && !interval.isZero(), "sse.heartbeat.interval must be positive");
			this.interval = interval;
		}

		public Mode getMode() {
			return this.mode;
		}

		public void setMode(Mode mode) {
			this.mode = mode;
		}

		/**
		 * How heartbeats are sent.
		 */
		public enum Mode {

			/** A {@code heartbeat} event with an ISO timestamp. */
			EVENT,

			/** A comment line. */
			COMMENT

		}

	}

	/**
	 * Limits on streams.
	 */
	public static class Connection {

		/**
		 * Number of frames a stream may have queued before it is closed as a slow
		 * consumer.
		 */
		private int queueCapacity = 1024;

		/**
		 * Longest time a stream stays open before the server closes it with reason
		 * 'max-lifetime'.
		 */
		private Duration maxLifetime = Duration.ofHours(1);

		/**
		 * Fraction of the lifetime by which each stream's lifetime is shortened at random,
		 * so that reconnects spread out.
		 */
		private double lifetimeJitter = 0.1;

		/**
		 * Maximum number of streams one user may hold on a node, 0 for no limit.
		 */
		private int maxPerUser = 16;

		/**
		 * What happens to a stream opened beyond max-per-user: 'evict-oldest' closes the
		 * user's oldest stream with reason 'replaced', 'reject' refuses the new one with
		 * 429.
		 */
		private LimitPolicy onLimit = LimitPolicy.EVICT_OLDEST;

		/**
		 * Maximum number of streams on a node, 0 for no limit besides the server's
		 * connection limit.
		 */
		private int maxTotal = 0;

		/**
		 * How often each stream's connection is checked for a client that closed it,
		 * where the server can tell (Tomcat, and Jetty over plain HTTP/1.1); 0 to check only
		 * when a user reaches max-per-user.
		 */
		private Duration closeCheckInterval = Duration.ofSeconds(5);

		/**
		 * Maximum number of channels one stream may name.
		 */
		private int maxChannels = 32;

		/**
		 * Number of threads writing to streams. Defaults to the number of processors:
		 * writes never block, so more threads only compete with publishers.
		 */
		private @Nullable Integer writerThreads;

		/**
		 * Whether the embedded server's (Tomcat's or Jetty's) connection limit and accept
		 * queue are raised for long-lived streams where the application does not set them
		 * (server.tomcat.max-connections, server.tomcat.accept-count,
		 * server.jetty.max-connections).
		 */
		private boolean tuneServer = true;

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			Assert.isTrue(queueCapacity > 0, "sse.connection.queue-capacity must be positive");
			this.queueCapacity = queueCapacity;
		}

		public Duration getMaxLifetime() {
			return this.maxLifetime;
		}

		public void setMaxLifetime(Duration maxLifetime) {
			Assert.isTrue(!maxLifetime.isNegative() && !maxLifetime.isZero(), "sse.connection.max-lifetime must be positive");
			this.maxLifetime = maxLifetime;
		}

		public double getLifetimeJitter() {
			return this.lifetimeJitter;
		}

		public void setLifetimeJitter(double lifetimeJitter) {
			Assert.isTrue(lifetimeJitter >= 0 && lifetimeJitter < 1,
					"sse.connection.lifetime-jitter must be at least 0 and less than 1");
			this.lifetimeJitter = lifetimeJitter;
		}

		public int getMaxPerUser() {
			return this.maxPerUser;
		}

		public void setMaxPerUser(int maxPerUser) {
			this.maxPerUser = maxPerUser;
		}

		public LimitPolicy getOnLimit() {
			return this.onLimit;
		}

		public void setOnLimit(LimitPolicy onLimit) {
			this.onLimit = onLimit;
		}

		public int getMaxTotal() {
			return this.maxTotal;
		}

		public void setMaxTotal(int maxTotal) {
			this.maxTotal = maxTotal;
		}

		public Duration getCloseCheckInterval() {
			return this.closeCheckInterval;
		}

		public void setCloseCheckInterval(Duration closeCheckInterval) {
			Assert.isTrue(!closeCheckInterval.isNegative(),
					"sse.connection.close-check-interval must not be negative");
			this.closeCheckInterval = closeCheckInterval;
		}

		public int getMaxChannels() {
			return this.maxChannels;
		}

		public void setMaxChannels(int maxChannels) {
			Assert.isTrue(maxChannels > 0, "sse.connection.max-channels must be positive");
			this.maxChannels = maxChannels;
		}

		public @Nullable Integer getWriterThreads() {
			return this.writerThreads;
		}

		public void setWriterThreads(@Nullable Integer writerThreads) {
			Assert.isTrue(writerThreads == null || writerThreads > 0, "sse.connection.writer-threads must be positive");
			this.writerThreads = writerThreads;
		}

		public boolean isTuneServer() {
			return this.tuneServer;
		}

		public void setTuneServer(boolean tuneServer) {
			this.tuneServer = tuneServer;
		}

	}

	/**
	 * Replay of missed events to clients that resume with Last-Event-ID.
	 */
	public static class Replay {

		/**
		 * Whether recent events are kept for clients that resume.
		 */
		private boolean enabled = true;

		/**
		 * Maximum number of events kept.
		 */
		private int maxEvents = 1000;

		/**
		 * How long an event is kept.
		 */
		private Duration ttl = Duration.ofMinutes(5);

		/**
		 * Maximum size of the encoded events kept.
		 */
		private DataSize maxBytes = DataSize.ofMegabytes(16);

		/**
		 * Whether the last event written to each user's 'clientId' is remembered, so that
		 * a client reconnecting without Last-Event-ID (a page reload) resumes.
		 */
		private boolean trackClients = false;

		/**
		 * Maximum number of clients remembered when tracking clients; each is forgotten
		 * after the replay TTL.
		 */
		private int maxTrackedClients = 10_000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxEvents() {
			return this.maxEvents;
		}

		public void setMaxEvents(int maxEvents) {
			Assert.isTrue(maxEvents > 0, "sse.replay.max-events must be positive");
			this.maxEvents = maxEvents;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			Assert.isTrue(!ttl.isNegative() && !ttl.isZero(), "sse.replay.ttl must be positive");
			this.ttl = ttl;
		}

		public DataSize getMaxBytes() {
			return this.maxBytes;
		}

		public void setMaxBytes(DataSize maxBytes) {
			Assert.isTrue(maxBytes.toBytes() > 0, "sse.replay.max-bytes must be positive");
			this.maxBytes = maxBytes;
		}

		public boolean isTrackClients() {
			return this.trackClients;
		}

		public void setTrackClients(boolean trackClients) {
			this.trackClients = trackClients;
		}

		public int getMaxTrackedClients() {
			return this.maxTrackedClients;
		}

		public void setMaxTrackedClients(int maxTrackedClients) {
			Assert.isTrue(maxTrackedClients > 0, "sse.replay.max-tracked-clients must be positive");
			this.maxTrackedClients = maxTrackedClients;
		}

	}

	/**
	 * Micrometer meters of the starter, when the application has a MeterRegistry.
	 */
	public static class Metrics {

		/**
		 * Whether the starter registers its meters.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * What the starter's log lines say about streams.
	 */
	public static class Logging {

		/**
		 * Whether log lines about a stream name its user (MDC 'sse.userId', and refused
		 * tokens' messages); the connection id is always in the MDC as 'sse.connectionId'.
		 */
		private boolean includeUserId;

		public boolean isIncludeUserId() {
			return this.includeUserId;
		}

		public void setIncludeUserId(boolean includeUserId) {
			this.includeUserId = includeUserId;
		}

	}


	/**
	 * What differs for the channels of one pattern.
	 */
	public static class Channel {

		/**
		 * Whether the channels' events are kept for replay. 'false' for volatile channels
		 * (cursor positions, typing indicators): their events are delivered live only,
		 * never replayed to a resuming client, and never push stored events out of the
		 * window.
		 */
		private boolean replay = true;

		/**
		 * Whether the channels' subscribers receive 'sse-join' and 'sse-leave' events when a
		 * user's first stream on a channel opens anywhere in the cluster, and when their
		 * last one closes.
		 */
		private boolean presenceEvents;

		/**
		 * Whether the channels' last event is kept (in Redis in cluster mode) and sent, as
		 * 'sse-latest', right after 'sse-connected' to a subscriber that opens without
		 * Last-Event-ID or whose resume is 'gap' or 'reset'.
		 */
		private boolean keepLatest;

		public boolean isReplay() {
			return this.replay;
		}

		public void setReplay(boolean replay) {
			this.replay = replay;
		}

		public boolean isPresenceEvents() {
			return this.presenceEvents;
		}

		public void setPresenceEvents(boolean presenceEvents) {
			this.presenceEvents = presenceEvents;
		}

		public boolean isKeepLatest() {
			return this.keepLatest;
		}

		public void setKeepLatest(boolean keepLatest) {
			this.keepLatest = keepLatest;
		}

	}

}
