package dev.sseboot.sse.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.cluster.ClusterUnavailableException;
import dev.sseboot.sse.cluster.LogRecord;
import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.replay.EventId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The log on the real Redis at 127.0.0.1:6379, without nodes around it: concurrent
 * appends, which go to Redis in batches, and what the reader makes of them.
 */
class RedisClusterLogIntegrationTests {

	private final ClusterNodes keys = new ClusterNodes();

	private final List<LogRecord> read = new CopyOnWriteArrayList<>();

	private StringRedisTemplate redis;

	private RedisClusterLog log;

	private final ExecutorService pool = Executors.newCachedThreadPool();

	@BeforeEach
	void startLog() {
		this.redis = this.keys.redis();
		this.log = newLog();
		this.log.start(readingInto(this.read));
		await().atMost(Duration.ofSeconds(10)).until(this.log::isAvailable);
	}

	@AfterEach
	void stopLog() {
		this.pool.shutdownNow();
		this.log.stop();
		this.keys.close();
		((LettuceConnectionFactory) this.redis.getConnectionFactory()).destroy();
	}

	@Test
	void numbersConcurrentAppendsDenselyInTheOrderEachThreadSentThem() throws Exception {
		int threads = 8;
		int perThread = 250;
		CountDownLatch start = new CountDownLatch(1);
		List<Future<List<String>>> sent = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			String thread = Integer.toString(t);
			sent.add(this.pool.submit(() -> {
				start.await();
				List<String> ids = new ArrayList<>();
				for (int i = 0; i < perThread; i++) {
					ids.add(this.log.append(LogRecord.event("tick", thread + ":" + i, Instant.now(), "user-" + thread,
							(i % 2 == 0) ? "even" : null, null)));
				}
				return ids;
			}));
		}
		start.countDown();
		Map<Long, String> dataBySequence = new HashMap<>();
		for (int t = 0; t < threads; t++) {
			List<String> ids = sent.get(t).get(60, TimeUnit.SECONDS);
			List<Long> sequences = ids.stream().map((id) -> EventId.parse(id).sequence()).toList();
			assertThat(sequences).as("thread %d", t).isSorted().doesNotHaveDuplicates();
			for (int i = 0; i < perThread; i++) {
				dataBySequence.put(sequences.get(i), t + ":" + i);
			}
		}
		assertThat(dataBySequence).hasSize(threads * perThread);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.read.size() == threads * perThread);
		long first = this.read.get(0).sequence();
		for (int i = 0; i < this.read.size(); i++) {
			LogRecord record = this.read.get(i);
			assertThat(record.sequence()).isEqualTo(first + i);
			assertThat(record.data()).isEqualTo(dataBySequence.get(record.sequence()));
			String thread = record.data().substring(0, record.data().indexOf(':'));
			assertThat(record.userId()).isEqualTo("user-" + thread);
			int index = Integer.parseInt(record.data().substring(record.data().indexOf(':') + 1));
			assertThat(record.channel()).isEqualTo((index % 2 == 0) ? "even" : null);
		}
	}

	@Test
	void keepsRevocationsSentAmongEvents() throws Exception {
		Instant expiry = Instant.now().plusSeconds(600);
		Map<String, String> ids = new ConcurrentHashMap<>();
		List<Future<?>> sent = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			String token = "jti-" + t;
			sent.add(this.pool.submit(() -> {
				for (int i = 0; i < 50; i++) {
					this.log.append(LogRecord.event("tick", token + ":" + i, Instant.now(), null, null, null));
				}
				ids.put(token, this.log.append(LogRecord.revokeToken(token, expiry)));
			}));
		}
		for (Future<?> future : sent) {
			future.get(60, TimeUnit.SECONDS);
		}
		assertThat(this.log.revokedTokens()).containsOnlyKeys("jti-0", "jti-1", "jti-2", "jti-3")
			.containsValue(Instant.ofEpochMilli(expiry.toEpochMilli()));
		await().atMost(Duration.ofSeconds(30)).until(() -> this.read.size() == 4 * 51);
		for (LogRecord record : this.read) {
			if (record.kind() == LogRecord.Kind.REVOKE_TOKEN) {
				assertThat(EventId.parse(ids.get(record.data())).sequence()).isEqualTo(record.sequence());
			}
		}
	}

	@Test
	void appendsForAnInterruptedThreadAndLeavesItInterrupted() {
		Thread.currentThread().interrupt();
		try {
			String id = this.log.append(LogRecord.event("tick", "interrupted", Instant.now(), null, null, null));
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
			assertThat(EventId.parse(id)).isNotNull();
		}
		finally {
			Thread.interrupted();
		}
	}

	@Test
	void anAppendRightAfterStartWaitsForTheNodeToJoinTheLog() {
		RedisClusterLog started = newLog();
		// Redis holds every command for half a second: the reader cannot have joined yet.
		this.redis.execute((RedisCallback<Object>) (connection) -> connection.execute("CLIENT",
				bytes("PAUSE"), bytes("500"), bytes("ALL")));
		started.start(readingInto(new ArrayList<>()));
		try {
			String id = started.append(LogRecord.event("tick", "early", Instant.now(), null, null, null));
			assertThat(EventId.parse(id).epoch()).isEqualTo(this.log.epoch());
		}
		finally {
			started.stop();
		}
	}

	@Test
	void sendsTheAppendsThatWaitBehindOneInFlightTogether() throws Exception {
		int publishers = 8;
		long scriptsBefore = scriptCalls();
		// Redis holds every script for a second: the first publisher's is in flight, the
		// others wait for it.
		this.redis.execute((RedisCallback<Object>) (connection) -> connection.execute("CLIENT",
				bytes("PAUSE"), bytes("1000"), bytes("WRITE")));
		CountDownLatch start = new CountDownLatch(1);
		List<Future<String>> sent = new ArrayList<>();
		for (int i = 0; i < publishers; i++) {
			String data = Integer.toString(i);
			sent.add(this.pool.submit(() -> {
				start.await();
				return this.log.append(LogRecord.event("tick", data, Instant.now(), null, null, null));
			}));
		}
		start.countDown();
		for (Future<String> id : sent) {
			assertThat(EventId.parse(id.get(30, TimeUnit.SECONDS))).isNotNull();
		}
		// Counted server-wide: another client of the shared Redis may add one.
		assertThat(scriptCalls() - scriptsBefore).as("scripts for %d events", publishers).isLessThanOrEqualTo(4);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.read.size() == publishers);
	}

	@Test
	void refusesAppendsToAnEpochTheLogLeftThenAppendsToTheNewOne() {
		String before = this.log.append(LogRecord.event("tick", "before", Instant.now(), null, null, null));
		// What a node does on finding that Redis lost the log: the keys anew, a new epoch.
		String tag = "{" + this.keys.keyPrefix() + "}";
		this.redis.delete(List.of(tag + "seq", tag + "log"));
		this.redis.opsForValue().set(tag + "epoch", "another");
		assertThatExceptionOfType(ClusterUnavailableException.class)
			.isThrownBy(() -> this.log.append(LogRecord.event("tick", "lost", Instant.now(), null, null, null)))
			.withMessageContaining("new epoch");
		await().atMost(Duration.ofSeconds(10)).until(() -> "another".equals(this.log.epoch()));
		String after = this.log.append(LogRecord.event("tick", "after", Instant.now(), null, null, null));
		assertThat(EventId.parse(before).epoch()).isNotEqualTo("another");
		assertThat(after).isEqualTo("another-1");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.read.stream().anyMatch((record) -> record.data().equals("after")));
		assertThat(this.read).noneMatch((record) -> record.data().equals("lost"));
	}

	@Test
	void keepsTheLastEventOfChannelsThatKeepItForNodesThatJoinLater() {
		this.log.append(LogRecord.event("price", "1", Instant.now(), null, "prices", null));
		String last = this.log.append(LogRecord.event("price", "2", Instant.now(), null, "prices", null));
		// Neither the channel's value nor a channel that keeps none.
		this.log.append(LogRecord.event("price", "mine", Instant.now(), "alice", "prices", null));
		this.log.append(LogRecord.event("headline", "h", Instant.now(), null, "news", null));
		Map<String, LogRecord> latest = this.log.latest();
		assertThat(latest).containsOnlyKeys("prices");
		assertThat(latest.get("prices").data()).isEqualTo("2");
		assertThat(latest.get("prices").name()).isEqualTo("price");
		assertThat(this.log.epoch() + "-" + latest.get("prices").sequence()).isEqualTo(last);
	}

	/** A log whose channel "prices" keeps its last event, with a long publish timeout. */
	private RedisClusterLog newLog() {
		return new RedisClusterLog(this.redis.getConnectionFactory(), this.keys.keyPrefix(), 100_000,
				Duration.ofMinutes(5), Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofMinutes(5), 0,
				"prices"::equals);
	}

	/** A node's reader that keeps what it reads. */
	private static ClusterLog.Reader readingInto(List<LogRecord> read) {
		return new ClusterLog.Reader() {

			@Override
			public void reset(String epoch, long position, boolean missed) {
			}

			@Override
			public void read(List<LogRecord> records) {
				read.addAll(records);
			}

		};
	}

	private long scriptCalls() {
		Properties stats = this.redis
			.execute((RedisCallback<Properties>) (connection) -> connection.serverCommands().info("commandstats"));
		long calls = 0;
		for (String command : List.of("cmdstat_eval", "cmdstat_evalsha")) {
			String value = stats.getProperty(command, "calls=0,");
			calls += Long.parseLong(value.substring("calls=".length(), value.indexOf(',')));
		}
		return calls;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
