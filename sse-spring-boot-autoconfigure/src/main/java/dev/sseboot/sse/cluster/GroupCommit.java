package dev.sseboot.sse.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToIntFunction;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Group commit of a {@link ClusterLog}'s appends, whatever its store: one batch on its way
 * at a time, and what arrives meanwhile goes in the next. The group commit's own thread
 * sends what waits once the store answered the batch before: in the order it arrived, in
 * batches of at most so many items and, unless one item is larger, ending with the item
 * that reaches the size bound. One publisher pays a round trip per item, many share them.
 * <p>
 * A publisher waits, parked, at most the time it was given: a store that does not answer
 * (a process paused, a network cut, a client that holds commands until it reconnects)
 * costs it that long, never the store client's own timeout. Its item is then withdrawn if
 * it still waited, or its outcome is unknown if it was on its way.
 * <p>
 * Whatever sending a batch throws settles every item of it: no publisher is left parked.
 * A waiting publisher's interrupt does not end its wait (its item may be on its way with
 * others) and is kept for after it.
 *
 * @param <T> the type of the items
 * @param <R> the type of what sending gives each item's publisher
 */
public final class GroupCommit<T, R> {

	private static final Log logger = LogFactory.getLog(GroupCommit.class);

	private final String threadName;

	private final int maxCount;

	private final int maxSize;

	private final ToIntFunction<? super T> sizeOf;

	private final Sender<T, R> sender;

	/** The longest a publisher waits for its item's outcome. */
	private final Duration maxWait;

	/** Items waiting for the batch on its way: the next batch sends them together. */
	private final Queue<Pending<T, R>> pending = new ConcurrentLinkedQueue<>();

	/** Sends the waiting items, a batch at a time, in the order of the queue. */
	private volatile @Nullable Thread senderThread;

	private volatile boolean running;

	/**
	 * Creates a group commit; {@link #start()} starts its thread.
	 * @param threadName the name of the thread that sends the items that wait
	 * @param maxCount the most items in a batch
	 * @param maxSize the size at which a batch stops growing
	 * @param sizeOf an item's size, in the units of {@code maxSize}
	 * @param sender what sends a batch
	 * @param maxWait the longest a publisher waits for its item's outcome
	 */
	public GroupCommit(String threadName, int maxCount, int maxSize, ToIntFunction<? super T> sizeOf,
			Sender<T, R> sender, Duration maxWait) {
		Assert.isTrue(maxCount > 0, "maxCount must be positive");
		Assert.isTrue(!maxWait.isNegative() && !maxWait.isZero(), "maxWait must be positive");
		this.threadName = threadName;
		this.maxCount = maxCount;
		this.maxSize = maxSize;
		this.sizeOf = sizeOf;
		this.sender = sender;
		this.maxWait = maxWait;
	}

	/**
	 * Starts the thread that sends the items that wait.
	 */
	public void start() {
		this.running = true;
		Thread thread = new Thread(this::send, this.threadName);
		thread.setDaemon(true);
		this.senderThread = thread;
		thread.start();
	}

	/**
	 * Stops the thread, which fails the items that still wait, and waits for it to end.
	 * Items that arrive from then on and would wait fail at once.
	 * @param timeout how long to wait for a batch on its way
	 */
	public void stop(Duration timeout) {
		this.running = false;
		Thread thread = this.senderThread;
		LockSupport.unpark(thread);
		if (thread != null) {
			try {
				thread.join(timeout.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Sends an item, with others if others wait, and returns once it was sent.
	 * @param item the item
	 * @return what sending it gave
	 * @throws ClusterUnavailableException when it was not sent, or may not have been,
	 * such as when the store did not answer within the publisher's longest wait
	 */
	public R submit(T item) {
		Pending<T, R> submitted = new Pending<>(item, this.sizeOf.applyAsInt(item), Thread.currentThread());
		this.pending.add(submitted);
		if (!this.running && this.pending.remove(submitted)) {
			// Stopped meanwhile: the sender has gone, or fails what it finds when it goes.
			throw stopped();
		}
		LockSupport.unpark(this.senderThread);
		long deadline = System.nanoTime() + this.maxWait.toNanos();
		boolean interrupted = false;
		while (!submitted.isDone()) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				restoreInterrupt(interrupted);
				return timedOut(submitted);
			}
			LockSupport.parkNanos(this, left);
			interrupted |= Thread.interrupted();
		}
		restoreInterrupt(interrupted);
		return submitted.result();
	}

	private static void restoreInterrupt(boolean interrupted) {
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Withdraws an item that still waits; one on its way has an unknown outcome, unless it
	 * was settled just now.
	 */
	private R timedOut(Pending<T, R> submitted) {
		String within = "No answer from the cluster's log within " + this.maxWait.toMillis() + "ms";
		if (this.pending.remove(submitted)) {
			throw new ClusterUnavailableException(within + ": the event was not sent");
		}
		if (submitted.isDone()) {
			return submitted.result();
		}
		this.sender.timedOut();
		throw new ClusterUnavailableException(within + ": the event may or may not have been sent");
	}

	/** The sender thread's loop: a batch whenever items wait, until stopped. */
	private void send() {
		while (this.running) {
			if (this.pending.isEmpty()) {
				// Woken by a new item.
				LockSupport.park(this);
				continue;
			}
			try {
				sendBatch(takeBatch());
			}
			catch (Throwable ex) {
				// The batch was settled; the next ones may go through.
				logger.error("SSE cluster log could not send a batch of events", ex);
			}
		}
		ClusterUnavailableException stopped = stopped();
		for (Pending<T, R> waiting; (waiting = this.pending.poll()) != null;) {
			waiting.fail(stopped);
		}
	}

	/** The oldest waiting items, as many as one batch takes. */
	private List<Pending<T, R>> takeBatch() {
		List<Pending<T, R>> batch = new ArrayList<>();
		int size = 0;
		while (batch.size() < this.maxCount && (batch.isEmpty() || size < this.maxSize)) {
			Pending<T, R> next = this.pending.poll();
			if (next == null) {
				break;
			}
			batch.add(next);
			size += next.size;
		}
		return batch;
	}

	/** Sends items together, and settles each of them. */
	private void sendBatch(List<Pending<T, R>> batch) {
		try {
			List<R> results = this.sender.send(batch.stream().map((waiting) -> waiting.item).toList());
			for (int i = 0; i < batch.size(); i++) {
				batch.get(i).succeed(results.get(i));
			}
		}
		catch (RuntimeException | Error ex) {
			// Any failure settles the whole batch: no waiting publisher is left parked.
			ClusterUnavailableException failure = this.sender.failure(ex);
			batch.forEach((waiting) -> waiting.fail(failure));
			if (ex instanceof Error error) {
				throw error;
			}
		}
	}

	private static ClusterUnavailableException stopped() {
		return new ClusterUnavailableException("The cluster's log has stopped: the event was not sent");
	}

	/**
	 * Sends a batch of items to the store.
	 *
	 * @param <T> the type of the items
	 * @param <R> the type of what sending gives each item's publisher
	 */
	@FunctionalInterface
	public interface Sender<T, R> {

		/**
		 * Sends items together, on the group commit's thread.
		 * @param items the items, in the order they arrived
		 * @return what sending gave each item, in the same order
		 */
		List<R> send(List<T> items);

		/**
		 * Returns what every item of a batch fails with when sending it threw.
		 * @param ex what sending threw
		 * @return the failure
		 */
		default ClusterUnavailableException failure(Throwable ex) {
			return (ex instanceof ClusterUnavailableException unavailable) ? unavailable
					: new ClusterUnavailableException("The event was not sent (" + ex.getMessage() + ")", ex);
		}

		/**
		 * Called on a publisher's thread when its item was on its way and the store did not
		 * answer within the publisher's longest wait: the store may be gone.
		 */
		default void timedOut() {
		}

	}

	/** An item waiting for its batch, then its result or failure. */
	private static final class Pending<T, R> {

		private final T item;

		private final int size;

		private final Thread thread;

		private volatile @Nullable R result;

		private volatile @Nullable ClusterUnavailableException failure;

		private volatile boolean done;

		Pending(T item, int size, Thread thread) {
			this.item = item;
			this.size = size;
			this.thread = thread;
		}

		boolean isDone() {
			return this.done;
		}

		void succeed(R result) {
			this.result = result;
			this.done = true;
			LockSupport.unpark(this.thread);
		}

		void fail(ClusterUnavailableException failure) {
			this.failure = failure;
			this.done = true;
			LockSupport.unpark(this.thread);
		}

		R result() {
			ClusterUnavailableException failure = this.failure;
			if (failure != null) {
				// Thrown in the publisher's thread, so its stack trace shows the publisher.
				throw new ClusterUnavailableException(failure.getMessage(), failure);
			}
			return this.result;
		}

	}

}
