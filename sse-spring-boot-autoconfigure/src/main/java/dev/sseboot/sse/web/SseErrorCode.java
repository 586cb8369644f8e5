package dev.sseboot.sse.web;

import org.springframework.http.HttpStatus;

/**
 * The error codes of the stream endpoint, each with its HTTP status.
 */
public enum SseErrorCode {

	/** Malformed request: two tokens, a bad channel name, too many channels. */
	BAD_REQUEST(HttpStatus.BAD_REQUEST),

	/** No token. */
	UNAUTHORIZED(HttpStatus.UNAUTHORIZED),

	/** Invalid, expired or revoked token, or a channel the token does not grant. */
	FORBIDDEN(HttpStatus.FORBIDDEN),

	/** A per-user or per-client limit was reached. */
	TOO_MANY_REQUESTS(HttpStatus.TOO_MANY_REQUESTS),

	/** The token validator failed. */
	SERVER_ERROR(HttpStatus.INTERNAL_SERVER_ERROR),

	/** The node is full or shutting down. */
	UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE);

	private final HttpStatus status;

	SseErrorCode(HttpStatus status) {
		this.status = status;
	}

	/**
	 * Returns the HTTP status that goes with the code.
	 * @return the status
	 */
	public HttpStatus status() {
		return this.status;
	}

}
