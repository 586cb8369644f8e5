package dev.sseboot.sse.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import dev.sseboot.sse.SseEvent;
import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.cluster.ClusterUnavailableException;
import dev.sseboot.sse.cluster.GroupCommit;
import dev.sseboot.sse.cluster.LogRecord;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations.TypedTuple;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * The cluster's log in Redis: a Redis Stream whose entries are numbered by a counter, so
 * that ids are dense ({@code <n>-0}) and a client's id tells exactly what it missed. Three
 * keys share one hash tag, so that a script can touch them all on a Redis Cluster too:
 * {@code {prefix}log} (the stream, trimmed to about the replay's maximum of events),
 * {@code {prefix}seq} (the counter) and {@code {prefix}epoch} (the epoch, new when Redis
 * lost the other two).
 * <p>
 * Appends are scripts that check the epoch, count and add in one step, a batch of the
 * appends that arrived meanwhile at a time ({@link GroupCommit}). Each node reads the
 * stream with a blocking {@code XREAD} on a connection of its own, and after any failure
 * waits and joins again, checking that nothing it had not read was trimmed meanwhile
 * ({@link RedisLogReader}).
 */
public final class RedisClusterLog implements ClusterLog {

	private static final Log logger = LogFactory.getLog(RedisClusterLog.class);

	/** Adds records to the log, if it is still of the epoch the node knows: see the script. */
	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> APPEND = LuaScripts.load(List.class, "append.lua");

	private static final boolean LETTUCE_PRESENT = ClassUtils.isPresent("io.lettuce.core.output.IntegerOutput",
			RedisClusterLog.class.getClassLoader());

	/** Reads the kept last events, JSON arrays that the append script wrote. */
	private static final JsonMapper LATEST_READER = JsonMapper.builder().build();

	/** The most records one script adds. */
	private static final int MAX_BATCH = 256;

	/** The characters of arguments at which a batch stops growing. */
	private static final int MAX_BATCH_CHARS = 1 << 20;

	private final StringRedisTemplate redis;

	private final LogKeys keys;

	private final int maxEvents;

	private final Duration ttl;

	private final Duration blockTimeout;

	private final Duration idempotencyWindow;

	/** How many replicas must hold an append before it is acknowledged, 0 for none. */
	private final int acknowledgingReplicas;

	private final Duration publishTimeout;

	/** Which channels' last event the log keeps, for new subscribers. */
	private final Predicate<String> keepsLatest;

	/** Sends appends in batches: those that arrive while one is on its way go in the next. */
	private final GroupCommit<List<String>, String> appends;

	private final RedisLogReader logReader;

	/** Whether an append waited for the first join in vain: the next ones do not wait. */
	private volatile boolean joinWaitedFor;

	/** The questions a stream's resume or the broker's caller waits for. */
	private final RedisCalls calls;

	/**
	 * Creates the log.
	 * @param connectionFactory the application's Redis connections
	 * @param keyPrefix what the keys start with, inside the hash tag, e.g. {@code sse:}
	 * @param maxEvents how many records the stream keeps, at least
	 * @param ttl how long a record is replayed
	 * @param blockTimeout how long a read waits for records, less than the Redis command
	 * timeout
	 * @param publishTimeout the longest a publisher or a reader of the log's tail waits for
	 * Redis, whatever the Redis client's own timeout
	 * @param idempotencyWindow how long an append's idempotency key is remembered
	 * @param acknowledgingReplicas how many replicas must hold an append (Redis
	 * {@code WAIT}) before it is acknowledged to its publisher, 0 for none
	 * @param keepsLatest which channels' last event the log keeps (of the events addressed
	 * to the channel alone), for nodes that join later
	 */
	public RedisClusterLog(RedisConnectionFactory connectionFactory, String keyPrefix, int maxEvents, Duration ttl,
			Duration blockTimeout, Duration publishTimeout, Duration idempotencyWindow, int acknowledgingReplicas,
			Predicate<String> keepsLatest) {
		Assert.isTrue(maxEvents > 0, "maxEvents must be positive");
		this.redis = new StringRedisTemplate(connectionFactory);
		this.keys = LogKeys.of(keyPrefix);
		this.maxEvents = maxEvents;
		this.ttl = ttl;
		this.blockTimeout = blockTimeout;
		this.idempotencyWindow = idempotencyWindow;
		Assert.isTrue(acknowledgingReplicas >= 0, "acknowledgingReplicas must not be negative");
		this.acknowledgingReplicas = acknowledgingReplicas;
		this.publishTimeout = publishTimeout;
		this.keepsLatest = keepsLatest;
		this.appends = new GroupCommit<>("sse-cluster-append", MAX_BATCH, MAX_BATCH_CHARS, RedisClusterLog::chars,
				new Appender(), publishTimeout);
		this.logReader = new RedisLogReader(connectionFactory, this.redis, this.keys, blockTimeout,
				this::readLastSequence);
		this.calls = new RedisCalls("log", publishTimeout);
	}

	@Override
	public void start(Reader reader) {
		this.logReader.start(reader);
		this.appends.start();
	}

	@Override
	public void stop() {
		this.appends.stop(this.blockTimeout.plusSeconds(1));
		this.logReader.stop();
	}

	/**
	 * Returns whether the node reads the log: it joined, and the last read succeeded.
	 * @return whether the log is reachable
	 */
	public boolean isAvailable() {
		return this.logReader.isAvailable();
	}

	/**
	 * Returns the epoch of the log this node joined.
	 * @return the epoch, or {@code null} before it joined
	 */
	public @Nullable String epoch() {
		return this.logReader.epoch();
	}

	/**
	 * Returns the sequence of the newest record this node read.
	 * @return the sequence
	 */
	public long position() {
		return this.logReader.position();
	}

	/**
	 * Returns how many records of the log this node had not read when its reader last
	 * looked: within a read's wait (at most a second) of now, and without asking Redis,
	 * so that a scrape or a health probe never waits on it.
	 * @return the number of records
	 */
	public long lag() {
		return this.logReader.lag();
	}

	/**
	 * Returns the log as this node reads it, without asking Redis: unavailable when the
	 * last read failed, or when no read has finished for a few seconds more than a read
	 * may wait.
	 */
	@Override
	public Status status() {
		return this.logReader.status();
	}

	/**
	 * Appends a record, in a batch with the appends that arrive meanwhile: see
	 * {@link GroupCommit}. Right after the node started, waits for it to join the log, at
	 * most the publish timeout, once: if it has not joined by then (Redis unreachable from
	 * the start), the appends after fail at once, as they do after a failure, until the
	 * reader reads the log.
	 */
	@Override
	public String append(LogRecord record, @Nullable String idempotencyKey) {
		if (this.logReader.epoch() == null && (this.joinWaitedFor
				|| !this.logReader.awaitFirstJoin(this.publishTimeout))) {
			this.joinWaitedFor = true;
			throw new ClusterUnavailableException("The node has not joined the cluster's log in Redis within "
					+ this.publishTimeout.toMillis() + "ms of its start: the event was not sent");
		}
		if (!this.logReader.isAvailable()) {
			throw new ClusterUnavailableException("The cluster's log in Redis is unreachable: the event was not sent");
		}
		return this.appends.submit(LogEntries.arguments(record, idempotencyKey, keptLatest(record)));
	}

	private boolean keptLatest(LogRecord record) {
		return record.kind() == LogRecord.Kind.EVENT && record.channel() != null && record.userId() == null
				&& record.connectionId() == null && !SseEvent.isReserved(record.name())
				&& this.keepsLatest.test(record.channel());
	}

	/**
	 * Returns the last event of each channel whose last event the log keeps, as the appends
	 * left them in {@code {prefix}latest}.
	 */
	@Override
	public Map<String, LogRecord> latest() {
		return this.calls.call(() -> {
			Map<String, LogRecord> latest = new HashMap<>();
			this.redis.<String, String>opsForHash().entries(this.keys.latest()).forEach((channel, stored) -> {
				try {
					JsonNode array = LATEST_READER.readTree(stored);
					Map<String, String> fields = new HashMap<>();
					for (int i = 1; i + 1 < array.size(); i += 2) {
						fields.put(array.get(i).asString(), array.get(i + 1).asString());
					}
					latest.put(channel, LogEntries.toRecord(Long.parseLong(array.get(0).asString()), fields::get));
				}
				catch (RuntimeException ex) {
					// Not written by the append script: left out, the others still count.
					logger.warn("Ignored the kept last event of an SSE channel that could not be read: " + ex);
				}
			});
			return latest;
		});
	}

	private static int chars(List<String> arguments) {
		return arguments.stream().mapToInt(String::length).sum();
	}

	private static boolean isEpochChange(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause.getMessage() != null && cause.getMessage().contains("SSE_EPOCH")) {
				return true;
			}
		}
		return false;
	}

	@Override
	public Tail readAfter(long sequence) {
		String currentEpoch = this.logReader.epoch();
		if (!this.logReader.isAvailable() || currentEpoch == null) {
			// Lettuce would hold the command until Redis is back: the stream waits for nothing.
			throw unavailable(null);
		}
		return this.calls.call(() -> {
			long last = readLastSequence();
			List<MapRecord<String, Object, Object>> entries = this.redis.opsForStream()
				.range(this.keys.log(), Range.of(Range.Bound.exclusive(sequence + "-0"), Range.Bound.unbounded()));
			List<LogRecord> records = new ArrayList<>(entries.size());
			for (MapRecord<String, Object, Object> entry : entries) {
				Map<Object, Object> fields = entry.getValue();
				if (!String.valueOf(fields.get(LogEntries.EPOCH_FIELD)).equals(currentEpoch)) {
					// The log began a new epoch meanwhile: nothing of the old one is left.
					return new Tail(List.of(), false, -1);
				}
				records.add(LogEntries.toRecord(LogEntries.sequenceOf(entry.getId().getValue()), fields::get));
			}
			// Older than the replay's time to live: not replayed, as on a node on its own.
			Instant oldest = Instant.now().minus(this.ttl);
			int expired = 0;
			while (expired < records.size() && records.get(expired).timestamp().isBefore(oldest)) {
				expired++;
			}
			records = records.subList(expired, records.size());
			boolean complete = records.isEmpty() ? last <= sequence : records.get(0).sequence() == sequence + 1;
			return new Tail(records, complete, last);
		});
	}

	@Override
	public Map<String, Instant> revokedTokens() {
		if (!this.logReader.isAvailable()) {
			throw unavailable(null);
		}
		return this.calls.call(() -> {
			Set<TypedTuple<String>> revoked = this.redis.opsForZSet()
				.rangeByScoreWithScores(this.keys.revoked(), System.currentTimeMillis(), Double.POSITIVE_INFINITY);
			Map<String, Instant> tokens = new HashMap<>();
			if (revoked != null) {
				for (TypedTuple<String> token : revoked) {
					tokens.put(token.getValue(), Instant.ofEpochMilli(token.getScore().longValue()));
				}
			}
			return tokens;
		});
	}

	@Override
	public long lastSequence() {
		return this.calls.call(this::readLastSequence);
	}

	/** The log's newest sequence, read on the calling thread: the reader's own. */
	private long readLastSequence() {
		try {
			String sequence = this.redis.opsForValue().get(this.keys.sequence());
			return (sequence != null) ? Long.parseLong(sequence) : 0;
		}
		catch (DataAccessException ex) {
			throw unavailable(ex);
		}
	}

	private static ClusterUnavailableException unavailable(@Nullable Throwable cause) {
		String message = "The cluster's log in Redis is unreachable";
		return (cause != null) ? new ClusterUnavailableException(message + " (" + cause.getMessage() + ")", cause)
				: new ClusterUnavailableException(message);
	}

	/** Sends a batch of appends in one script. */
	private final class Appender implements GroupCommit.Sender<List<String>, String> {

		@Override
		public List<String> send(List<List<String>> batch) {
			String currentEpoch = RedisClusterLog.this.logReader.epoch();
			if (!RedisClusterLog.this.logReader.isAvailable() || currentEpoch == null) {
				throw new ClusterUnavailableException(
						"The cluster's log in Redis is unreachable: the event was not sent");
			}
			List<String> arguments = new ArrayList<>(6 + batch.size() * 17);
			arguments.add(currentEpoch);
			arguments.add(Integer.toString(RedisClusterLog.this.maxEvents));
			arguments.add(Integer.toString(batch.size()));
			arguments.add(Long.toString(System.currentTimeMillis()));
			arguments.add(Long.toString(RedisClusterLog.this.idempotencyWindow.toMillis()));
			arguments.add(Long.toString(RedisClusterLog.this.logReader.position()));
			batch.forEach(arguments::addAll);
			List<?> results = append(arguments);
			List<String> ids = new ArrayList<>(batch.size());
			for (Object result : results) {
				// A sequence of this epoch, or the id of the event first appended with the key.
				ids.add((result instanceof Long sequence) ? currentEpoch + "-" + sequence : String.valueOf(result));
			}
			return ids;
		}

		/**
		 * Runs the script, and where replicas must acknowledge, {@code WAIT}s for them on the
		 * same connection: {@code WAIT} counts the replicas that hold this connection's
		 * writes.
		 */
		private List<?> append(List<String> arguments) {
			StringRedisTemplate redis = RedisClusterLog.this.redis;
			List<String> keys = RedisClusterLog.this.keys.all();
			int replicas = RedisClusterLog.this.acknowledgingReplicas;
			if (replicas == 0) {
				return redis.execute(APPEND, keys, arguments.toArray());
			}
			return redis.execute(new SessionCallback<List<?>>() {

				@Override
				@SuppressWarnings("unchecked")
				public <K, V> List<?> execute(RedisOperations<K, V> operations) {
					List<?> results = redis.execute(APPEND, keys, arguments.toArray());
					long acknowledged = redis.execute((RedisCallback<Long>) (connection) -> waitFor(connection, replicas),
							true);
					if (acknowledged < replicas) {
						throw new ClusterUnavailableException("The event was appended, but " + acknowledged + " of "
								+ replicas + " replicas held it within " + waitMillis()
								+ "ms: it may or may not have been sent (a failover now would lose it); retry with "
								+ "its idempotency key");
					}
					return results;
				}

			});
		}

		private long waitFor(RedisConnection connection, int replicas) {
			// Half the publish timeout: the publisher's wait began before the script ran, and
			// must end with this answer rather than with no answer.
			byte[][] arguments = { Integer.toString(replicas).getBytes(StandardCharsets.US_ASCII),
					Long.toString(waitMillis()).getBytes(StandardCharsets.US_ASCII) };
			Object acknowledged = LETTUCE_PRESENT ? LettuceWait.execute(connection, arguments)
					: connection.execute("WAIT", arguments);
			return (acknowledged instanceof Number number) ? number.longValue() : 0;
		}

		private long waitMillis() {
			return Math.max(1, RedisClusterLog.this.publishTimeout.toMillis() / 2);
		}

		@Override
		public ClusterUnavailableException failure(Throwable ex) {
			if (ex instanceof ClusterUnavailableException unavailable) {
				return unavailable;
			}
			if (isEpochChange(ex)) {
				// The reader finds the new epoch and resets the node; the publisher may retry.
				return new ClusterUnavailableException("The cluster's log began a new epoch, or went back to an older "
						+ "copy of itself (Redis lost data): the event was not sent", ex);
			}
			RedisClusterLog.this.logReader.unavailable();
			return new ClusterUnavailableException("The cluster's log in Redis is unreachable: the event was "
					+ "not sent (" + ex.getMessage() + ")", ex);
		}

		/**
		 * Redis did not answer in time: the next appends fail at once, and health is down,
		 * until the reader reads again.
		 */
		@Override
		public void timedOut() {
			RedisClusterLog.this.logReader.unavailable();
		}

	}


	/**
	 * {@code WAIT} on Spring Data's Lettuce connection, which reads an unknown command's
	 * reply as bytes. A class of its own: loaded only where Lettuce is.
	 */
	private static final class LettuceWait {

		static @Nullable Object execute(RedisConnection connection, byte[][] arguments) {
			return (connection instanceof LettuceConnection lettuce)
					? lettuce.execute("WAIT", new IntegerOutput<>(ByteArrayCodec.INSTANCE), arguments)
					: connection.execute("WAIT", arguments);
		}

	}

}
