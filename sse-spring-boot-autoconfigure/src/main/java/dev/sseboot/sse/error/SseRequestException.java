package dev.sseboot.sse.error;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A stream request refused before any stream was opened. The message goes to the client
 * and must not contain a token.
 */
public class SseRequestException extends RuntimeException {

	private final SseErrorCode code;

	private final @Nullable Duration retryAfter;

	public SseRequestException(SseErrorCode code, String message) {
		this(code, message, null);
	}

	public SseRequestException(SseErrorCode code, String message, @Nullable Duration retryAfter) {
		super(message);
		this.code = code;
		this.retryAfter = retryAfter;
	}

	/**
	 * Returns the error code.
	 * @return the code
	 */
	public SseErrorCode code() {
		return this.code;
	}

	/**
	 * Returns how long the client should wait before trying again.
	 * @return the delay, or {@code null}
	 */
	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

}
