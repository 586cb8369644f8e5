package dev.sseboot.sse.security;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.util.StringUtils;

/**
 * Finds the token of a stream request: the {@code Authorization: Bearer} header, else the
 * query parameter (browsers' {@code EventSource} cannot set headers), else a cookie. Set
 * on the SSE filter chain only, so the query parameter works nowhere else.
 */
public final class SseBearerTokenResolver implements BearerTokenResolver {

	private static final String BEARER_PREFIX = "bearer ";

	/** The browser's Fetch Metadata header that says how a request was made. */
	private static final String SEC_FETCH_MODE = "Sec-Fetch-Mode";

	private final @Nullable String queryParameter;

	private final @Nullable String cookieName;

	/**
	 * Creates a resolver.
	 * @param queryParameter the query parameter that may carry the token, or {@code null}
	 * to accept none
	 * @param cookieName the cookie that may carry the token, or {@code null}
	 */
	public SseBearerTokenResolver(@Nullable String queryParameter, @Nullable String cookieName) {
		this.queryParameter = queryParameter;
		this.cookieName = cookieName;
	}

	@Override
	public @Nullable String resolve(HttpServletRequest request) {
		String header = fromHeader(request);
		String query = fromQuery(request);
		if (header != null && query != null) {
			throw new OAuth2AuthenticationException(
					BearerTokenErrors.invalidRequest("Token given both in the Authorization header and the query"));
		}
		if (header != null) {
			return header;
		}
		return (query != null) ? query : fromCookie(request);
	}

	private @Nullable String fromHeader(HttpServletRequest request) {
		String authorization;
		try {
			authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
		}
		catch (RequestRejectedException ex) {
			// The request firewall refuses control characters: a token with them is a bad token.
			throw new InvalidBearerTokenException("Malformed Authorization header");
		}
		// The scheme is case-insensitive (RFC 9110 section 11.1).
		if (authorization == null || !authorization.regionMatches(true, 0, BEARER_PREFIX, 0, BEARER_PREFIX.length())) {
			return null;
		}
		return textOrNull(authorization.substring(BEARER_PREFIX.length()).strip());
	}

	private @Nullable String fromQuery(HttpServletRequest request) {
		if (this.queryParameter == null) {
			return null;
		}
		String[] values = request.getParameterValues(this.queryParameter);
		if (values == null || values.length == 0) {
			return null;
		}
		if (values.length > 1) {
			throw new OAuth2AuthenticationException(BearerTokenErrors.invalidRequest("Token given more than once"));
		}
		return textOrNull(values[0].strip());
	}

	private @Nullable String fromCookie(HttpServletRequest request) {
		Cookie[] cookies = request.getCookies();
		if (this.cookieName == null || cookies == null || !isCorsMode(request)) {
			return null;
		}
		for (Cookie cookie : cookies) {
			if (this.cookieName.equals(cookie.getName()) && StringUtils.hasText(cookie.getValue())) {
				return cookie.getValue();
			}
		}
		return null;
	}

	/**
	 * Whether the request comes from {@code EventSource} or {@code fetch}, or from a client
	 * that does not say. The browser sends cookies with an image or a frame that another
	 * page of the same site embeds too, without an {@code Origin} that CORS could check:
	 * such a request must not open a stream in the user's name. Its cookie is ignored
	 * rather than refused, so that it does not count against the user's address.
	 */
	private static boolean isCorsMode(HttpServletRequest request) {
		String mode = request.getHeader(SEC_FETCH_MODE);
		return mode == null || mode.equals("cors");
	}

	/** An empty token is no token: the client gets 401, as with none at all. */
	private static @Nullable String textOrNull(String token) {
		return token.isEmpty() ? null : token;
	}

}
