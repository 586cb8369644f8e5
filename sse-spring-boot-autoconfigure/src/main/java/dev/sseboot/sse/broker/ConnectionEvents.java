package dev.sseboot.sse.broker;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import dev.sseboot.sse.SseConnectionClosedEvent;
import dev.sseboot.sse.SseConnectionOpenedEvent;
import dev.sseboot.sse.replay.ResumeStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Tells the application that streams opened and closed and that users came and went, on
 * a thread of its own, in the order the broker saw it: never on a request or writer
 * thread, so that listeners cannot hold up streams. At most {@link #MAX_WAITING} notices
 * wait; beyond, they are dropped with a warning rather than grow without bound behind a
 * stuck listener.
 */
final class ConnectionEvents {

	private static final Log logger = LogFactory.getLog(ConnectionEvents.class);

	/** The most notices waiting for the listeners. */
	static final int MAX_WAITING = 100_000;

	/** Publishes nothing: for brokers without an application. */
	static final Consumer<Object> NONE = (event) -> {
	};

	private final Consumer<Object> publisher;

	private final ThreadPoolExecutor executor;

	ConnectionEvents(Consumer<Object> publisher) {
		this.publisher = publisher;
		this.executor = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(MAX_WAITING),
				(task) -> {
					Thread thread = new Thread(task, "sse-connection-events");
					thread.setDaemon(true);
					return thread;
				});
		// No thread while nothing happens; one again with the next notice.
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * Announces a stream that opened. Called before the stream can end.
	 * @param stream the stream
	 * @param status how it resumed
	 */
	void opened(SseStream stream, ResumeStatus status) {
		if (this.publisher != NONE) {
			publish(new SseConnectionOpenedEvent(stream.describe(), stream.principal(), status.value()));
		}
	}

	/**
	 * Announces a stream that ended, once.
	 * @param stream the stream
	 * @param reason why
	 */
	void closed(SseStream stream, String reason) {
		if (this.publisher != NONE) {
			publish(new SseConnectionClosedEvent(stream.describe(), reason));
		}
	}

	/**
	 * Publishes an application event to the listeners, after those queued before it.
	 * @param event the event
	 */
	void publish(Object event) {
		if (this.publisher != NONE) {
			run(event, () -> {
				try {
					this.publisher.accept(event);
				}
				catch (RuntimeException ex) {
					logger.warn("A listener of " + event.getClass().getSimpleName() + " failed", ex);
				}
			});
		}
	}

	/**
	 * Runs a task on the thread that publishes, after the events queued before it.
	 * @param what what the task does, for messages
	 * @param task the task
	 */
	void run(Object what, Runnable task) {
		try {
			this.executor.execute(() -> {
				try {
					task.run();
				}
				catch (RuntimeException ex) {
					logger.warn("Failed: " + what, ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			logger.warn("Dropped " + what + ": " + (this.executor.isShutdown() ? "the broker has stopped"
					: MAX_WAITING + " notices wait for a slow listener"));
		}
	}

	/**
	 * Waits for the notices under way to reach the listeners, at most for a while: those
	 * of the streams a stopping node closed.
	 * @param wait how long at most
	 */
	void flush(Duration wait) {
		try {
			// Runs after every notice queued before it: the one thread takes them in order.
			this.executor.submit(() -> {
			}).get(wait.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException | RejectedExecutionException ex) {
			logger.debug("Stopped before the listeners heard of every stream: " + ex);
		}
	}

	/**
	 * Stops, dropping the notices that still wait.
	 */
	void shutdown() {
		this.executor.shutdownNow();
	}

}
