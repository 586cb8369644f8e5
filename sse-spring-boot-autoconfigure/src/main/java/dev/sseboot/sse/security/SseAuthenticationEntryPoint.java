package dev.sseboot.sse.security;

import java.io.IOException;

import dev.sseboot.sse.web.SseErrorCode;
import dev.sseboot.sse.web.SseErrorResponder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

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
 */
public final class SseAuthenticationEntryPoint
		implements AuthenticationEntryPoint, AuthenticationFailureHandler, AccessDeniedHandler {

	private final SseErrorResponder errors;

	public SseAuthenticationEntryPoint(SseErrorResponder errors) {
		this.errors = errors;
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
