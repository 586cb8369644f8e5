package dev.sseboot.sse.autoconfigure;

import java.util.List;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.PriorityOrdered;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The SSE filter chain. It is {@link PriorityOrdered} so that it is consulted before
 * every chain of the application, whatever their {@code @Order}: its matcher covers the
 * stream path only, and an application's catch-all chain must not take that path over.
 */
public final class SseSecurityFilterChain implements SecurityFilterChain, PriorityOrdered {

	private final SecurityFilterChain delegate;

	private final int order;

	SseSecurityFilterChain(SecurityFilterChain delegate, int order) {
		this.delegate = delegate;
		this.order = order;
	}

	@Override
	public boolean matches(HttpServletRequest request) {
		return this.delegate.matches(request);
	}

	@Override
	public List<Filter> getFilters() {
		return this.delegate.getFilters();
	}

	@Override
	public int getOrder() {
		return this.order;
	}

}
