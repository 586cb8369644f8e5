package dev.sseboot.sse.security;

import java.io.IOException;
import java.time.Duration;

import dev.sseboot.sse.error.SseErrorCode;
import dev.sseboot.sse.error.SseErrorResponder;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses stream requests with 429 while their client is over its limit of failed token
 * validations, before the token is even looked at. Part of the SSE filter chain only.
 */
public final class FailedAttemptFilter extends OncePerRequestFilter {

	private final FailedAttemptLimiter limiter;

	private final SseErrorResponder errors;

	public FailedAttemptFilter(FailedAttemptLimiter limiter, SseErrorResponder errors) {
		this.limiter = limiter;
		this.errors = errors;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Duration retryAfter = this.limiter.retryAfter(request.getRemoteAddr());
		if (retryAfter != null) {
			this.errors.write(response, SseErrorCode.TOO_MANY_REQUESTS, "Too many failed token validations",
					retryAfter);
			return;
		}
		chain.doFilter(request, response);
	}

}
