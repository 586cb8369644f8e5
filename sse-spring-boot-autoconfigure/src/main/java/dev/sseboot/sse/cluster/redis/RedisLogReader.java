package dev.sseboot.sse.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.cluster.LogRecord;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Reads the log for a node, on a thread and a connection of its own: joins it, reads it
 * in order with a blocking {@code XREAD}, and after any failure waits, joins again and
 * goes on from where it was, checking that nothing it had not read was trimmed meanwhile.
 * What it knows of the log (epoch, position, lag, whether it reads) the others ask it,
 * without asking Redis.
 */
final class RedisLogReader {

	/** Under the log's name, as users know it. */
	private static final Log logger = LogFactory.getLog(RedisClusterLog.class);

	/** Begins a new epoch, empty, unless another node began one already: see the script. */
	private static final RedisScript<String> NEW_EPOCH = LuaScripts.load(String.class, "new-epoch.lua");

	/** Most records one read of the log returns. */
	private static final int READ_COUNT = 1000;

	/** How much longer than its block timeout a read may take before the node counts as not reading. */
	private static final Duration READ_STALL_MARGIN = Duration.ofMillis(1500);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

	private final RedisConnectionFactory connectionFactory;

	private final StringRedisTemplate redis;

	private final LogKeys keys;

	private final Duration blockTimeout;

	/** The log's newest sequence, from its counter. */
	private final LongSupplier lastSequence;

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

	/** Counted down once the reader first joined the log: the node then has an epoch. */
	private final CountDownLatch firstJoin = new CountDownLatch(1);

	private volatile boolean running;

	private volatile @Nullable Thread thread;

	RedisLogReader(RedisConnectionFactory connectionFactory, StringRedisTemplate redis, LogKeys keys,
			Duration blockTimeout, LongSupplier lastSequence) {
		this.connectionFactory = connectionFactory;
		this.redis = redis;
		this.keys = keys;
		this.blockTimeout = blockTimeout;
		this.lastSequence = lastSequence;
	}

	void start(ClusterLog.Reader reader) {
		this.running = true;
		Thread thread = new Thread(() -> read(reader), "sse-cluster-log");
		thread.setDaemon(true);
		this.thread = thread;
		thread.start();
	}

	void stop() {
		this.running = false;
		Thread thread = this.thread;
		if (thread != null) {
			thread.interrupt();
			try {
				thread.join(this.blockTimeout.plusSeconds(1).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.available = false;
	}

	/** Whether the node reads the log: it joined, and the last read succeeded. */
	boolean isAvailable() {
		return this.available;
	}

	/** Marks the log unreachable until the reader reads it again: an append failed. */
	void unavailable() {
		this.available = false;
	}

	/** The epoch of the log this node joined, or {@code null} before it joined. */
	@Nullable String epoch() {
		return this.epoch;
	}

	/**
	 * Waits for the reader's first join of the log, which follows its start by a round
	 * trip or two: an application may publish as soon as its context is up.
	 * @param timeout the longest wait
	 * @return whether the reader has joined
	 */
	boolean awaitFirstJoin(Duration timeout) {
		try {
			return this.firstJoin.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return this.firstJoin.getCount() == 0;
		}
	}

	long position() {
		return this.position;
	}

	/** How many records this node had not read when the reader last looked. */
	long lag() {
		return Math.max(0, this.knownHead - this.position);
	}

	/**
	 * The log as this node reads it: unavailable when the last read failed, or when no read
	 * has finished for a few seconds more than a read may wait.
	 */
	ClusterLog.Status status() {
		boolean reading = this.available
				&& System.nanoTime() - this.lastReadNanos < this.blockTimeout.plus(READ_STALL_MARGIN).toNanos();
		return reading ? new ClusterLog.Status(true, this.epoch, this.position, lag())
				: new ClusterLog.Status(false, this.epoch, this.position, -1);
	}

	/**
	 * Reads the log until stopped: joins it, then reads in order, and after a failure
	 * waits, joins again and goes on from where it was.
	 */
	private void read(ClusterLog.Reader reader) {
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

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String string(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/**
	 * The reader's state: its connection, the epoch it reads and how far it has read.
	 */
	private final class Session {

		private @Nullable RedisConnection connection;

		private @Nullable String readEpoch;

		private long position;

		void readOnce(ClusterLog.Reader reader) {
			RedisConnection current = this.connection;
			if (current == null) {
				current = RedisLogReader.this.connectionFactory.getConnection();
				this.connection = current;
				join(reader);
			}
			List<ByteRecord> entries = current.streamCommands()
				.xRead(StreamReadOptions.empty().count(READ_COUNT).block(RedisLogReader.this.blockTimeout),
						StreamOffset.create(bytes(RedisLogReader.this.keys.log()),
								ReadOffset.from(this.position + "-0")));
			RedisLogReader.this.available = true;
			if (entries == null || entries.isEmpty()) {
				// A quiet log may have begun a new epoch without a record to tell, or gone back
				// to an older copy of itself (a restart from a snapshot, a failover to a
				// replica that lagged) while the client reconnected without a failed read.
				String epoch = RedisLogReader.this.redis.opsForValue().get(RedisLogReader.this.keys.epoch());
				if (!this.readEpoch.equals(epoch) || RedisLogReader.this.lastSequence.getAsLong() < this.position) {
					join(reader);
				}
				RedisLogReader.this.knownHead = this.position;
				RedisLogReader.this.lastReadNanos = System.nanoTime();
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
					RedisLogReader.this.position = this.position;
					reader.reset(this.readEpoch, this.position, true);
				}
				records.add(LogEntries.toRecord(sequence, decoded::get));
			}
			deliver(reader, records);
			// A full read may have left more behind: then the counter tells how much.
			RedisLogReader.this.knownHead = (entries.size() < READ_COUNT) ? this.position
					: RedisLogReader.this.lastSequence.getAsLong();
			RedisLogReader.this.lastReadNanos = System.nanoTime();
		}

		private void deliver(ClusterLog.Reader reader, List<LogRecord> records) {
			if (!records.isEmpty()) {
				reader.read(List.copyOf(records));
				this.position = records.get(records.size() - 1).sequence();
				RedisLogReader.this.position = this.position;
				records.clear();
			}
		}

		/**
		 * Joins the log: at its end on the first join, else where the node was, unless the
		 * log began a new epoch (then at its start), or went back before that point.
		 */
		private void join(ClusterLog.Reader reader) {
			StringRedisTemplate redis = RedisLogReader.this.redis;
			LongSupplier lastSequence = RedisLogReader.this.lastSequence;
			String epoch = redis.opsForValue().get(RedisLogReader.this.keys.epoch());
			long last = lastSequence.getAsLong();
			if (epoch == null || (epoch.equals(this.readEpoch) && last < this.position)) {
				// Redis lost the log, or went back to an older copy of it: its ids mean
				// something else now.
				epoch = redis.execute(NEW_EPOCH, RedisLogReader.this.keys.all(), (epoch != null) ? epoch : "",
						newEpoch());
				last = lastSequence.getAsLong();
			}
			boolean first = this.readEpoch == null;
			RedisLogReader.this.epoch = epoch;
			// Back after an outage in the same epoch, the next read tells whether records
			// were trimmed meanwhile.
			RedisLogReader.this.available = true;
			if (!epoch.equals(this.readEpoch)) {
				this.readEpoch = epoch;
				this.position = first ? last : 0;
				RedisLogReader.this.position = this.position;
				reader.reset(epoch, this.position, !first);
			}
			RedisLogReader.this.firstJoin.countDown();
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

}
