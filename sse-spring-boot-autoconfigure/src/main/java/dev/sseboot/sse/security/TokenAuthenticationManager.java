package dev.sseboot.sse.security;

import java.time.Instant;
import java.util.Optional;

import dev.sseboot.sse.InvalidTokenException;
import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.TokenValidator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Authenticates a bearer token with the application's {@link TokenValidator} and refuses
 * revoked tokens. Used by the SSE filter chain only and never exposed as a bean, so it
 * cannot leak into the application's own security. Nothing it logs contains the token,
 * even when a validator puts it in an exception message.
 */
public final class TokenAuthenticationManager implements AuthenticationManager {

	private static final Log logger = LogFactory.getLog(TokenAuthenticationManager.class);

	private static final String REDACTED = "[token]";

	/** How many causes of a validator failure are logged. */
	private static final int MAX_LOGGED_CAUSES = 8;

	private final TokenValidator validator;

	private final TokenRevocations revocations;

	private final boolean logUserIds;

	/**
	 * Creates a manager whose log lines do not name users.
	 * @param validator checks the tokens
	 * @param revocations the revoked tokens
	 */
	public TokenAuthenticationManager(TokenValidator validator, TokenRevocations revocations) {
		this(validator, revocations, false);
	}

	/**
	 * Creates the manager.
	 * @param validator checks the tokens
	 * @param revocations the revoked tokens
	 * @param logUserIds whether the log lines of refused tokens name their user
	 */
	public TokenAuthenticationManager(TokenValidator validator, TokenRevocations revocations, boolean logUserIds) {
		this.validator = validator;
		this.revocations = revocations;
		this.logUserIds = logUserIds;
	}

	@Override
	public Authentication authenticate(Authentication authentication) throws AuthenticationException {
		String token = ((BearerTokenAuthenticationToken) authentication).getToken();
		Optional<SsePrincipal> principal;
		try {
			principal = this.validator.validate(token);
		}
		catch (InvalidTokenException ex) {
			throw rejected(redact(ex.getMessage(), token));
		}
		catch (Exception ex) {
			logger.error("SSE token validation failed", redact(ex, token, MAX_LOGGED_CAUSES));
			throw new AuthenticationServiceException("Token validation failed");
		}
		if (principal.isEmpty()) {
			throw rejected("the validator found it invalid");
		}
		String tokenId = principal.get().tokenId();
		if (tokenId != null && this.revocations.isRevoked(tokenId)) {
			throw rejected("token " + tokenId + ofUser(principal.get()) + " is revoked");
		}
		Instant expiresAt = principal.get().expiresAt();
		// Within a validator's clock skew the stream would open only to close at once.
		if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
			throw rejected("token" + ofUser(principal.get()) + " expired at " + expiresAt);
		}
		return new SseAuthentication(principal.get());
	}

	private String ofUser(SsePrincipal principal) {
		return this.logUserIds ? " of user " + principal.userId() : "";
	}

	private static InvalidBearerTokenException rejected(String reason) {
		logger.warn("Rejected SSE token: " + reason);
		return new InvalidBearerTokenException("Invalid or expired token/api-key");
	}

	private static String redact(@Nullable String message, String token) {
		return (message != null) ? message.replace(token, REDACTED) : "no reason given";
	}

	/**
	 * Copies a validator's exception, with its stack and causes, with every occurrence of
	 * the token masked.
	 */
	private static Throwable redact(Throwable ex, String token, int causesLeft) {
		Throwable copy = new ValidatorFailure(ex.getClass().getName() + ": " + redact(ex.getMessage(), token));
		copy.setStackTrace(ex.getStackTrace());
		Throwable cause = ex.getCause();
		if (cause != null && cause != ex && causesLeft > 0) {
			copy.initCause(redact(cause, token, causesLeft - 1));
		}
		return copy;
	}

	/**
	 * A validator's exception as logged: its class and message, token masked, and its stack.
	 */
	private static final class ValidatorFailure extends Exception {

		ValidatorFailure(String message) {
			super(message);
		}

	}

}
