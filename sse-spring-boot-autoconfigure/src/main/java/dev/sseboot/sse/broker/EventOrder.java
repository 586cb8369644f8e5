package dev.sseboot.sse.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.sseboot.sse.SseEvent;
import dev.sseboot.sse.broker.Resumption.Fetched;
import dev.sseboot.sse.cluster.LogRecord;
import dev.sseboot.sse.replay.EventId;
import dev.sseboot.sse.replay.ReplayBuffer;
import dev.sseboot.sse.replay.ResumeStatus;
import org.jspecify.annotations.Nullable;

/**
 * The order of events on this node, and the one owner of what it rests on: the publishing
 * lock, the epoch, the sequence and the replay buffer. Every stream sees events in id
 * order, and live events follow the replayed ones with no gap and no duplicate, because
 * whatever reads or changes these runs here, under the lock, as a method of this class:
 * numbering and fanning out an event of this node, delivering the records of the
 * cluster's log, a new epoch of that log, resuming and registering an opening stream, and
 * closing the node to new streams. The other parts of the node hand in what must happen
 * under the lock as a callback; none of them synchronizes on this state.
 * <p>
 * A node on its own has its epoch from the start. In cluster mode the epoch is the log's:
 * until the node has joined the log it has none, and no stream may resume.
 */
final class EventOrder {

	private final Object lock = new Object();

	private final Fanout fanout;

	/** Which channels' events are kept for replay. */
	private final ChannelOptions channels;

	private final boolean clustered;

	/** Counted down once the node has an epoch: at once on its own, on joining the log in a cluster. */
	private final CountDownLatch joined = new CountDownLatch(1);

	/** The epoch of the ids: this node's, or the cluster log's once the node joined it. */
	private volatile @Nullable String epoch;

	/**
	 * Sequence of the newest event this node delivered: its own, or in cluster mode the
	 * log's.
	 */
	private volatile long sequence;

	/** Restarted with each epoch of the cluster's log. */
	private volatile @Nullable ReplayBuffer replayBuffer;

	/** Whether streams may register: not once the node stopped. */
	private volatile boolean open = true;

	/**
	 * The last event of each channel whose options keep it, addressed to the channel alone:
	 * for subscribers that open without a position to resume from. Under the lock.
	 */
	private final Map<String, SseEvent> latest = new HashMap<>();

	/**
	 * Creates the order of a node.
	 * @param fanout what every event goes to, in order
	 * @param replayBuffer keeps events for resuming streams, or {@code null} for no replay
	 * @param clustered whether the events come from the cluster's log, which sets the epoch
	 * @param channels which channels' events are kept for replay
	 */
	EventOrder(Fanout fanout, @Nullable ReplayBuffer replayBuffer, boolean clustered, ChannelOptions channels) {
		this.fanout = fanout;
		this.channels = channels;
		this.replayBuffer = replayBuffer;
		this.clustered = clustered;
		if (!clustered) {
			this.epoch = (replayBuffer != null) ? replayBuffer.epoch() : NodeBroker.newEpoch();
			this.joined.countDown();
		}
	}

	/**
	 * Renders an event of this node once, numbers it, keeps it for replay and queues it on
	 * every stream it is for. Node on its own only.
	 * @param record the event
	 * @return the event's id
	 */
	String publish(LogRecord record) {
		// Rendered before taking the lock: only the id line depends on the order.
		byte[] body = FrameEncoder.event(null, record.name(), record.data());
		try (Fanout.Delivery delivery = this.fanout.delivery()) {
			synchronized (this.lock) {
				long sequence = ++this.sequence;
				String id = this.epoch + "-" + sequence;
				dispatch(event(record, id), Frame.event(FrameEncoder.withId(id, body), id, delivery.now()), sequence,
						record.connectionId(), delivery);
				return id;
			}
		}
	}

	/**
	 * Delivers records of the cluster's log, in order: events as {@link #publish}, and
	 * commands to the handler, under the lock as well.
	 * @param records the records, each with the sequence after the previous one
	 * @param events the records' events, rendered outside the lock, {@code null} for commands
	 * @param frames the records' frames, {@code null} for commands
	 * @param commands acts on the commands among the records
	 */
	void deliver(List<LogRecord> records, List<@Nullable SseEvent> events, List<@Nullable Frame> frames,
			Consumer<LogRecord> commands) {
		try (Fanout.Delivery delivery = this.fanout.delivery()) {
			synchronized (this.lock) {
				for (int i = 0; i < records.size(); i++) {
					LogRecord record = records.get(i);
					if (record.kind() == LogRecord.Kind.EVENT) {
						dispatch(events.get(i), frames.get(i), record.sequence(), record.connectionId(), delivery);
					}
					else {
						commands.accept(record);
					}
					this.sequence = record.sequence();
				}
			}
		}
	}

	/** Keeps an event for replay, then hands it to the fan-out. Under the lock. */
	private void dispatch(SseEvent event, Frame frame, long sequence, @Nullable String connectionId,
			Fanout.Delivery delivery) {
		ReplayBuffer buffer = this.replayBuffer;
		// Per-connection events are not replayed: a reconnect is a new connection. Nor are
		// those of volatile channels, which must not push others out of the window.
		if (buffer != null && connectionId == null && this.channels.isReplayed(event.channel())) {
			buffer.append(event, frame.bytes());
		}
		if (isKeptLatest(event, connectionId)) {
			this.latest.put(event.channel(), event);
		}
		delivery.dispatch(event, frame, sequence, connectionId);
	}

	/**
	 * Returns whether an event is its channel's latest value: one of the application's,
	 * addressed to a channel whose options keep it, and to nothing narrower.
	 */
	private boolean isKeptLatest(SseEvent event, @Nullable String connectionId) {
		String channel = event.channel();
		return channel != null && event.userId() == null && connectionId == null
				&& this.channels.keepsLatest(channel) && !SseEvent.isReserved(event.name());
	}

	/**
	 * Returns the kept last events of some channels, oldest first. Under the lock: within a
	 * step of {@link #resume}, before any later event is numbered.
	 * @param channels the channels
	 * @return their last events
	 */
	List<SseEvent> latestOf(Collection<String> channels) {
		synchronized (this.lock) {
			List<SseEvent> events = new ArrayList<>();
			for (String channel : channels) {
				SseEvent event = this.latest.get(channel);
				if (event != null) {
					events.add(event);
				}
			}
			events.sort(Comparator.comparingLong((event) -> sequenceOf(event.id())));
			return events;
		}
	}

	private static long sequenceOf(String id) {
		EventId parsed = EventId.parse(id);
		return (parsed != null) ? parsed.sequence() : 0;
	}

	/**
	 * Takes the last events the cluster's log kept, as the node joins it, in the step of
	 * {@link #reset}: those of an older epoch go, as the log's did; each read replaces what
	 * this node holds of its channel unless this node holds a newer one. Only channels whose
	 * options still keep their last event.
	 * @param kept the log's last events, by channel, with ids of the log's epoch
	 */
	void keepLatest(Map<String, SseEvent> kept) {
		synchronized (this.lock) {
			String current = this.epoch + "-";
			this.latest.values().removeIf((held) -> !held.id().startsWith(current));
			kept.forEach((channel, event) -> {
				if (this.channels.keepsLatest(channel)) {
					this.latest.merge(channel, event,
							(held, read) -> (sequenceOf(held.id()) > sequenceOf(read.id())) ? held : read);
				}
			});
		}
	}

	/**
	 * The node reads the cluster's log from a position of an epoch on: its replay buffer
	 * starts again there.
	 * @param epoch the log's epoch
	 * @param position the sequence after which records follow
	 * @param then what must happen before any record after the position is delivered, under
	 * the lock
	 */
	void reset(String epoch, long position, Runnable then) {
		synchronized (this.lock) {
			this.epoch = epoch;
			this.sequence = position;
			ReplayBuffer buffer = this.replayBuffer;
			if (buffer != null) {
				this.replayBuffer = buffer.restart(epoch, position);
			}
			then.run();
		}
		this.joined.countDown();
	}

	/**
	 * Works out how a stream resumes after an id and, unless the cluster's log must be
	 * asked first, registers it, under the lock: no event is numbered in between.
	 * @param lastEventId the id, or {@code null}
	 * @param fetched what the cluster's log holds after the id, or {@code null} if not
	 * fetched yet
	 * @param register queues the stream's first frames and registers it for live events,
	 * unless the node is no longer {@link #isOpen() open}
	 * @param <T> what registering returns
	 * @return what registering returned, or {@code null} when the log must be asked first
	 */
	<T> @Nullable T resume(@Nullable String lastEventId, @Nullable Fetched fetched,
			Function<Resumption, T> register) {
		synchronized (this.lock) {
			Resumption resumption = resumption(lastEventId, fetched);
			return (resumption != null) ? register.apply(resumption) : null;
		}
	}

	/**
	 * Works out what a client resuming after an id would get, without registering anything.
	 * @param lastEventId the id
	 * @param fetched what the cluster's log holds after the id, or {@code null} if not
	 * fetched yet
	 * @return how it resumes, or {@code null} when the log must be asked first
	 */
	@Nullable Resumption replay(String lastEventId, @Nullable Fetched fetched) {
		synchronized (this.lock) {
			return resumption(lastEventId, fetched);
		}
	}

	private @Nullable Resumption resumption(@Nullable String lastEventId, @Nullable Fetched fetched) {
		String epoch = this.epoch;
		if (epoch == null) {
			// Not joined the cluster's log yet: no id is of its epoch.
			return Resumption.of((lastEventId != null) ? ResumeStatus.RESET : ResumeStatus.NONE);
		}
		return Resumption.after(lastEventId, fetched, epoch, this.sequence, this.replayBuffer, this.clustered);
	}

	/**
	 * Closes the node to new streams, and runs what no stream may register after.
	 * @param then what runs under the lock once no stream can register any more
	 */
	void close(Runnable then) {
		synchronized (this.lock) {
			this.open = false;
			then.run();
		}
	}

	/**
	 * Lets streams register again, after {@link #close}.
	 */
	void reopen() {
		this.open = true;
	}

	/**
	 * Returns whether streams may register: the node has not stopped. Within a step of
	 * {@link #resume}, the answer holds until the step ends.
	 * @return whether the node takes new streams
	 */
	boolean isOpen() {
		return this.open;
	}

	/**
	 * Waits until the node has an epoch: on its own at once, in cluster mode once it
	 * joined the log.
	 * @param timeout the longest wait
	 * @return whether the node has joined
	 */
	boolean awaitJoined(Duration timeout) {
		try {
			return this.joined.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return this.joined.getCount() == 0;
		}
	}

	/**
	 * Returns whether the node's events come from the cluster's log.
	 * @return whether the node is in cluster mode
	 */
	boolean clustered() {
		return this.clustered;
	}

	/**
	 * Returns the epoch of the ids.
	 * @return the epoch, empty before the node joined the cluster's log
	 */
	String epoch() {
		String epoch = this.epoch;
		return (epoch != null) ? epoch : "";
	}

	/**
	 * Returns the replay buffer of the current epoch.
	 * @return the buffer, or {@code null} without replay
	 */
	@Nullable ReplayBuffer replayBuffer() {
		return this.replayBuffer;
	}

	/**
	 * Returns an event of the cluster's log, or of this node, with its id.
	 * @param record the record
	 * @param id its id
	 * @return the event
	 */
	static SseEvent event(LogRecord record, String id) {
		return new SseEvent(id, record.name(), record.data(), record.timestamp(), record.userId(), record.channel(),
				Map.of());
	}

}
