package dev.sseboot.sse.replay;

import dev.sseboot.sse.SseEvent;

/**
 * The recent events of one epoch, kept so that a client reconnecting with
 * {@code Last-Event-ID} gets what it missed. The broker appends every event it publishes
 * (except those for one connection) in id order.
 */
public interface ReplayBuffer {

	/**
	 * Returns the epoch of this buffer's lifetime, the prefix of every event id.
	 * @return the epoch
	 */
	String epoch();

	/**
	 * Keeps an event.
	 * @param event the event, with an id of this epoch and a sequence above all kept
	 * @param frame the frame it was sent as
	 */
	void append(SseEvent event, byte[] frame);

	/**
	 * Returns the events after an id.
	 * @param lastEventId the last id the client received, of this epoch
	 * @return {@link ResumeStatus#RECOVERED} with every later event, or
	 * {@link ResumeStatus#GAP} with those still kept when some were evicted
	 */
	Replay after(EventId lastEventId);

	/**
	 * Returns the number of events kept.
	 * @return the number of events
	 */
	int size();

	/**
	 * Returns the number of frame bytes kept, for meters.
	 * @return the number of bytes, 0 if the buffer does not count them
	 */
	default long bytes() {
		return 0;
	}

	/**
	 * Returns whether the buffer still holds every event it got after an id: none of them
	 * was evicted.
	 * @param lastEventId an id of this epoch
	 * @return whether {@link #after} would recover
	 */
	default boolean holdsAllAfter(EventId lastEventId) {
		return after(lastEventId).status() == ResumeStatus.RECOVERED;
	}

	/**
	 * Returns an empty buffer with the same bounds for another epoch, whose events begin
	 * after a sequence. In cluster mode the broker keeps the tail of the cluster's log in
	 * such a buffer, and starts a new one whenever it reads the log from another point.
	 * @param epoch the epoch
	 * @param startsAfter the sequence after which events are appended: resuming from
	 * before it is a gap
	 * @return the buffer
	 */
	default ReplayBuffer restart(String epoch, long startsAfter) {
		throw new UnsupportedOperationException(getClass().getName() + " cannot serve cluster mode: it must "
				+ "implement ReplayBuffer.restart");
	}

}
