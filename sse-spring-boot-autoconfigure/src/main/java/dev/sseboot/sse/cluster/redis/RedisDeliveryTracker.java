package dev.sseboot.sse.cluster.redis;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.sseboot.sse.replay.DeliveryTracker;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A {@link DeliveryTracker} in Redis, so that a client reloading its page resumes on
 * whichever node it reaches: one key per client ({@code {prefix}client:<clientId>:<user>})
 * that expires with the replay's time to live. Records are written in the background, in
 * order, so that the writers that end streams never wait for Redis; a record Redis cannot
 * take is lost, and the client resumes as it would without one.
 */
public final class RedisDeliveryTracker implements DeliveryTracker, DisposableBean {

	private static final Log logger = LogFactory.getLog(RedisDeliveryTracker.class);

	/** Records waiting for Redis at most; past them, records are dropped. */
	private static final int MAX_PENDING = 10_000;

	private final StringRedisTemplate redis;

	private final String tag;

	private final Duration ttl;

	private final ExecutorService recorder = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
			new LinkedBlockingQueue<>(MAX_PENDING), (task) -> {
				Thread thread = new Thread(task, "sse-cluster-tracker");
				thread.setDaemon(true);
				return thread;
			});

	/**
	 * Creates the tracker.
	 * @param connectionFactory the application's Redis connections
	 * @param keyPrefix what the keys start with, inside the hash tag
	 * @param ttl how long a client's last id is remembered
	 */
	public RedisDeliveryTracker(RedisConnectionFactory connectionFactory, String keyPrefix, Duration ttl) {
		this.redis = new StringRedisTemplate(connectionFactory);
		this.tag = "{" + keyPrefix + "}";
		this.ttl = ttl;
	}

	@Override
	public void record(String userId, String clientId, String lastEventId) {
		try {
			this.recorder.execute(() -> {
				try {
					this.redis.opsForValue().set(key(userId, clientId), lastEventId, this.ttl);
				}
				catch (DataAccessException ex) {
					logger.debug("Last event id of client " + clientId + " not recorded: " + ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Last event id of client " + clientId + " not recorded: too many waiting for Redis");
		}
	}

	@Override
	public @Nullable String lastEventId(String userId, String clientId) {
		try {
			return this.redis.opsForValue().get(key(userId, clientId));
		}
		catch (DataAccessException ex) {
			logger.debug("Last event id of client " + clientId + " not read: " + ex);
			return null;
		}
	}

	/** The client id first: it has no colon, the user id may. */
	private String key(String userId, String clientId) {
		return this.tag + "client:" + clientId + ":" + userId;
	}

	@Override
	public void destroy() {
		this.recorder.shutdown();
	}

}
