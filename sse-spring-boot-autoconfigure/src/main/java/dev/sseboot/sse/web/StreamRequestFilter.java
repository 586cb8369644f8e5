package dev.sseboot.sse.web;

import java.io.IOException;

import dev.sseboot.sse.error.SseErrorCode;
import dev.sseboot.sse.error.SseErrorResponder;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a stream request that is not one before its token is looked at: another method
 * than {@code GET} (405), or a query string the container cannot parse or that carries
 * more than {@value #MAX_PARAMETERS} parameters (400), which would
 * otherwise fail deep in the filter chain and reach the application's error page.
 */
public final class StreamRequestFilter extends OncePerRequestFilter {

	/** Parameters a stream request may carry: Tomcat's default limit, on every container. */
	static final int MAX_PARAMETERS = 1000;

	private final SseErrorResponder errors;

	public StreamRequestFilter(SseErrorResponder errors) {
		this.errors = errors;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!HttpMethod.GET.matches(request.getMethod())) {
			// HEAD too: Spring MVC would route it to the stream, which never ends.
			response.setHeader(HttpHeaders.ALLOW, HttpMethod.GET.name());
			this.errors.write(response, SseErrorCode.METHOD_NOT_ALLOWED, "Streams are opened with GET", null);
			return;
		}
		if (!hasParsableQuery(request)) {
			this.errors.write(response, SseErrorCode.BAD_REQUEST,
					"Malformed query string: bad percent-encoding, or too many parameters", null);
			return;
		}
		chain.doFilter(request, response);
	}

	private static boolean hasParsableQuery(HttpServletRequest request) {
		try {
			// Tomcat refuses more parameters itself; Jetty limits only form posts.
			return request.getParameterMap().values().stream().mapToInt((values) -> values.length).sum()
					<= MAX_PARAMETERS;
		}
		catch (IllegalStateException | IllegalArgumentException ex) {
			// Servlet 6.1 containers throw IllegalStateException for a query they cannot parse.
			return false;
		}
	}

}
