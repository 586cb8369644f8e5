package dev.sseboot.sse.cluster.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.sseboot.sse.SseConnection;
import dev.sseboot.sse.cluster.ClusterPresence;
import dev.sseboot.sse.cluster.ClusterUnavailableException;
import dev.sseboot.sse.cluster.PresenceChange;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
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
 * online, joined or left one of its channels, or went offline (see
 * {@code presence-helpers.lua}), so that each change is decided once in the cluster, by
 * the node that ran the script. This node tells the changes of one user in the order Redis
 * decided them: its scripts for one user run one at a time. A change whose script ran
 * but whose answer never came (Redis went away meanwhile) is not told.
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

	private final RedisCalls calls;

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
	 */
	public RedisPresence(RedisConnectionFactory connectionFactory, String keyPrefix, String nodeId,
			Duration nodeTimeout, Duration callTimeout) {
		Assert.isTrue(!nodeId.isEmpty() && !nodeId.contains("\t"), "The node id must be a name without tabs");
		this.redis = new StringRedisTemplate(connectionFactory);
		this.nodeId = nodeId;
		this.keys = PresenceKeys.of(keyPrefix);
		this.nodeTimeout = nodeTimeout;
		this.calls = new RedisCalls("presence", callTimeout);
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
				withEveryUserLocked(() -> tell(this.redis.execute(REMOVE, List.of(this.keys.connections()),
						this.keys.tag(), this.nodeId, "except"), 0, false));
				this.redis.opsForHash().delete(this.keys.nodes(), this.nodeId);
			}
			catch (DataAccessException ex) {
				logger.debug("Could not remove this node from the cluster's presence: " + ex);
			}
		}
	}

	private void beat(Supplier<Collection<Connection>> localStreams) {
		try {
			withEveryUserLocked(() -> {
				long now = System.currentTimeMillis();
				String forgetAfter = Long.toString(this.nodeTimeout.multipliedBy(3).toMillis());
				List<?> beat = this.redis.execute(HEARTBEAT, List.of(this.keys.nodes(), this.keys.connections()),
						this.keys.tag(), this.nodeId, Long.toString(now), forgetAfter);
				// The streams of nodes that died, forgotten.
				tell(beat, 1, true);
				if (this.stale || Long.valueOf(1).equals(beat.get(0))) {
					// The cluster may not know this node's streams as they are: after an outage,
					// or when Redis lost them. Those that closed meanwhile go, those that opened
					// come, and the others stay: their users stay as they were.
					Collection<Connection> streams = localStreams.get();
					List<String> arguments = new ArrayList<>(List.of(this.keys.tag(), this.nodeId, "except"));
					streams.forEach((stream) -> arguments.add(stream.connectionId()));
					tell(this.redis.execute(REMOVE, List.of(this.keys.connections()), arguments.toArray()), 0, false);
					register(streams);
					this.stale = false;
				}
			});
		}
		catch (RuntimeException ex) {
			if (!this.stale) {
				logger.warn("SSE cluster presence in Redis unreachable, retrying: " + ex);
			}
			this.stale = true;
		}
	}

	private void register(Collection<Connection> streams) {
		List<String> arguments = new ArrayList<>();
		for (Connection stream : streams) {
			if (arguments.isEmpty()) {
				arguments.add(this.keys.tag());
				arguments.add(this.nodeId);
			}
			arguments.add(stream.connectionId());
			arguments.add(PresenceEntry.of(this.nodeId, stream).value());
			if (arguments.size() >= 2 + 2 * REGISTER_BATCH) {
				tell(this.redis.execute(REGISTER, List.of(this.keys.connections()), arguments.toArray()), 0, false);
				arguments.clear();
			}
		}
		if (!arguments.isEmpty()) {
			tell(this.redis.execute(REGISTER, List.of(this.keys.connections()), arguments.toArray()), 0, false);
		}
	}

	@Override
	public Admission admit(Connection connection, int maxPerUser, int maxTotal, boolean evictOldest) {
		List<String> keys = List.of(this.keys.nodes(), this.keys.connections(), this.keys.user(connection.userId()),
				this.keys.node(this.nodeId));
		List<?> result = withUserLocked(connection.userId(), () -> {
			List<?> admitted = call(() -> this.redis.execute(ADMIT, keys, this.keys.tag(), this.nodeId,
					connection.connectionId(), PresenceEntry.of(this.nodeId, connection).value(),
					Long.toString(System.currentTimeMillis()), Long.toString(this.nodeTimeout.toMillis()),
					Integer.toString(maxPerUser), Integer.toString(maxTotal), evictOldest ? "1" : "0"));
			if ("ok".equals(String.valueOf(admitted.get(0)))) {
				tell(admitted, 2 + evictedCount(admitted), false);
			}
			return admitted;
		});
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
		ScheduledExecutorService executor = this.scheduler;
		if (executor == null) {
			return;
		}
		try {
			executor.execute(() -> {
				try {
					withUserLocked(connection.userId(), () -> {
						tell(this.redis.execute(REMOVE, List.of(this.keys.connections()), this.keys.tag(), this.nodeId,
								"only", connection.connectionId()), 0, false);
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

	/** Tells the changes a script returned, from an index on: kind, user and channel in turn. */
	private void tell(List<?> result, int from, boolean nodeLost) {
		List<PresenceChange> changed = new ArrayList<>();
		for (int i = from; i + 2 < result.size(); i += 3) {
			String user = String.valueOf(result.get(i + 1));
			String channel = String.valueOf(result.get(i + 2));
			changed.add(switch (String.valueOf(result.get(i))) {
				case "online" -> PresenceChange.online(user);
				case "joined" -> PresenceChange.joined(user, channel);
				case "left" -> PresenceChange.left(user, channel, nodeLost);
				default -> PresenceChange.offline(user, nodeLost);
			});
		}
		if (!changed.isEmpty()) {
			this.changes.accept(changed);
		}
	}

	private <T> T withUserLocked(String userId, Supplier<T> action) {
		ReentrantLock lock = this.userLocks[Math.floorMod(userId.hashCode(), USER_LOCKS)];
		lock.lock();
		try {
			return action.get();
		}
		finally {
			lock.unlock();
		}
	}

	/** For the scripts that may change any user: forgetting a dead node, registering again. */
	private void withEveryUserLocked(Runnable action) {
		int locked = 0;
		try {
			for (; locked < USER_LOCKS; locked++) {
				this.userLocks[locked].lock();
			}
			action.run();
		}
		finally {
			for (int i = 0; i < locked; i++) {
				this.userLocks[i].unlock();
			}
		}
	}

}
