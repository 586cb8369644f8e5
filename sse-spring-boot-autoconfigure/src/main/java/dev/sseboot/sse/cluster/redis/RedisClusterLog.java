package dev.sseboot.sse.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.cluster.ClusterUnavailableException;
import dev.sseboot.sse.cluster.GroupCommit;
import dev.sseboot.sse.cluster.LogRecord;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations.TypedTuple;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.util.Assert;

/**
 * The cluster's log in Redis: a Redis Stream whose entries are numbered by a counter, so
 * that ids are dense ({@code <n>-0}) and a client's id tells exactly what it missed. Three
 * keys share one hash tag, so that a script can touch them all on a Redis Cluster too:
 * {@code {prefix}log} (the stream, trimmed to about the replay's maximum of events),
 * {@code {prefix}seq} (the counter) and {@code {prefix}epoch} (the epoch, new when Redis
 * lost the other two).
 * <p>
 * Appends are scripts that check the epoch, count and add in one step, a batch of the
 * appends that arrived meanwhile at a time, sent by a thread of the log's own. Each node reads the stream with a
 * blocking {@code XREAD} on a connection of its own, and after any failure waits and
 * joins again, checking that nothing it had not read was trimmed meanwhile.
 */
public final class RedisClusterLog implements ClusterLog {

	private static final Log logger = LogFactory.getLog(RedisClusterLog.class);

	/** Adds records to the log, if it is still of the epoch the node knows: see the script. */
	private static final RedisScript<Long> APPEND = LuaScripts.load(Long.class, "append.lua");

	/** The most records one script adds. */
	private static final int MAX_BATCH = 256;

	/** The characters of arguments at which a batch stops growing. */
	private static final int MAX_BATCH_CHARS = 1 << 20;

	/** Begins a new epoch, empty, unless another node began one already: see the script. */
	private static final RedisScript<String> NEW_EPOCH = LuaScripts.load(String.class, "new-epoch.lua");

	/** Most records one read of the log returns. */
	private static final int READ_COUNT = 1000;

	/** How much longer than its block timeout a read may take before the node counts as not reading. */
	private static final Duration READ_STALL_MARGIN = Duration.ofSeconds(2);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

	private final RedisConnectionFactory connectionFactory;

	private final StringRedisTemplate redis;

	private final List<String> keys;

	private final String sequenceKey;

	private final String logKey;

	private final String epochKey;

	private final String revokedKey;

	private final int maxEvents;

	private final Duration ttl;

	private final Duration blockTimeout;

	/** Sends appends in batches: those that arrive while one is on its way go in the next. */
	private final GroupCommit<List<String>, String> appends;

	private volatile @Nullable String epoch;

	/** Sequence of the newest record this node read. */
	private volatile long position;

	/**
	 * How far the log went when the reader last looked: where a read that was not full
	 * stopped, else the log's counter. Meters and health read it without asking Redis.
	 */
	private volatile long knownHead;

	/**
	 * When the reader last finished a read, from {@link System#nanoTime()}. A read waits
	 * at most the block timeout; one that takes much longer is stuck on a connection that
	 * Lettuce holds while it reconnects to a Redis that went away.
	 */
	private volatile long lastReadNanos = System.nanoTime();

	private volatile boolean available;

	private volatile boolean running;

	private volatile @Nullable Thread readerThread;

	/**
	 * Creates the log.
	 * @param connectionFactory the application's Redis connections
	 * @param keyPrefix what the keys start with, inside the hash tag, e.g. {@code sse:}
	 * @param maxEvents how many records the stream keeps, at least
	 * @param ttl how long a record is replayed
	 * @param blockTimeout how long a read waits for records, less than the Redis command
	 * timeout
	 */
	public RedisClusterLog(RedisConnectionFactory connectionFactory, String keyPrefix, int maxEvents, Duration ttl,
			Duration blockTimeout) {
		Assert.isTrue(maxEvents > 0, "maxEvents must be positive");
		this.connectionFactory = connectionFactory;
		this.redis = new StringRedisTemplate(connectionFactory);
		String tag = "{" + keyPrefix + "}";
		this.sequenceKey = tag + "seq";
		this.logKey = tag + "log";
		this.epochKey = tag + "epoch";
		this.revokedKey = tag + "revoked";
		this.keys = List.of(this.sequenceKey, this.logKey, this.epochKey, this.revokedKey);
		this.maxEvents = maxEvents;
		this.ttl = ttl;
		this.blockTimeout = blockTimeout;
		this.appends = new GroupCommit<>("sse-cluster-append", MAX_BATCH, MAX_BATCH_CHARS, RedisClusterLog::chars,
				new Appender());
	}

	@Override
	public void start(Reader reader) {
		this.running = true;
		this.readerThread = startDaemon(() -> read(reader), "sse-cluster-log");
		this.appends.start();
	}

	private static Thread startDaemon(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	@Override
	public void stop() {
		this.running = false;
		Thread reader = this.readerThread;
		if (reader != null) {
			reader.interrupt();
		}
		this.appends.stop(this.blockTimeout.plusSeconds(1));
		try {
			if (reader != null) {
				reader.join(this.blockTimeout.plusSeconds(1).toMillis());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.available = false;
	}

	/**
	 * Returns whether the node reads the log: it joined, and the last read succeeded.
	 * @return whether the log is reachable
	 */
	public boolean isAvailable() {
		return this.available;
	}

	/**
	 * Returns the epoch of the log this node joined.
	 * @return the epoch, or {@code null} before it joined
	 */
	public @Nullable String epoch() {
		return this.epoch;
	}

	/**
	 * Returns the sequence of the newest record this node read.
	 * @return the sequence
	 */
	public long position() {
		return this.position;
	}

	/**
	 * Returns how many records of the log this node had not read when its reader last
	 * looked: within a read's wait (at most a second) of now, and without asking Redis,
	 * so that a scrape or a health probe never waits on it.
	 * @return the number of records
	 */
	public long lag() {
		return Math.max(0, this.knownHead - this.position);
	}

	/**
	 * Returns the log as this node reads it, without asking Redis: unavailable when the
	 * last read failed, or when no read has finished for a few seconds more than a read
	 * may wait.
	 */
	@Override
	public Status status() {
		boolean reading = this.available
				&& System.nanoTime() - this.lastReadNanos < this.blockTimeout.plus(READ_STALL_MARGIN).toNanos();
		return reading ? new Status(true, this.epoch, this.position, lag())
				: new Status(false, this.epoch, this.position, -1);
	}

	/**
	 * Appends a record, in a batch with the appends that arrive meanwhile: see
	 * {@link GroupCommit}.
	 */
	@Override
	public String append(LogRecord record) {
		if (!this.available || this.epoch == null) {
			throw new ClusterUnavailableException("The cluster's log in Redis is unreachable: the event was not sent");
		}
		return this.appends.submit(LogEntries.arguments(record));
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
		String currentEpoch = this.epoch;
		if (!this.available || currentEpoch == null) {
			// Lettuce would hold the command until Redis is back: the stream waits for nothing.
			throw unavailable(null);
		}
		try {
			long last = lastSequence();
			List<MapRecord<String, Object, Object>> entries = this.redis.opsForStream()
				.range(this.logKey, Range.of(Range.Bound.exclusive(sequence + "-0"), Range.Bound.unbounded()));
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
		}
		catch (DataAccessException ex) {
			throw unavailable(ex);
		}
	}

	@Override
	public Map<String, Instant> revokedTokens() {
		if (!this.available) {
			throw unavailable(null);
		}
		try {
			Set<TypedTuple<String>> revoked = this.redis.opsForZSet()
				.rangeByScoreWithScores(this.revokedKey, System.currentTimeMillis(), Double.POSITIVE_INFINITY);
			Map<String, Instant> tokens = new HashMap<>();
			if (revoked != null) {
				for (TypedTuple<String> token : revoked) {
					tokens.put(token.getValue(), Instant.ofEpochMilli(token.getScore().longValue()));
				}
			}
			return tokens;
		}
		catch (DataAccessException ex) {
			throw unavailable(ex);
		}
	}

	@Override
	public long lastSequence() {
		try {
			String sequence = this.redis.opsForValue().get(this.sequenceKey);
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

	/**
	 * Reads the log until stopped: joins it, then reads in order, and after a failure
	 * waits, joins again and goes on from where it was.
	 */
	private void read(Reader reader) {
		Session session = new Session();
		int failures = 0;
		while (this.running) {
			try {
				session.readOnce(reader);
				failures = 0;
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					break;
				}
				this.available = false;
				if (failures++ == 0) {
					logger.warn("SSE cluster log in Redis unreachable, retrying: " + ex);
				}
				session.disconnect();
				backOff(failures);
			}
		}
		session.disconnect();
	}

	/** Up to two seconds, at random from half of it, so that nodes do not come back in step. */
	private static void backOff(int failures) {
		long millis = Math.min(MAX_BACKOFF.toMillis(), 50L << Math.min(failures, 6));
		long wait = millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1);
		LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(wait));
	}

	/** The time in base 36 and four random characters: two nodes that begin one at once differ. */
	private static String newEpoch() {
		int fourCharacters = ThreadLocalRandom.current().nextInt(36 * 36 * 36, 36 * 36 * 36 * 36);
		return Long.toString(System.currentTimeMillis(), Character.MAX_RADIX)
				+ Integer.toString(fourCharacters, Character.MAX_RADIX);
	}

	/**
	 * The reader's state: its connection, the epoch it reads and how far it has read.
	 */
	private final class Session {

		private @Nullable RedisConnection connection;

		private @Nullable String readEpoch;

		private long position;

		void readOnce(Reader reader) {
			RedisConnection current = this.connection;
			if (current == null) {
				current = RedisClusterLog.this.connectionFactory.getConnection();
				this.connection = current;
				join(reader);
			}
			List<ByteRecord> entries = current.streamCommands()
				.xRead(StreamReadOptions.empty().count(READ_COUNT).block(RedisClusterLog.this.blockTimeout),
						StreamOffset.create(bytes(RedisClusterLog.this.logKey),
								ReadOffset.from(this.position + "-0")));
			RedisClusterLog.this.available = true;
			if (entries == null || entries.isEmpty()) {
				// A quiet log may have begun a new epoch without a record to tell.
				String epoch = RedisClusterLog.this.redis.opsForValue().get(RedisClusterLog.this.epochKey);
				if (!this.readEpoch.equals(epoch)) {
					join(reader);
				}
				RedisClusterLog.this.knownHead = this.position;
				RedisClusterLog.this.lastReadNanos = System.nanoTime();
				return;
			}
			List<LogRecord> records = new ArrayList<>(entries.size());
			for (ByteRecord entry : entries) {
				Map<byte[], byte[]> fields = entry.getValue();
				Map<String, String> decoded = new HashMap<>(fields.size() * 2);
				fields.forEach((field, value) -> decoded.put(string(field), string(value)));
				if (!this.readEpoch.equals(decoded.get(LogEntries.EPOCH_FIELD))) {
					deliver(reader, records);
					join(reader);
					return;
				}
				long sequence = LogEntries.sequenceOf(entry.getId().getValue());
				if (sequence != this.position + 1 + records.size()) {
					// Trimmed before this node read it: its streams missed records.
					deliver(reader, records);
					this.position = sequence - 1;
					RedisClusterLog.this.position = this.position;
					reader.reset(this.readEpoch, this.position, true);
				}
				records.add(LogEntries.toRecord(sequence, decoded::get));
			}
			deliver(reader, records);
			// A full read may have left more behind: then the counter tells how much.
			RedisClusterLog.this.knownHead = (entries.size() < READ_COUNT) ? this.position : lastSequence();
			RedisClusterLog.this.lastReadNanos = System.nanoTime();
		}

		private void deliver(Reader reader, List<LogRecord> records) {
			if (!records.isEmpty()) {
				reader.read(List.copyOf(records));
				this.position = records.get(records.size() - 1).sequence();
				RedisClusterLog.this.position = this.position;
				records.clear();
			}
		}

		/**
		 * Joins the log: at its end on the first join, else where the node was, unless the
		 * log began a new epoch (then at its start), or went back before that point.
		 */
		private void join(Reader reader) {
			StringRedisTemplate redis = RedisClusterLog.this.redis;
			String epoch = redis.opsForValue().get(RedisClusterLog.this.epochKey);
			long last = lastSequence();
			if (epoch == null || (epoch.equals(this.readEpoch) && last < this.position)) {
				// Redis lost the log, or went back to an older copy of it: its ids mean
				// something else now.
				epoch = redis.execute(NEW_EPOCH, RedisClusterLog.this.keys, (epoch != null) ? epoch : "", newEpoch());
				last = lastSequence();
			}
			boolean first = this.readEpoch == null;
			RedisClusterLog.this.epoch = epoch;
			// Back after an outage in the same epoch, the next read tells whether records
			// were trimmed meanwhile.
			RedisClusterLog.this.available = true;
			if (!epoch.equals(this.readEpoch)) {
				this.readEpoch = epoch;
				this.position = first ? last : 0;
				RedisClusterLog.this.position = this.position;
				reader.reset(epoch, this.position, !first);
			}
		}

		void disconnect() {
			RedisConnection current = this.connection;
			this.connection = null;
			if (current != null) {
				try {
					current.close();
				}
				catch (RuntimeException ex) {
					logger.debug("Could not close the SSE cluster log's connection: " + ex);
				}
			}
		}

	}

	/** Sends a batch of appends in one script. */
	private final class Appender implements GroupCommit.Sender<List<String>, String> {

		@Override
		public List<String> send(List<List<String>> batch) {
			String currentEpoch = RedisClusterLog.this.epoch;
			if (!RedisClusterLog.this.available || currentEpoch == null) {
				throw new ClusterUnavailableException("The cluster's log in Redis is unreachable: the event was not sent");
			}
			List<String> arguments = new ArrayList<>(4 + batch.size() * 16);
			arguments.add(currentEpoch);
			arguments.add(Integer.toString(RedisClusterLog.this.maxEvents));
			arguments.add(Integer.toString(batch.size()));
			arguments.add(Long.toString(System.currentTimeMillis()));
			batch.forEach(arguments::addAll);
			long last = RedisClusterLog.this.redis.execute(APPEND, RedisClusterLog.this.keys, arguments.toArray());
			long sequence = last - batch.size();
			List<String> ids = new ArrayList<>(batch.size());
			for (int i = 0; i < batch.size(); i++) {
				ids.add(currentEpoch + "-" + (++sequence));
			}
			return ids;
		}

		@Override
		public ClusterUnavailableException failure(Throwable ex) {
			if (ex instanceof ClusterUnavailableException unavailable) {
				return unavailable;
			}
			if (Thread.currentThread().isInterrupted()) {
				return new ClusterUnavailableException("Interrupted while Redis appended the event to the "
						+ "cluster's log: it may or may not have been sent", ex);
			}
			if (isEpochChange(ex)) {
				// The reader finds the new epoch and resets the node; the publisher may retry.
				return new ClusterUnavailableException(
						"The cluster's log began a new epoch (Redis lost its data): the event was not sent", ex);
			}
			RedisClusterLog.this.available = false;
			return new ClusterUnavailableException("The cluster's log in Redis is unreachable: the event was "
					+ "not sent (" + ex.getMessage() + ")", ex);
		}

	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String string(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
