package dev.sseboot.sse.cluster.redis;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.sseboot.sse.cluster.ClusterUnavailableException;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;

/**
 * Runs the Redis commands that an application's call waits for on threads of their own,
 * and waits for each at most a time, whatever the Redis client's own timeout: a Redis that
 * was killed or paused must cost the caller that long, not the client's minute of holding
 * commands until it reconnects. A command that outlives its wait is interrupted (Lettuce
 * then cancels it); one whose client does not heed interrupts keeps its thread until the
 * client gives up, and when all threads are taken, calls fail at once. After a command
 * outlived its wait, the calls of the next such time fail at once too, without waiting:
 * one call at a time pays the wait while Redis does not answer, not every caller.
 */
final class RedisCalls {

	/** The most commands outliving their wait at once, before calls fail without waiting. */
	private static final int MAX_THREADS = 16;

	private final String what;

	private final Duration timeout;

	private final ThreadPoolExecutor executor;

	/** Until when calls fail at once, from {@link System#nanoTime()}: after a timeout. */
	private volatile long failingUntilNanos = System.nanoTime();

	/**
	 * Creates the calls.
	 * @param what what the commands reach, for messages and thread names, e.g. "presence"
	 * @param timeout the longest a caller waits
	 */
	RedisCalls(String what, Duration timeout) {
		this.what = what;
		this.timeout = timeout;
		AtomicInteger count = new AtomicInteger();
		this.executor = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
				(task) -> {
					Thread thread = new Thread(task, "sse-redis-" + what + "-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
	}

	/**
	 * Runs a command and returns its result.
	 * @param <T> the type of the result
	 * @param command the command
	 * @return its result
	 * @throws ClusterUnavailableException when Redis failed, or did not answer in time
	 */
	<T> T call(Supplier<T> command) {
		if (System.nanoTime() - this.failingUntilNanos < 0) {
			throw unreachable("no answer within " + this.timeout.toMillis() + "ms a moment ago", null);
		}
		Future<T> result;
		try {
			result = this.executor.submit(command::get);
		}
		catch (RejectedExecutionException ex) {
			throw unreachable("every thread waits on it", ex);
		}
		try {
			return result.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			result.cancel(true);
			this.failingUntilNanos = System.nanoTime() + this.timeout.toNanos();
			throw unreachable("no answer within " + this.timeout.toMillis() + "ms", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof ClusterUnavailableException unavailable) {
				throw unavailable;
			}
			if (cause instanceof DataAccessException) {
				throw unreachable(cause.getMessage(), cause);
			}
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw unreachable("interrupted while waiting", ex);
		}
	}

	private ClusterUnavailableException unreachable(String why, @Nullable Throwable cause) {
		String message = "The cluster's " + this.what + " in Redis is unreachable (" + why + ")";
		return (cause != null) ? new ClusterUnavailableException(message, cause)
				: new ClusterUnavailableException(message);
	}

}
