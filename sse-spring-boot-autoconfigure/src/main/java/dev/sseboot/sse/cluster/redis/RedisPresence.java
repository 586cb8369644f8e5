package dev.sseboot.sse.cluster.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.sseboot.sse.SseConnection;
import dev.sseboot.sse.cluster.ClusterPresence;
import dev.sseboot.sse.cluster.ClusterUnavailableException;
import dev.sseboot.sse.cluster.PresenceChange;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.util.Assert;

/**
 * Presence of a cluster in Redis. Every stream is one field of {@code {prefix}conns}
 * ({@code <node> <connected> <ends> <channels> <user>}, tab-separated, the user last since
 * it may hold any character), indexed by user
 * ({@code {prefix}user:<user>}) and by node ({@code {prefix}node:<node>}); every node
 * writes the time it was last seen to {@code {prefix}nodes} each second. Streams of a node
 * not seen for the node timeout no longer count, and after three times as long the first
 * node to notice removes them. Limits are checked and streams registered by one script,
 * so that two nodes admitting streams of one user at once cannot both pass the limit.
 * <p>
 * The script that registers or removes a stream also decides whether its user came
 * online or went offline, and joined or left one of its channels (see
 * {@code presence-helpers.lua}), so that each change is decided once in the cluster, by
 * the node that ran the script. Joining and leaving a channel whose subscribers are told is
 * appended to the cluster's log by that script, in Redis's order for every node; coming
 * online and going offline are told to this node, which tells one user's changes in the
 * order Redis decided them: its scripts for one user run one at a time. Every script waits
 * at most the call timeout, and an admission waits at most that long for a script of its
 * user before this node admits the stream by its own limits. A change whose script ran but
 * whose answer never came (Redis went away meanwhile) is not told.
 */
public final class RedisPresence implements ClusterPresence {

	private static final Log logger = LogFactory.getLog(RedisPresence.class);

	/** Checks the limits, evicts the user's oldest streams if asked, and registers the stream. */
	private static final RedisScript<List> ADMIT = LuaScripts.load(List.class, "presence-helpers.lua",
			"presence-admit.lua");

	/** Registers streams without limits, as when a node registers its streams again. */
	private static final RedisScript<List> REGISTER = LuaScripts.load(List.class, "presence-helpers.lua",
			"presence-register.lua");

	/** Removes streams of a node: those given, or all but those given. */
	private static final RedisScript<List> REMOVE = LuaScripts.load(List.class, "presence-helpers.lua",
			"presence-remove.lua");

	/** Records that the node is alive, forgets nodes silent for long, tells whether it was unknown. */
	private static final RedisScript<List> HEARTBEAT = LuaScripts.load(List.class, "presence-helpers.lua",
			"presence-heartbeat.lua");

	/** Counts the streams of live nodes. */
	private static final RedisScript<Long> COUNT = LuaScripts.load(Long.class, "presence-helpers.lua",
			"presence-count.lua");

	/** Returns a user's streams on live nodes, id and value in turn. */
	private static final RedisScript<List> USER_STREAMS = LuaScripts.load(List.class, "presence-helpers.lua",
			"presence-user-streams.lua");

	private static final int REGISTER_BATCH = 500;

	/** Locks by user: the scripts of one user run one at a time, and their changes are told in order. */
	private static final int USER_LOCKS = 64;

	private final StringRedisTemplate redis;

	private final PresenceKeys keys;

	private final String nodeId;

	private final Duration nodeTimeout;

	private final Duration callTimeout;

	/** The keys of the log, the last three keys of the scripts that announce joins and leaves. */
	private final List<String> logKeys;

	/** Which channels' subscribers are told who joins and leaves. */
	private final Predicate<String> announcesPresence;

	/** The questions and admissions that a caller waits for. */
	private final RedisCalls calls;

	/** The node's own scripts: beats, removals; apart, so that one kind failing fast spares the other. */
	private final RedisCalls background;

	/** The streams Redis admitted, whether or not they are open yet: registered again after an outage. */
	private final Map<String, Connection> admitted = new ConcurrentHashMap<>();

	private volatile @Nullable ScheduledExecutorService scheduler;

	/** Set after a failed beat: the node's streams are registered again on the next. */
	private volatile boolean stale = true;

	private final ReentrantLock[] userLocks = new ReentrantLock[USER_LOCKS];

	private volatile Consumer<List<PresenceChange>> changes = (changes) -> {
	};

	/**
	 * Creates the presence.
	 * @param connectionFactory the application's Redis connections
	 * @param keyPrefix what the keys start with, inside the hash tag
	 * @param nodeId the node's name, unique in the cluster
	 * @param nodeTimeout how long after its last beat a node's streams stop counting
	 * @param callTimeout the longest an admission or a question waits for Redis, whatever
	 * the Redis client's own timeout
	 * @param announcesPresence which channels' subscribers are told who joins and leaves
	 */
	public RedisPresence(RedisConnectionFactory connectionFactory, String keyPrefix, String nodeId,
			Duration nodeTimeout, Duration callTimeout, Predicate<String> announcesPresence) {
		Assert.isTrue(!nodeId.isEmpty() && !nodeId.contains("\t"), "The node id must be a name without tabs");
		this.redis = new StringRedisTemplate(connectionFactory);
		this.nodeId = nodeId;
		this.keys = PresenceKeys.of(keyPrefix);
		this.nodeTimeout = nodeTimeout;
		LogKeys log = LogKeys.of(keyPrefix);
		this.logKeys = List.of(log.sequence(), log.log(), log.epoch());
		this.announcesPresence = announcesPresence;
		this.callTimeout = callTimeout;
		this.calls = new RedisCalls("presence", callTimeout);
		this.background = new RedisCalls("presence", callTimeout);
		for (int i = 0; i < USER_LOCKS; i++) {
			this.userLocks[i] = new ReentrantLock();
		}
	}

	@Override
	public String nodeId() {
		return this.nodeId;
	}

	@Override
	public void start(Supplier<Collection<Connection>> localStreams, Consumer<List<PresenceChange>> changes) {
		this.changes = changes;
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "sse-cluster-presence");
			thread.setDaemon(true);
			return thread;
		});
		this.stale = true;
		this.scheduler = executor;
		long beat = Math.max(50, Math.min(1000, this.nodeTimeout.toMillis() / 5));
		executor.scheduleWithFixedDelay(() -> beat(localStreams), 0, beat, TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		this.scheduler = null;
		if (executor != null) {
			executor.shutdownNow();
			try {
				// Whatever closed meanwhile and waited to be removed goes now.
				withEveryUserLocked(() -> tell(this.background.call(() -> this.redis.execute(REMOVE,
						withLogKeys(this.keys.connections()), this.keys.tag(), this.nodeId, "except")), 0, false));
				this.background.call(() -> this.redis.opsForHash().delete(this.keys.nodes(), this.nodeId));
			}
			catch (RuntimeException ex) {
				logger.debug("Could not remove this node from the cluster's presence: " + ex);
			}
			this.admitted.clear();
		}
	}

	private void beat(Supplier<Collection<Connection>> localStreams) {
		try {
			long now = System.currentTimeMillis();
			String forgetAfter = Long.toString(this.nodeTimeout.multipliedBy(3).toMillis());
			// Under every user's lock: it may forget the streams of any user of a dead node.
			List<?> beat = withEveryUserLocked(() -> {
				List<?> result = this.background.call(() -> this.redis.execute(HEARTBEAT,
						withLogKeys(this.keys.nodes(), this.keys.connections()), this.keys.tag(), this.nodeId,
						Long.toString(now), forgetAfter));
				tell(result, 1, true);
				return result;
			});
			if (this.stale || Long.valueOf(1).equals(beat.get(0))) {
				registerAgain(localStreams.get());
				this.stale = false;
			}
		}
		catch (RuntimeException ex) {
			if (!this.stale) {
				logger.warn("SSE cluster presence in Redis unreachable, retrying: " + ex);
			}
			this.stale = true;
		}
	}

	/**
	 * Makes the cluster know this node's streams as they are, after an outage or when Redis
	 * lost them: those that closed meanwhile go, those that opened come, and the others
	 * stay, so that their users stay as they were. The streams are those open here and those
	 * Redis admitted that are not open yet.
	 */
	private void registerAgain(Collection<Connection> open) {
		Map<String, Connection> streams = new LinkedHashMap<>(this.admitted);
		open.forEach((stream) -> streams.put(stream.connectionId(), stream));
		List<String> kept = new ArrayList<>(List.of(this.keys.tag(), this.nodeId, "except"));
		kept.addAll(streams.keySet());
		withEveryUserLocked(() -> tell(this.background.call(() -> this.redis.execute(REMOVE,
				withLogKeys(this.keys.connections()), kept.toArray())), 0, false));
		List<String> batch = new ArrayList<>();
		for (Connection stream : streams.values()) {
			if (batch.isEmpty()) {
				batch.add(this.keys.tag());
				batch.add(this.nodeId);
			}
			batch.add(stream.connectionId());
			batch.add(entry(stream).value());
			if (batch.size() >= 2 + 2 * REGISTER_BATCH) {
				registerBatch(batch);
				batch.clear();
			}
		}
		if (!batch.isEmpty()) {
			registerBatch(batch);
		}
	}

	/** A batch under every user's lock, and only that batch: admissions wait for one script at most. */
	private void registerBatch(List<String> arguments) {
		Object[] batch = arguments.toArray();
		withEveryUserLocked(() -> tell(this.background.call(() -> this.redis.execute(REGISTER,
				withLogKeys(this.keys.connections()), batch)), 0, false));
	}

	/**
	 * Admits a stream by the cluster's limits. Fails with
	 * {@link ClusterUnavailableException}, for the node to admit it by its own, when Redis
	 * does not answer in time or a script of the same user holds it up as long; the stream
	 * is then registered with the node's others once Redis answers again.
	 */
	@Override
	public Admission admit(Connection connection, int maxPerUser, int maxTotal, boolean evictOldest) {
		List<String> keys = withLogKeys(this.keys.nodes(), this.keys.connections(),
				this.keys.user(connection.userId()), this.keys.node(this.nodeId));
		List<?> result;
		try {
			result = withUserLocked(connection.userId(), this.callTimeout, () -> {
				List<?> admitted = call(() -> this.redis.execute(ADMIT, keys, this.keys.tag(), this.nodeId,
						connection.connectionId(), entry(connection).value(), Long.toString(System.currentTimeMillis()),
						Long.toString(this.nodeTimeout.toMillis()), Integer.toString(maxPerUser),
						Integer.toString(maxTotal), evictOldest ? "1" : "0"));
				if ("ok".equals(String.valueOf(admitted.get(0)))) {
					this.admitted.put(connection.connectionId(), connection);
					tell(admitted, 2 + evictedCount(admitted), false);
				}
				return admitted;
			});
		}
		catch (RuntimeException ex) {
			// Admitted by this node's limits meanwhile: registered with the others on the next beat.
			this.stale = true;
			throw ex;
		}
		String outcome = String.valueOf(result.get(0));
		if (outcome.equals("total")) {
			return new Admission(Admission.Outcome.TOTAL_LIMIT, List.of(), Duration.ZERO);
		}
		if (outcome.equals("user")) {
			long firstEnd = Long.parseLong(String.valueOf(result.get(1)));
			return new Admission(Admission.Outcome.USER_LIMIT, List.of(),
					Duration.ofMillis(firstEnd - System.currentTimeMillis()));
		}
		return new Admission(Admission.Outcome.ADMITTED,
				result.subList(2, 2 + evictedCount(result)).stream().map(String::valueOf).toList(), Duration.ZERO);
	}

	private static int evictedCount(List<?> admitted) {
		return ((Number) admitted.get(1)).intValue();
	}

	@Override
	public void remove(Connection connection) {
		this.admitted.remove(connection.connectionId());
		ScheduledExecutorService executor = this.scheduler;
		if (executor == null) {
			return;
		}
		try {
			executor.execute(() -> {
				try {
					withUserLocked(connection.userId(), null, () -> {
						tell(this.background.call(() -> this.redis.execute(REMOVE, withLogKeys(this.keys.connections()),
								this.keys.tag(), this.nodeId, "only", connection.connectionId())), 0, false);
						return null;
					});
				}
				catch (RuntimeException ex) {
					// Registered again, without it, once Redis is back.
					this.stale = true;
				}
			});
		}
		catch (RuntimeException ex) {
			logger.debug("Stream " + connection.connectionId() + " not removed from the cluster's presence: " + ex);
		}
	}

	@Override
	public int connectionCount() {
		Long count = call(() -> this.redis.execute(COUNT, List.of(this.keys.nodes()), this.keys.tag(),
				Long.toString(System.currentTimeMillis()), Long.toString(this.nodeTimeout.toMillis())));
		return (count != null) ? count.intValue() : 0;
	}

	@Override
	public List<SseConnection> connections(String userId) {
		List<?> streams = call(() -> this.redis.execute(USER_STREAMS,
				List.of(this.keys.nodes(), this.keys.connections(), this.keys.user(userId)),
				Long.toString(System.currentTimeMillis()), Long.toString(this.nodeTimeout.toMillis())));
		List<SseConnection> connections = new ArrayList<>();
		for (int i = 0; i < streams.size(); i += 2) {
			connections.add(PresenceEntry.parse(String.valueOf(streams.get(i + 1)))
				.toConnection(String.valueOf(streams.get(i))));
		}
		return connections;
	}

	@Override
	public boolean isOpen(String connectionId) {
		return call(() -> {
			Object value = this.redis.opsForHash().get(this.keys.connections(), connectionId);
			return value != null && liveNodes().contains(value.toString().split("\t", 2)[0]);
		});
	}

	@Override
	public Map<String, Integer> countsByUser() {
		return counts(false);
	}

	@Override
	public Map<String, Integer> countsByChannel() {
		return counts(true);
	}

	/** Every stream of the cluster, once: for the control API's presence, not a hot path. */
	private Map<String, Integer> counts(boolean byChannel) {
		return call(() -> {
			Set<String> live = liveNodes();
			Map<String, Integer> counts = new TreeMap<>();
			try (Cursor<Map.Entry<Object, Object>> entries = this.redis.opsForHash()
				.scan(this.keys.connections(), ScanOptions.scanOptions().count(1000).build())) {
				entries.forEachRemaining((entry) -> {
					PresenceEntry stream = PresenceEntry.parse(entry.getValue().toString());
					if (live.contains(stream.node())) {
						for (String key : byChannel ? stream.channelSet() : Set.of(stream.user())) {
							counts.merge(key, 1, Integer::sum);
						}
					}
				});
			}
			return counts;
		});
	}

	private Set<String> liveNodes() {
		long now = System.currentTimeMillis();
		Set<String> live = new LinkedHashSet<>();
		this.redis.opsForHash().entries(this.keys.nodes()).forEach((node, seen) -> {
			if (now - Long.parseLong(seen.toString()) <= this.nodeTimeout.toMillis()) {
				live.add(node.toString());
			}
		});
		live.add(this.nodeId);
		return live;
	}

	private <T> T call(Supplier<T> command) {
		return this.calls.call(command);
	}

	/**
	 * Tells the users online and offline that a script returned, from an index on: kind and
	 * user in turn (the scripts announce joins and leaves to the channels themselves).
	 */
	private void tell(List<?> result, int from, boolean nodeLost) {
		List<PresenceChange> changed = new ArrayList<>();
		for (int i = from; i + 1 < result.size(); i += 2) {
			String user = String.valueOf(result.get(i + 1));
			changed.add("online".equals(String.valueOf(result.get(i))) ? PresenceChange.online(user)
					: PresenceChange.offline(user, nodeLost));
		}
		if (!changed.isEmpty()) {
			this.changes.accept(changed);
		}
	}

	/**
	 * Runs a user's script under the user's lock.
	 * @param wait the longest wait for the lock, {@code null} to wait as long as it takes
	 * @throws ClusterUnavailableException when the lock was not free in time
	 */
	private <T> T withUserLocked(String userId, @Nullable Duration wait, Supplier<T> action) {
		ReentrantLock lock = this.userLocks[Math.floorMod(userId.hashCode(), USER_LOCKS)];
		if (wait == null) {
			lock.lock();
		}
		else if (!tryLock(lock, wait)) {
			throw new ClusterUnavailableException("The cluster's presence in Redis is busy (no answer within "
					+ wait.toMillis() + "ms to a script of the same user)");
		}
		try {
			return action.get();
		}
		finally {
			lock.unlock();
		}
	}

	private static boolean tryLock(ReentrantLock lock, Duration wait) {
		try {
			return lock.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** For the scripts that may change any user: forgetting a dead node, registering again. */
	private <T> T withEveryUserLocked(Supplier<T> action) {
		int locked = 0;
		try {
			for (; locked < USER_LOCKS; locked++) {
				this.userLocks[locked].lock();
			}
			return action.get();
		}
		finally {
			for (int i = 0; i < locked; i++) {
				this.userLocks[i].unlock();
			}
		}
	}

	private void withEveryUserLocked(Runnable action) {
		withEveryUserLocked(() -> {
			action.run();
			return null;
		});
	}

	private PresenceEntry entry(Connection connection) {
		return PresenceEntry.of(this.nodeId, connection, this.announcesPresence);
	}

	/** A script's keys, then the log's, where the script appends joins and leaves. */
	private List<String> withLogKeys(String... keys) {
		List<String> all = new ArrayList<>(List.of(keys));
		all.addAll(this.logKeys);
		return all;
	}

}
