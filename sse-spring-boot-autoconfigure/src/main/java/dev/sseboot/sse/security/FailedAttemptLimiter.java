package dev.sseboot.sse.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Counts failed token validations per client address in fixed windows, so that a client
 * guessing tokens is refused with 429 until its window ends. The number of clients
 * tracked is bounded; when a flood of addresses fills it, the oldest windows are
 * forgotten first.
 */
public final class FailedAttemptLimiter {

	private final int maxFailures;

	private final Duration window;

	private final int maxClients;

	private final Clock clock;

	private final Map<String, Window> windows = new ConcurrentHashMap<>();

	/**
	 * Creates a limiter.
	 * @param maxFailures how many failures a client may have in one window
	 * @param window how long a window lasts
	 * @param maxClients how many clients are tracked at most
	 * @param clock the clock windows are measured with
	 */
	public FailedAttemptLimiter(int maxFailures, Duration window, int maxClients, Clock clock) {
		Assert.isTrue(maxFailures > 0, "maxFailures must be positive");
		Assert.isTrue(!window.isNegative() && !window.isZero(), "window must be positive");
		Assert.isTrue(maxClients > 0, "maxClients must be positive");
		this.maxFailures = maxFailures;
		this.window = window;
		this.maxClients = maxClients;
		this.clock = clock;
	}

	/**
	 * Returns how long a client must wait before its next attempt.
	 * @param client the client's address
	 * @return the wait, or {@code null} if the client may try now
	 */
	public @Nullable Duration retryAfter(String client) {
		Window current = this.windows.get(client);
		Instant now = this.clock.instant();
		if (current == null || !now.isBefore(current.endsAt())) {
			return null;
		}
		return (current.failures() >= this.maxFailures) ? Duration.between(now, current.endsAt()) : null;
	}

	/**
	 * Records a failed validation.
	 * @param client the client's address
	 */
	public void recordFailure(String client) {
		Instant now = this.clock.instant();
		if (this.windows.size() >= this.maxClients && !this.windows.containsKey(client)) {
			makeRoom(now);
		}
		this.windows.compute(client, (key, current) -> (current == null || !now.isBefore(current.endsAt()))
				? new Window(now.plus(this.window), 1) : new Window(current.endsAt(), current.failures() + 1));
	}

	private void makeRoom(Instant now) {
		this.windows.values().removeIf((window) -> !now.isBefore(window.endsAt()));
		if (this.windows.size() >= this.maxClients) {
			this.windows.entrySet()
				.stream()
				.min(Map.Entry.comparingByValue((a, b) -> a.endsAt().compareTo(b.endsAt())))
				.ifPresent((oldest) -> this.windows.remove(oldest.getKey(), oldest.getValue()));
		}
	}

	private record Window(Instant endsAt, int failures) {
	}

}
