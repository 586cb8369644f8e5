package dev.sseboot.sse;

/**
 * Thrown by a {@link TokenValidator} for a token that is bad, expired or revoked. The
 * message is logged and must not contain the token.
 */
public class InvalidTokenException extends RuntimeException {

	public InvalidTokenException(String message) {
		super(message);
	}

	public InvalidTokenException(String message, Throwable cause) {
		super(message, cause);
	}

}
