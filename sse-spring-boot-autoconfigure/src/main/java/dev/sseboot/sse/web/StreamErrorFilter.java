package dev.sseboot.sse.web;

import java.io.IOException;

import dev.sseboot.sse.error.SseErrorResponder;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Answers the error dispatch of a refused stream request with the starter's JSON body,
 * whoever refused it with a bare status: the container (a malformed query, a method it
 * does not allow), Spring Security's request firewall, or Spring MVC. Registered for
 * error dispatches only, ahead of the application's error page.
 */
public final class StreamErrorFilter extends HttpFilter {

	private final String path;

	private final SseErrorResponder errors;

	/**
	 * Creates the filter.
	 * @param path the stream endpoint's path within the application
	 * @param errors writes the error body
	 */
	public StreamErrorFilter(String path, SseErrorResponder errors) {
		this.path = path;
		this.errors = errors;
	}

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer status && status >= 400
				&& !response.isCommitted() && new StreamPath(request.getContextPath() + this.path)
					.matches((String) request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI))) {
			this.errors.write(response, status);
			return;
		}
		chain.doFilter(request, response);
	}

}
