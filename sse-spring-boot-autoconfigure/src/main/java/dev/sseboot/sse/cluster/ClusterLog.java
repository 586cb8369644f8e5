package dev.sseboot.sse.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The log that the nodes of a cluster share: it orders the events every node publishes and
 * keeps them for replay. Each node reads all of it, in order, and delivers to its own
 * streams, what it published itself included, so that every stream sees the one order in
 * which the log accepted the events.
 * <p>
 * Records are numbered from 1 within an epoch: one lifetime of the log. A new epoch
 * begins when the log loses what it held (a store that restarted empty); ids of an older
 * epoch then mean nothing.
 */
public interface ClusterLog {

	/**
	 * Joins the log and reads it from its end on a thread of its own until
	 * {@link #stop()}, handing the reader what it reads, in order. Returns at once: the
	 * log joins as soon as its store answers, and again after every outage.
	 * @param reader what the log's records go to
	 */
	void start(Reader reader);

	/**
	 * Stops reading and leaves the log.
	 */
	void stop();

	/**
	 * Appends a record and returns its sequence once the log holds it. Concurrent appends
	 * are sent together rather than one round trip after another.
	 * @param record the record, its sequence not yet set
	 * @return the record's id, {@code <epoch>-<sequence>}
	 * @throws ClusterUnavailableException at once when the log cannot be reached
	 */
	default String append(LogRecord record) {
		return append(record, null);
	}

	/**
	 * Appends a record unless one was appended with the same idempotency key within the
	 * idempotency window, checked in the same step as the append so that nodes racing with
	 * one key append once.
	 * @param record the record, its sequence not yet set
	 * @param idempotencyKey the key, or {@code null} to append in any case
	 * @return the record's id, {@code <epoch>-<sequence>}, or the id of the record first
	 * appended with the key
	 * @throws ClusterUnavailableException when the log cannot be reached, or did not answer
	 * within the publish timeout
	 */
	String append(LogRecord record, @Nullable String idempotencyKey);

	/**
	 * Reads the records the log still holds after a sequence of the current epoch.
	 * @param sequence the sequence after which to read
	 * @return the records, oldest first, whether any after the sequence are missing, and
	 * the log's newest sequence
	 * @throws ClusterUnavailableException when the log cannot be reached
	 */
	Tail readAfter(long sequence);

	/**
	 * Returns the tokens revoked through the log that have not expired, for a node that
	 * joins the log after their revocation.
	 * @return the token ids, each with its expiry
	 * @throws ClusterUnavailableException when the log cannot be reached
	 */
	Map<String, Instant> revokedTokens();

	/**
	 * Returns the sequence of the newest record of the current epoch.
	 * @return the sequence, 0 when the log is empty
	 * @throws ClusterUnavailableException when the log cannot be reached
	 */
	long lastSequence();

	/**
	 * Returns the last event of each channel whose last event the log keeps, for a node
	 * that joins it: with their sequences in the current epoch.
	 * @return the events, by channel; none by default, for a log that keeps none
	 * @throws ClusterUnavailableException when the log cannot be reached
	 */
	default Map<String, LogRecord> latest() {
		return Map.of();
	}

	/**
	 * Returns what this node knows of the log, for health, meters and the actuator
	 * endpoint, without asking the log's store. A log that does not tell says it is
	 * available, at an unknown position.
	 * @return the status
	 */
	default Status status() {
		return new Status(true, null, -1, -1);
	}

	/**
	 * The log as one node sees it.
	 * @param available whether the node can read the log
	 * @param epoch the log's epoch, or {@code null} before the node joined it
	 * @param position the sequence through which the node has read
	 * @param lag how many records the node has not read yet, -1 when the log cannot be
	 * reached
	 */
	record Status(boolean available, @Nullable String epoch, long position, long lag) {
	}

	/**
	 * The records a log holds after a sequence.
	 * @param records the records, oldest first
	 * @param complete whether they are every record after the sequence: none trimmed
	 * @param lastSequence the sequence of the log's newest record when it was read
	 */
	record Tail(List<LogRecord> records, boolean complete, long lastSequence) {
	}

	/**
	 * What a node does with the log.
	 */
	interface Reader {

		/**
		 * The node reads the log from a position on: on joining it (at its end), when the
		 * log began a new epoch (at its start), or when records the node had not read
		 * were trimmed before it could (at the oldest one left). Records after the
		 * position follow.
		 * @param epoch the log's epoch
		 * @param position the sequence after which records follow
		 * @param missed whether records before the position may be missing from what the
		 * node delivered: its streams then have a hole
		 */
		void reset(String epoch, long position, boolean missed);

		/**
		 * Records read, in order, each with the sequence after the previous one.
		 * @param records the records
		 */
		void read(List<LogRecord> records);

	}

}
