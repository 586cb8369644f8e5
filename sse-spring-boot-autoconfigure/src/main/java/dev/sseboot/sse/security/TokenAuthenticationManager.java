package dev.sseboot.sse.security;

import java.util.Optional;

import dev.sseboot.sse.InvalidTokenException;
import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.TokenValidator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Authenticates a bearer token with the application's {@link TokenValidator}. Used by the
 * SSE filter chain only and never exposed as a bean, so it cannot leak into the
 * application's own security.
 */
public final class TokenAuthenticationManager implements AuthenticationManager {

	private static final Log logger = LogFactory.getLog(TokenAuthenticationManager.class);

	private final TokenValidator validator;

	public TokenAuthenticationManager(TokenValidator validator) {
		this.validator = validator;
	}

	@Override
	public Authentication authenticate(Authentication authentication) throws AuthenticationException {
		String token = ((BearerTokenAuthenticationToken) authentication).getToken();
		Optional<SsePrincipal> principal;
		try {
			principal = this.validator.validate(token);
		}
		catch (InvalidTokenException ex) {
			logger.warn("Rejected SSE token: " + ex.getMessage());
			throw new InvalidBearerTokenException("Invalid or expired token/api-key");
		}
		catch (Exception ex) {
			logger.error("SSE token validation failed", ex);
			throw new AuthenticationServiceException("Token validation failed");
		}
		if (principal.isEmpty()) {
			logger.warn("Rejected SSE token: the validator found it invalid");
			throw new InvalidBearerTokenException("Invalid or expired token/api-key");
		}
		return new SseAuthentication(principal.get());
	}

}
