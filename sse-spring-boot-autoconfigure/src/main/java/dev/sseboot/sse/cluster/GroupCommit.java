package dev.sseboot.sse.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToIntFunction;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Group commit of a {@link ClusterLog}'s appends, whatever its store: one batch on its way
 * at a time, and what arrives meanwhile goes in the next. When nothing is on its way, the
 * publisher sends its item itself. Otherwise it waits, parked, and the group commit's own
 * thread sends what waits once the store answered the batch before: in the order it
 * arrived, in batches of at most so many items and, unless one item is larger, ending
 * with the item that reaches the size bound. One publisher pays a round trip per item,
 * many share them.
 * <p>
 * Whatever sending a batch throws settles every item of it: no publisher is left parked.
 * A waiting publisher's interrupt does not end its wait (its item may be on its way with
 * others) and is kept for after it; one that came before a publisher sends its own item
 * is held back while it sends.
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

	/** Items waiting for the batch on its way: the next batch sends them together. */
	private final Queue<Pending<T, R>> pending = new ConcurrentLinkedQueue<>();

	/** Whether a batch is on its way: one at a time. */
	private final AtomicBoolean sending = new AtomicBoolean();

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
	 */
	public GroupCommit(String threadName, int maxCount, int maxSize, ToIntFunction<? super T> sizeOf,
			Sender<T, R> sender) {
		Assert.isTrue(maxCount > 0, "maxCount must be positive");
		this.threadName = threadName;
		this.maxCount = maxCount;
		this.maxSize = maxSize;
		this.sizeOf = sizeOf;
		this.sender = sender;
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
	 * @throws ClusterUnavailableException when it was not sent, or may not have been
	 */
	public R submit(T item) {
		Pending<T, R> submitted = new Pending<>(item, this.sizeOf.applyAsInt(item), Thread.currentThread());
		if (this.pending.isEmpty() && this.sending.compareAndSet(false, true)) {
			try {
				sendBatch(List.of(submitted));
			}
			finally {
				releaseSending();
			}
			return submitted.result();
		}
		this.pending.add(submitted);
		if (!this.running && this.pending.remove(submitted)) {
			// Stopped meanwhile: the sender has gone, or fails what it finds when it goes.
			throw stopped();
		}
		LockSupport.unpark(this.senderThread);
		boolean interrupted = false;
		while (!submitted.isDone()) {
			LockSupport.park(this);
			interrupted |= Thread.interrupted();
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		return submitted.result();
	}

	/** Lets the next batch go, and wakes the sender if items wait for it. */
	private void releaseSending() {
		this.sending.set(false);
		if (!this.pending.isEmpty()) {
			LockSupport.unpark(this.senderThread);
		}
	}

	/** The sender thread's loop: a batch whenever items wait, until stopped. */
	private void send() {
		while (this.running) {
			if (this.pending.isEmpty() || !this.sending.compareAndSet(false, true)) {
				// Woken by a new item, or by the end of a publisher's own batch.
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
			finally {
				releaseSending();
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
		// A publisher sending its own item: an interrupt from before could stop the store's
		// client at once; one that comes while the store works leaves the outcome unknown.
		boolean interruptedBefore = Thread.interrupted();
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
		finally {
			if (interruptedBefore) {
				Thread.currentThread().interrupt();
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
		 * Sends items together, on the thread of one of their publishers or on the group
		 * commit's own.
		 * @param items the items, in the order they arrived
		 * @return what sending gave each item, in the same order
		 */
		List<R> send(List<T> items);

		/**
		 * Returns what every item of a batch fails with when sending it threw. Called on the
		 * thread that sent, before an interrupt held back is restored, so that it can tell
		 * whether one came while the batch was on its way.
		 * @param ex what sending threw
		 * @return the failure
		 */
		default ClusterUnavailableException failure(Throwable ex) {
			return (ex instanceof ClusterUnavailableException unavailable) ? unavailable
					: new ClusterUnavailableException("The event was not sent (" + ex.getMessage() + ")", ex);
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
