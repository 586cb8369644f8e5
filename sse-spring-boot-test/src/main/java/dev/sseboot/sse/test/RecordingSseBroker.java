package dev.sseboot.sse.test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.SseConnection;
import dev.sseboot.sse.SseEvent;
import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.SseRecipients;
import org.assertj.core.api.AssertProvider;
import org.jspecify.annotations.Nullable;

/**
 * An {@link SseBroker} that records what the application sends, for unit and slice tests
 * of the code that publishes. Declare it as a bean and the starter's broker backs off.
 * Nobody is connected to it: presence answers "no one", replay "nothing".
 * <pre class="code">
 * RecordingSseBroker broker = new RecordingSseBroker();
 * new OrderService(broker).ship("42");
 * assertThat(broker).sentTo("alice").event("order-shipped").withData(new Shipped("42"));
 * </pre>
 */
public final class RecordingSseBroker implements SseBroker, AssertProvider<RecordingSseBrokerAssert> {

	private final List<SentEvent> sent = new CopyOnWriteArrayList<>();

	private final List<String> disconnectedUsers = new CopyOnWriteArrayList<>();

	private final AtomicLong sequence = new AtomicLong();

	/** The id of the first send with each idempotency key, until {@link #clear()}. */
	private final Map<String, String> idempotentSends = new ConcurrentHashMap<>();

	/**
	 * Returns what was sent, oldest first.
	 * @return a copy of the events
	 */
	public List<SentEvent> sent() {
		return List.copyOf(this.sent);
	}

	/**
	 * Returns the users passed to {@link #disconnectUser(String)}, in order.
	 * @return a copy of the user ids
	 */
	public List<String> disconnectedUsers() {
		return List.copyOf(this.disconnectedUsers);
	}

	/**
	 * Forgets everything recorded.
	 */
	public void clear() {
		this.sent.clear();
		this.disconnectedUsers.clear();
		this.idempotentSends.clear();
	}

	@Override
	public RecordingSseBrokerAssert assertThat() {
		return new RecordingSseBrokerAssert(this);
	}

	@Override
	public UserRecipients toUser(String userId) {
		return SseRecipients.user(userId, this::record);
	}

	@Override
	public Recipients toChannel(String channel) {
		return SseRecipients.channel(channel, this::record);
	}

	@Override
	public Recipients toAll() {
		return SseRecipients.all(this::record);
	}

	@Override
	public Recipients toConnection(String connectionId) {
		return SseRecipients.connection(connectionId, this::record);
	}

	@Override
	public int disconnectUser(String userId) {
		this.disconnectedUsers.add(userId);
		return 0;
	}

	@Override
	public boolean disconnect(String connectionId) {
		return false;
	}

	@Override
	public int connectionCount() {
		return 0;
	}

	@Override
	public boolean isOnline(String userId) {
		return false;
	}

	@Override
	public List<SseConnection> connections(String userId) {
		return List.of();
	}

	@Override
	public List<SseEvent> eventsSince(String lastEventId, SsePrincipal principal) {
		return List.of();
	}

	@Override
	public int bufferedEventCount() {
		return 0;
	}

	/** Records a send, or returns the first's id for a repeated idempotency key, as the broker does. */
	private String record(SseRecipients.Address address, String event, Object data) {
		if (SseEvent.isReserved(event)) {
			throw new IllegalArgumentException("Event name '" + event + "' is reserved for the server");
		}
		String key = address.idempotencyKey();
		if (key != null) {
			return this.idempotentSends.computeIfAbsent(key, (first) -> recordNew(address, event, data));
		}
		return recordNew(address, event, data);
	}

	private String recordNew(SseRecipients.Address address, String event, Object data) {
		String id = "recorded-" + this.sequence.incrementAndGet();
		this.sent.add(new SentEvent(id, address.userId(), address.channel(), address.connectionId(), event, data));
		return id;
	}

}
