package dev.sseboot.sse.broker;

import java.util.ArrayList;
import java.util.List;

import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.cluster.ClusterUnavailableException;
import dev.sseboot.sse.cluster.LogRecord;
import dev.sseboot.sse.replay.BufferedEvent;
import dev.sseboot.sse.replay.EventId;
import dev.sseboot.sse.replay.Replay;
import dev.sseboot.sse.replay.ReplayBuffer;
import dev.sseboot.sse.replay.ResumeStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * How a stream resumes after an id: from the broker's replay buffer, and in cluster mode
 * also from the cluster's log where the buffer does not reach back far enough.
 *
 * @param replay what it gets
 * @param skipThrough the sequence through which it does not get live events: it has
 * them already, from another node that had read further
 */
record Resumption(Replay replay, long skipThrough) {

	/** The broker's: resuming is part of opening a stream. */
	private static final Log logger = LogFactory.getLog(NodeBroker.class);

	/**
	 * Works out what a stream resuming after an id gets. Runs under the publishing lock.
	 * @param lastEventId the id, or {@code null}
	 * @param fetched what the cluster's log holds after the id, or {@code null} if not
	 * fetched yet
	 * @param epoch the broker's epoch
	 * @param delivered the sequence through which the broker has delivered events
	 * @param buffer the broker's replay buffer, or {@code null} without replay
	 * @param clustered whether the broker's events come from a cluster's log
	 * @return how the stream resumes, or {@code null} when the cluster's log must be asked
	 * first
	 */
	static @Nullable Resumption after(@Nullable String lastEventId, @Nullable Fetched fetched, String epoch,
			long delivered, @Nullable ReplayBuffer buffer, boolean clustered) {
		if (lastEventId == null) {
			return of(ResumeStatus.NONE);
		}
		EventId id = EventId.parse(lastEventId);
		if (id == null || buffer == null || !id.epoch().equals(epoch)) {
			return of(ResumeStatus.RESET);
		}
		if (!clustered) {
			return new Resumption((id.sequence() > delivered) ? Replay.of(ResumeStatus.RESET) : buffer.after(id), 0);
		}
		if (id.sequence() <= delivered && buffer.holdsAllAfter(id)) {
			return new Resumption(buffer.after(id), 0);
		}
		if (fetched == null) {
			return null;
		}
		if (id.sequence() > delivered) {
			// The client saw more of the log than this node has read yet: that part comes
			// live, and is not sent again.
			return (id.sequence() > fetched.lastSequence()) ? of(ResumeStatus.RESET)
					: new Resumption(Replay.of(ResumeStatus.RECOVERED), id.sequence());
		}
		// The fetched events this node has delivered, then the buffer's, which holds what
		// was delivered since the fetch.
		List<BufferedEvent> events = new ArrayList<>();
		long through = id.sequence();
		for (Fetched.Event event : fetched.events()) {
			if (event.sequence() > delivered) {
				break;
			}
			events.add(event.event());
			through = event.sequence();
		}
		EventId last = new EventId(epoch, through);
		if (!buffer.holdsAllAfter(last)) {
			// The buffer lost what came between: what it holds, and the client is told.
			return new Resumption(buffer.after(id), 0);
		}
		events.addAll(buffer.after(last).events());
		return new Resumption(new Replay(fetched.complete() ? ResumeStatus.RECOVERED : ResumeStatus.GAP, events), 0);
	}

	/**
	 * Returns a resumption that replays nothing.
	 * @param status how the stream resumes
	 * @return the resumption
	 */
	static Resumption of(ResumeStatus status) {
		return new Resumption(Replay.of(status), 0);
	}

	/**
	 * What the cluster's log held after a client's id, rendered.
	 * @param events the events, oldest first, those for one connection left out
	 * @param complete whether nothing after the id was missing
	 * @param lastSequence the log's newest sequence, -1 if the log could not be reached
	 */
	record Fetched(List<Event> events, boolean complete, long lastSequence) {

		/**
		 * Reads what the cluster's log holds after an id, and renders it, outside the
		 * publishing lock.
		 * @param lastEventId the id
		 * @param log the cluster's log
		 * @param channels which channels' events are replayed
		 * @return what it holds
		 */
		static Fetched read(@Nullable String lastEventId, @Nullable ClusterLog log, ChannelOptions channels) {
			EventId id = (lastEventId != null) ? EventId.parse(lastEventId) : null;
			if (id == null || log == null) {
				throw new IllegalStateException("Only ids of the cluster's log are fetched");
			}
			ClusterLog.Tail tail;
			try {
				tail = log.readAfter(id.sequence());
			}
			catch (ClusterUnavailableException ex) {
				logger.debug("Resuming without the cluster's log: " + ex.getMessage());
				return new Fetched(List.of(), false, -1);
			}
			List<Event> events = new ArrayList<>(tail.records().size());
			for (LogRecord record : tail.records()) {
				// Commands are not events; events for one connection are not replayed (a
				// reconnect is a new connection), nor those of volatile channels.
				if (record.kind() == LogRecord.Kind.EVENT && record.connectionId() == null
						&& channels.isReplayed(record.channel())) {
					String eventId = id.epoch() + "-" + record.sequence();
					events.add(new Event(record.sequence(), new BufferedEvent(EventOrder.event(record, eventId),
							FrameEncoder.event(eventId, record.name(), record.data()))));
				}
			}
			return new Fetched(events, tail.complete(), tail.lastSequence());
		}

		record Event(long sequence, BufferedEvent event) {
		}

	}

}
