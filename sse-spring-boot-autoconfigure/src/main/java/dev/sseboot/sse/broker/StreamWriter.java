package dev.sseboot.sse.broker;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Drains stream queues into their responses on a small, fixed pool of threads, so that
 * no write runs on a publisher's or a request's thread. A stream has at most one drain
 * task at a time; it writes everything queued, coalesced, with one flush per batch. Writes
 * never block: a stream whose connection is full is left until its output calls back.
 */
final class StreamWriter {

	private static final Log logger = LogFactory.getLog(StreamWriter.class);

	/** Upper bound of one coalesced write. */
	static final int MAX_BATCH_BYTES = 64 * 1024;

	/** How many streams one writer task drains, one after the other. */
	private static final int CHUNK_SIZE = 64;

	private final int threads;

	private volatile ThreadPoolExecutor executor;

	private final BiConsumer<SseStream, Throwable> onFailure;

	private final Consumer<SseStream> onCompleted;

	private final BrokerMetrics metrics;

	/** Streams scheduled whose drain has not finished. */
	private final LongAdder pending = new LongAdder();

	/**
	 * Creates a writer.
	 * @param threads the number of writer threads
	 * @param onFailure called when a write fails: the client is gone
	 * @param onCompleted called when a stream's response was ended after its last frame
	 * @param metrics told of every write
	 */
	StreamWriter(int threads, BiConsumer<SseStream, Throwable> onFailure, Consumer<SseStream> onCompleted,
			BrokerMetrics metrics) {
		this.threads = threads;
		this.onFailure = onFailure;
		this.onCompleted = onCompleted;
		this.metrics = metrics;
		this.executor = newExecutor();
	}

	/**
	 * Returns how many streams wait for a writer thread or are being written.
	 * @return the number of streams
	 */
	int pendingStreams() {
		return (int) Math.max(0, this.pending.sum());
	}

	private ThreadPoolExecutor newExecutor() {
		AtomicInteger count = new AtomicInteger();
		return new ThreadPoolExecutor(this.threads, this.threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
				(task) -> {
					Thread thread = new Thread(task, "sse-writer-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
	}

	/**
	 * Starts writing again after {@link #shutdown()}.
	 */
	void restart() {
		if (this.executor.isShutdown()) {
			this.executor = newExecutor();
		}
	}

	void schedule(SseStream stream) {
		schedule(List.of(stream));
	}

	/**
	 * Schedules streams in chunks: one task per stream would cost a broadcast to many
	 * streams more in hand-offs than in writes, and a stream waiting for its chunk takes
	 * in the frames published meanwhile, so that they go out in one write.
	 * @param streams the streams, each with a drain claimed through its queue
	 */
	void schedule(List<SseStream> streams) {
		int size = streams.size();
		for (int from = 0; from < size; from += CHUNK_SIZE) {
			List<SseStream> chunk = streams.subList(from, Math.min(size, from + CHUNK_SIZE));
			this.pending.add(chunk.size());
			try {
				this.executor.execute(new Chunk(chunk, System.nanoTime()));
			}
			catch (RejectedExecutionException ex) {
				this.pending.add(-chunk.size());
				chunk.forEach((stream) -> failed(stream, ex));
			}
		}
	}

	/**
	 * Returns how long the oldest chunk of streams waiting for a writer thread has waited.
	 * @return the wait, zero when none waits
	 */
	Duration oldestWait() {
		Runnable head = this.executor.getQueue().peek();
		return (head instanceof Chunk chunk) ? Duration.ofNanos(System.nanoTime() - chunk.scheduledNanos())
				: Duration.ZERO;
	}

	/**
	 * Returns the number of writer threads.
	 * @return the number of threads
	 */
	int threads() {
		return this.threads;
	}

	private void drainCounted(SseStream stream) {
		try {
			drain(stream);
		}
		finally {
			this.pending.decrement();
		}
	}

	private void drain(SseStream stream) {
		StreamOutput output = stream.output();
		try {
			while (true) {
				stream.clearWritableSignal();
				if (!stream.isDropRequested() && !output.isWritable()) {
					if (stream.park()) {
						return;
					}
					continue;
				}
				SseStream.Batch batch = stream.nextBatch(MAX_BATCH_BYTES);
				if (batch == null) {
					return;
				}
				if (batch.dropped()) {
					try {
						writeIfWritable(output, batch.frames());
					}
					finally {
						abort(stream);
					}
					return;
				}
				try {
					output.write(batch.frames());
				}
				catch (IOException | RuntimeException ex) {
					this.metrics.dropped(BrokerMetrics.DROPPED_CLIENT_GONE, batch.events());
					throw ex;
				}
				stream.written(batch);
				this.metrics.written(batch.events(), batch.publishedNanos());
				if (batch.last()) {
					complete(stream);
					return;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			failed(stream, ex);
		}
	}

	/** A dropped stream's last frame is worth a write, not a wait: its connection is aborted next. */
	private static void writeIfWritable(StreamOutput output, byte[] frames) {
		try {
			if (frames.length > 0 && output.isWritable()) {
				output.write(frames);
			}
		}
		catch (IOException ex) {
			// The client is gone: the abort that follows ends the stream all the same.
		}
	}

	/** Never throws: the other streams of the chunk still need their drain. */
	private void failed(SseStream stream, Throwable failure) {
		try {
			this.onFailure.accept(stream, failure);
		}
		catch (RuntimeException ex) {
			try (StreamMdc mdc = StreamMdc.of(stream, false)) {
				logger.warn("Could not end " + stream + " after " + failure, ex);
			}
		}
	}

	void complete(SseStream stream) {
		end(stream, false);
	}

	/**
	 * Ends a stream's response at once and closes its connection, whatever is still
	 * buffered for it.
	 * @param stream the stream
	 */
	void abort(SseStream stream) {
		end(stream, true);
	}

	private void end(SseStream stream, boolean abort) {
		try {
			if (abort) {
				stream.output().abort();
			}
			else {
				stream.output().complete();
			}
		}
		catch (RuntimeException ex) {
			try (StreamMdc mdc = StreamMdc.of(stream, false)) {
				logger.debug("Could not end " + stream + ": " + ex);
			}
		}
		this.onCompleted.accept(stream);
	}

	/** Chunks that will never run no longer count as pending. */
	private void forget(List<Runnable> neverRun) {
		for (Runnable task : neverRun) {
			if (task instanceof Chunk chunk) {
				this.pending.add(-chunk.streams.size());
			}
		}
	}

	/** Streams drained by one task, one after the other. */
	private final class Chunk implements Runnable {

		private final List<SseStream> streams;

		/** When the task was scheduled, from {@link System#nanoTime()}. */
		private final long scheduledNanos;

		private Chunk(List<SseStream> streams, long scheduledNanos) {
			this.streams = streams;
			this.scheduledNanos = scheduledNanos;
		}

		long scheduledNanos() {
			return this.scheduledNanos;
		}

		@Override
		public void run() {
			this.streams.forEach(StreamWriter.this::drainCounted);
		}

	}

	/**
	 * Stops taking work, lets the drains under way finish for a while, then interrupts.
	 * @param wait how long the drains under way may take
	 */
	void shutdown(Duration wait) {
		this.executor.shutdown();
		try {
			if (!this.executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
				forget(this.executor.shutdownNow());
			}
		}
		catch (InterruptedException ex) {
			forget(this.executor.shutdownNow());
			Thread.currentThread().interrupt();
		}
	}

}
