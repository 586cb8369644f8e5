package dev.sseboot.sse.autoconfigure;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.sseboot.sse.broker.LimitPolicy;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.core.Ordered;
import org.springframework.core.io.Resource;
import org.springframework.util.Assert;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of the SSE starter.
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

	private final Security security = new Security();

	private final Replay replay = new Replay();

	private final Control control = new Control();

	private final Cors cors = new Cors();

	private final Cluster cluster = new Cluster();

	private final Metrics metrics = new Metrics();

	private final Logging logging = new Logging();

	private final Tomcat tomcat = new Tomcat();

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

	public Security getSecurity() {
		return this.security;
	}

	public Replay getReplay() {
		return this.replay;
	}

	public Control getControl() {
		return this.control;
	}

	public Cors getCors() {
		return this.cors;
	}

	public Cluster getCluster() {
		return this.cluster;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Logging getLogging() {
		return this.logging;
	}

	public Tomcat getTomcat() {
		return this.tomcat;
	}

	/**
	 * Buffer sizes of embedded Tomcat, which every open stream holds for its whole life:
	 * smaller ones cut the memory of a stream. Each applies to every connection and request
	 * of the application, not only to streams, so none is set unless the application sets
	 * it.
	 */
	public static class Tomcat {

		/**
		 * Size of the response buffer of each request, Tomcat's 8KB unless set. A request
		 * holds three times as much (bytes and characters); a response larger than it is
		 * sent in chunks.
		 */
		private @Nullable DataSize responseBufferSize;

		/**
		 * Size of the buffer each connection reads its socket into, Tomcat's 8KB unless
		 * set.
		 */
		private @Nullable DataSize socketReadBufferSize;

		/**
		 * Size of the buffer each connection writes its socket from, Tomcat's 8KB unless
		 * set.
		 */
		private @Nullable DataSize socketWriteBufferSize;

		public @Nullable DataSize getResponseBufferSize() {
			return this.responseBufferSize;
		}

		public void setResponseBufferSize(@Nullable DataSize responseBufferSize) {
			this.responseBufferSize = positive(responseBufferSize, "sse.tomcat.response-buffer-size");
		}

		public @Nullable DataSize getSocketReadBufferSize() {
			return this.socketReadBufferSize;
		}

		public void setSocketReadBufferSize(@Nullable DataSize socketReadBufferSize) {
			this.socketReadBufferSize = positive(socketReadBufferSize, "sse.tomcat.socket-read-buffer-size");
		}

		public @Nullable DataSize getSocketWriteBufferSize() {
			return this.socketWriteBufferSize;
		}

		public void setSocketWriteBufferSize(@Nullable DataSize socketWriteBufferSize) {
			this.socketWriteBufferSize = positive(socketWriteBufferSize, "sse.tomcat.socket-write-buffer-size");
		}

		private static @Nullable DataSize positive(@Nullable DataSize size, String property) {
			Assert.isTrue(size == null || (size.toBytes() > 0 && size.toBytes() <= Integer.MAX_VALUE),
					property + " must be positive");
			return size;
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
	 * Cluster mode: several nodes of the application share their events.
	 */
	public static class Cluster {

		/**
		 * How the nodes share events: 'none' (each node on its own) or 'redis' (through a
		 * log in Redis, with spring-boot-starter-data-redis).
		 */
		private Type type = Type.NONE;

		/**
		 * How long after it was last heard of a node's streams stop counting in the
		 * cluster's presence and limits, such as after it was killed.
		 */
		private Duration nodeTimeout = Duration.ofSeconds(10);

		/**
		 * Name of this node, unique in the cluster, as 'sse-connected' and the presence
		 * show it. Defaults to the host name and a random suffix.
		 */
		private @Nullable String nodeId;

		private final Redis redis = new Redis();

		public Type getType() {
			return this.type;
		}

		public void setType(Type type) {
			this.type = type;
		}

		public @Nullable String getNodeId() {
			return this.nodeId;
		}

		public void setNodeId(@Nullable String nodeId) {
			this.nodeId = nodeId;
		}

		public Duration getNodeTimeout() {
			return this.nodeTimeout;
		}

		public void setNodeTimeout(Duration nodeTimeout) {
			Assert.isTrue(nodeTimeout.toMillis() >= 250, "sse.cluster.node-timeout must be at least 250ms");
			this.nodeTimeout = nodeTimeout;
		}

		public Redis getRedis() {
			return this.redis;
		}

		/**
		 * How the nodes share events.
		 */
		public enum Type {

			/** Each node on its own. */
			NONE,

			/** Through a log in Redis. */
			REDIS

		}

		/**
		 * The cluster's log in Redis, on the application's Redis connection.
		 */
		public static class Redis {

			/**
			 * Prefix of the starter's Redis keys, so that several applications can share
			 * one Redis. It becomes the keys' hash tag: all of them live on one Redis
			 * Cluster node.
			 */
			private String keyPrefix = "sse:";

			public String getKeyPrefix() {
				return this.keyPrefix;
			}

			public void setKeyPrefix(String keyPrefix) {
				Assert.isTrue(!keyPrefix.contains("{") && !keyPrefix.contains("}"),
						"sse.cluster.redis.key-prefix must not contain '{' or '}': it becomes the keys' hash tag");
				this.keyPrefix = keyPrefix;
			}

		}

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

		/**
		 * Whether Tomcat's connection limit and accept queue are raised.
		 * @return whether they are
		 * @deprecated for Jetty too: use {@link #isTuneServer()}
		 */
		@Deprecated(since = "0.1.0", forRemoval = true)
		@DeprecatedConfigurationProperty(replacement = "sse.connection.tune-server", since = "0.1.0")
		public boolean isTuneTomcat() {
			return this.tuneServer;
		}

		/**
		 * Sets whether Tomcat's connection limit and accept queue are raised.
		 * @param tuneTomcat whether they are
		 * @deprecated for Jetty too: use {@link #setTuneServer(boolean)}
		 */
		@Deprecated(since = "0.1.0", forRemoval = true)
		public void setTuneTomcat(boolean tuneTomcat) {
			this.tuneServer = tuneTomcat;
		}

	}

	/**
	 * Authentication of stream requests.
	 */
	public static class Security {

		/**
		 * Query parameter that may carry the token, for browsers' EventSource.
		 */
		private String queryParameter = "token";

		/**
		 * Whether the token may be sent as a query parameter.
		 */
		private boolean queryParameterEnabled = true;

		/**
		 * Name of a cookie that may carry the token, for EventSource with
		 * withCredentials.
		 */
		private @Nullable String cookieName;

		/**
		 * Order of the SSE security filter chain among the application's chains.
		 */
		private int filterChainOrder = Ordered.HIGHEST_PRECEDENCE;

		/**
		 * How long before its token expires a stream gets 'sse-token-expiring'.
		 */
		private Duration expiryWarning = Duration.ofSeconds(30);

		/**
		 * Maximum number of unexpired token revocations kept in the deny-list.
		 */
		private int maxRevokedTokens = 100_000;

		private final Jwt jwt = new Jwt();

		private final Cache cache = new Cache();

		private final FailedAttempts failedAttempts = new FailedAttempts();

		public String getQueryParameter() {
			return this.queryParameter;
		}

		public void setQueryParameter(String queryParameter) {
			this.queryParameter = queryParameter;
		}

		public boolean isQueryParameterEnabled() {
			return this.queryParameterEnabled;
		}

		public void setQueryParameterEnabled(boolean queryParameterEnabled) {
			this.queryParameterEnabled = queryParameterEnabled;
		}

		public @Nullable String getCookieName() {
			return this.cookieName;
		}

		public void setCookieName(@Nullable String cookieName) {
			this.cookieName = cookieName;
		}

		public int getFilterChainOrder() {
			return this.filterChainOrder;
		}

		public void setFilterChainOrder(int filterChainOrder) {
			this.filterChainOrder = filterChainOrder;
		}

		public Duration getExpiryWarning() {
			return this.expiryWarning;
		}

		public void setExpiryWarning(Duration expiryWarning) {
			this.expiryWarning = expiryWarning;
		}

		public int getMaxRevokedTokens() {
			return this.maxRevokedTokens;
		}

		public void setMaxRevokedTokens(int maxRevokedTokens) {
			Assert.isTrue(maxRevokedTokens > 0, "sse.security.max-revoked-tokens must be positive");
			this.maxRevokedTokens = maxRevokedTokens;
		}

		public Jwt getJwt() {
			return this.jwt;
		}

		public Cache getCache() {
			return this.cache;
		}

		public FailedAttempts getFailedAttempts() {
			return this.failedAttempts;
		}

	}

	/**
	 * The default JWT token validator.
	 */
	public static class Jwt {

		/**
		 * Shared secret of HS256, HS384 and HS512 tokens, at least 32 bytes.
		 */
		private @Nullable String secret;

		/**
		 * Location of the PEM public key (or certificate) that verifies RS, PS, ES or
		 * EdDSA tokens.
		 */
		private @Nullable Resource publicKeyLocation;

		/**
		 * URI of the JWK Set whose RSA or EC keys verify tokens.
		 */
		private @Nullable String jwkSetUri;

		/**
		 * Key id that tokens must name in their 'kid' header. When not set, tokens are
		 * verified with the secret or public key whatever their 'kid', and a JWK Set's key
		 * is chosen by it.
		 */
		private @Nullable String keyId;

		/**
		 * Required value of the 'iss' claim.
		 */
		private @Nullable String issuer;

		/**
		 * Value the 'aud' claim must contain.
		 */
		private @Nullable String audience;

		/**
		 * Required 'typ' header, such as 'sse+jwt'. When not set, 'JWT' or no type is
		 * accepted.
		 */
		private @Nullable String type;

		/**
		 * Base64-encoded 256-bit key of encrypted tokens (JWE 'dir' with 'A256GCM' around
		 * a signed JWT). When set, unencrypted tokens are refused.
		 */
		private @Nullable String encryptionSecret;

		/**
		 * Tolerance on the 'exp' and 'nbf' claims.
		 */
		private Duration clockSkew = Duration.ofSeconds(30);

		/**
		 * Whether tokens without an 'exp' claim are refused.
		 */
		private boolean requireExpiry = true;

		public @Nullable String getSecret() {
			return this.secret;
		}

		public void setSecret(@Nullable String secret) {
			this.secret = secret;
		}

		public @Nullable Resource getPublicKeyLocation() {
			return this.publicKeyLocation;
		}

		public void setPublicKeyLocation(@Nullable Resource publicKeyLocation) {
			this.publicKeyLocation = publicKeyLocation;
		}

		public @Nullable String getJwkSetUri() {
			return this.jwkSetUri;
		}

		public void setJwkSetUri(@Nullable String jwkSetUri) {
			this.jwkSetUri = jwkSetUri;
		}

		public @Nullable String getKeyId() {
			return this.keyId;
		}

		public void setKeyId(@Nullable String keyId) {
			this.keyId = keyId;
		}

		public @Nullable String getIssuer() {
			return this.issuer;
		}

		public void setIssuer(@Nullable String issuer) {
			this.issuer = issuer;
		}

		public @Nullable String getAudience() {
			return this.audience;
		}

		public void setAudience(@Nullable String audience) {
			this.audience = audience;
		}

		public @Nullable String getType() {
			return this.type;
		}

		public void setType(@Nullable String type) {
			this.type = type;
		}

		public @Nullable String getEncryptionSecret() {
			return this.encryptionSecret;
		}

		public void setEncryptionSecret(@Nullable String encryptionSecret) {
			this.encryptionSecret = encryptionSecret;
		}

		public Duration getClockSkew() {
			return this.clockSkew;
		}

		public void setClockSkew(Duration clockSkew) {
			Assert.isTrue(!clockSkew.isNegative(), "sse.security.jwt.clock-skew must not be negative");
			this.clockSkew = clockSkew;
		}

		public boolean isRequireExpiry() {
			return this.requireExpiry;
		}

		public void setRequireExpiry(boolean requireExpiry) {
			this.requireExpiry = requireExpiry;
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
	 * The control API: a second listener that mints tokens and emits events for
	 * publishers outside the application.
	 */
	public static class Control {

		/**
		 * Whether the control API listens on its own address and port.
		 */
		private boolean enabled;

		/**
		 * Address the control API listens on, a loopback one unless an API key is set.
		 */
		private InetAddress address = InetAddress.getLoopbackAddress();

		/**
		 * Port the control API listens on, 0 for a free port.
		 */
		private int port = 8001;

		/**
		 * Key that control requests must send as 'Authorization: Bearer <key>'.
		 */
		private @Nullable String apiKey;

		/**
		 * Longest validity of a token minted by POST /token; a longer 'exp' is capped.
		 */
		private Duration maxTokenTtl = Duration.ofHours(24);

		/**
		 * Largest request body accepted; larger ones are refused with 413.
		 */
		private DataSize maxBodySize = DataSize.ofKilobytes(64);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public InetAddress getAddress() {
			return this.address;
		}

		public void setAddress(InetAddress address) {
			this.address = address;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			Assert.isTrue(port >= 0 && port <= 65535, "sse.control.port must be between 0 and 65535");
			this.port = port;
		}

		public @Nullable String getApiKey() {
			return this.apiKey;
		}

		public void setApiKey(@Nullable String apiKey) {
			this.apiKey = apiKey;
		}

		public Duration getMaxTokenTtl() {
			return this.maxTokenTtl;
		}

		public void setMaxTokenTtl(Duration maxTokenTtl) {
			Assert.isTrue(!maxTokenTtl.isNegative() && !maxTokenTtl.isZero(), "sse.control.max-token-ttl must be positive");
			this.maxTokenTtl = maxTokenTtl;
		}

		public DataSize getMaxBodySize() {
			return this.maxBodySize;
		}

		public void setMaxBodySize(DataSize maxBodySize) {
			Assert.isTrue(maxBodySize.toBytes() > 0 && maxBodySize.toBytes() < Integer.MAX_VALUE,
					"sse.control.max-body-size must be positive and less than 2GB");
			this.maxBodySize = maxBodySize;
		}

	}

	/**
	 * Cache of valid tokens, for token validators that are expensive to call.
	 */
	public static class Cache {

		/**
		 * Whether the principals of valid tokens are cached. Needs Caffeine on the
		 * classpath.
		 */
		private boolean enabled;

		/**
		 * How long a principal is cached at most; never past its token's expiry.
		 */
		private Duration ttl = Duration.ofMinutes(5);

		/**
		 * Maximum number of cached principals.
		 */
		private long maxSize = 10_000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			Assert.isTrue(!ttl.isNegative() && !ttl.isZero(), "sse.security.cache.ttl must be positive");
			this.ttl = ttl;
		}

		public long getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(long maxSize) {
			Assert.isTrue(maxSize > 0, "sse.security.cache.max-size must be positive");
			this.maxSize = maxSize;
		}

	}

	/**
	 * Limit on failed token validations per client address.
	 */
	public static class FailedAttempts {

		/**
		 * Whether clients with too many failed token validations are refused with 429.
		 */
		private boolean enabled = true;

		/**
		 * Number of failed validations a client address may have in one window.
		 */
		private int max = 20;

		/**
		 * Length of the window in which failed validations are counted.
		 */
		private Duration window = Duration.ofMinutes(1);

		/**
		 * Maximum number of client addresses tracked at once.
		 */
		private int maxClients = 100_000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMax() {
			return this.max;
		}

		public void setMax(int max) {
			Assert.isTrue(max > 0, "sse.security.failed-attempts.max must be positive");
			this.max = max;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			Assert.isTrue(!window.isNegative() && !window.isZero(), "sse.security.failed-attempts.window must be positive");
			this.window = window;
		}

		public int getMaxClients() {
			return this.maxClients;
		}

		public void setMaxClients(int maxClients) {
			Assert.isTrue(maxClients > 0, "sse.security.failed-attempts.max-clients must be positive");
			this.maxClients = maxClients;
		}

	}

	/**
	 * Cross-origin access to the stream endpoint, for pages served from other origins.
	 */
	public static class Cors {

		/**
		 * Origins allowed to open streams, such as 'https://app.example.com', or '*'
		 * without credentials. None when empty.
		 */
		private List<String> allowedOrigins = new ArrayList<>();

		/**
		 * Whether cross-origin streams may send cookies (EventSource withCredentials).
		 */
		private boolean allowCredentials;

		/**
		 * How long browsers may cache the answer to a preflight request.
		 */
		private Duration maxAge = Duration.ofMinutes(30);

		public List<String> getAllowedOrigins() {
			return this.allowedOrigins;
		}

		public void setAllowedOrigins(List<String> allowedOrigins) {
			this.allowedOrigins = allowedOrigins;
		}

		public boolean isAllowCredentials() {
			return this.allowCredentials;
		}

		public void setAllowCredentials(boolean allowCredentials) {
			this.allowCredentials = allowCredentials;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

	}

}
