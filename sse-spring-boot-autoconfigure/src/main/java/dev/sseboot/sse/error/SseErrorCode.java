package dev.sseboot.sse.error;

import org.springframework.http.HttpStatus;

/**
 * The error codes of the stream endpoint and the control API, each with its HTTP status.
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
	UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE),

	/** No such path: on the control port, anything but the control endpoints; a 404 elsewhere. */
	NOT_FOUND(HttpStatus.NOT_FOUND),

	/** A control endpoint called with the wrong HTTP method. */
	METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED),

	/** A control request body larger than {@code sse.control.max-body-size}. */
	PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE),

	/** A control request body that is neither form-encoded nor JSON. */
	UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE),

	/**
	 * A control endpoint the configuration does not provide (/token without a JWT secret);
	 * a 501 elsewhere.
	 */
	NOT_IMPLEMENTED(HttpStatus.NOT_IMPLEMENTED);

	private final HttpStatus status;

	SseErrorCode(HttpStatus status) {
		this.status = status;
	}

	/**
	 * Returns the code of a refusal made with a bare HTTP status, by the container or a
	 * framework: the code whose status it is, else {@link #BAD_REQUEST} for a client error
	 * and {@link #SERVER_ERROR} for a server error. The response keeps the status.
	 * @param status the status, 400 or more
	 * @return the code
	 */
	public static SseErrorCode forStatus(int status) {
		for (SseErrorCode code : values()) {
			if (code.status.value() == status) {
				return code;
			}
		}
		return (status < 500) ? BAD_REQUEST : SERVER_ERROR;
	}

	/**
	 * Returns the HTTP status that goes with the code.
	 * @return the status
	 */
	public HttpStatus status() {
		return this.status;
	}

}
