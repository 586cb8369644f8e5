package dev.sseboot.sse.security;

import java.io.IOException;

import dev.sseboot.sse.error.SseErrorCode;
import dev.sseboot.sse.error.SseErrorResponder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrorCodes;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * Answers every refusal of the SSE filter chain with the JSON error body: 401 without a
 * token, 400 for a malformed request, 403 for a bad token, 500 when the validator failed.
 * Bad tokens count against their client's limit of failed attempts, if one is set.
 */
public final class SseAuthenticationEntryPoint
		implements AuthenticationEntryPoint, AuthenticationFailureHandler, AccessDeniedHandler {

	private final SseErrorResponder errors;

	private final @Nullable FailedAttemptLimiter failedAttempts;

	/**
	 * Creates the entry point.
	 * @param errors writes the error bodies
	 * @param failedAttempts counts bad tokens per client, or {@code null} for no limit
	 */
	public SseAuthenticationEntryPoint(SseErrorResponder errors, @Nullable FailedAttemptLimiter failedAttempts) {
		this.errors = errors;
		this.failedAttempts = failedAttempts;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException exception) throws IOException {
		if (exception instanceof AuthenticationServiceException) {
			this.errors.write(response, SseErrorCode.SERVER_ERROR, "Token validation failed", null);
		}
		else if (exception instanceof OAuth2AuthenticationException oauth2) {
			if (BearerTokenErrorCodes.INVALID_REQUEST.equals(oauth2.getError().getErrorCode())) {
				this.errors.write(response, SseErrorCode.BAD_REQUEST, oauth2.getError().getDescription(), null);
			}
			else {
				if (this.failedAttempts != null) {
					this.failedAttempts.recordFailure(request.getRemoteAddr());
				}
				this.errors.write(response, SseErrorCode.FORBIDDEN, "Invalid or expired token/api-key", null);
			}
		}
		else {
			this.errors.write(response, SseErrorCode.UNAUTHORIZED, "Missing token/api-key", null);
		}
	}

	@Override
	public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException exception) throws IOException {
		commence(request, response, exception);
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response,
			AccessDeniedException accessDeniedException) throws IOException {
		this.errors.write(response, SseErrorCode.FORBIDDEN, "Access denied", null);
	}

}
